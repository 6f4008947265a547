package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// maxRSVPBody bounds the body of RSVP requests: a few short fields.
const maxRSVPBody = 8 * 1024

// rsvpForm is what the RSVP form shows: the values typed and a message per field.
type rsvpForm struct {
	Name, Email, Status, Guests string
	Errors                      map[string]string
	Message                     string
}

// rsvpFormData adds the RSVP form's keys to the event page data.
func (s *Server) rsvpFormData(data fiber.Map, e *turnout.Event, form rsvpForm) fiber.Map {
	open, why := e.RSVPOpen(s.now())
	if form.Status == "" {
		form.Status = turnout.RSVPGoing
	}
	if form.Guests == "" {
		form.Guests = "0"
	}
	guests := make([]string, 0, e.MaxGuests+1)
	for i := 0; i <= e.MaxGuests; i++ {
		guests = append(guests, strconv.Itoa(i))
	}
	data["RSVP"] = form
	data["RSVPOpen"] = open
	data["RSVPClosed"] = why
	data["GuestOptions"] = guests
	return data
}

// rsvpCreate is POST /events/{slug}/rsvp, the event page's form. Bad input
// re-renders the event page with what was typed; success redirects (303) to
// the confirmation page, so that reloading it, or going back to it, reads the
// RSVP again instead of sending the form a second time.
func (s *Server) rsvpCreate(c *fiber.Ctx) error {
	e, err := s.findListedEvent(c, c.Params("slug"))
	if err != nil {
		return err
	}
	form := rsvpForm{Name: c.FormValue("name"), Email: c.FormValue("email"), Status: c.FormValue("status"), Guests: c.FormValue("guests")}
	r, token, err := s.createRSVP(c, e, form, c.FormValue("website"))
	if err != nil {
		code := turnout.ErrorCode(err)
		if code != turnout.EINVALID && code != turnout.ECONFLICT && code != turnout.ERATELIMITED {
			return err
		}
		form.Errors, form.Message = turnout.ErrorFields(err), turnout.ErrorMessage(err)
		c.Status(statusOf[code])
		return s.render(c, "pages/event", s.rsvpFormData(s.eventPageData(c, e), e, form))
	}
	if token == "" {
		// A second RSVP with a known email: nothing was stored and the owner
		// is mailed the link. The answer is a new RSVP's (303 to a
		// confirmation) without the private link.
		privatePage(c)
		v := url.Values{"status": {r.Status}, "guests": {strconv.Itoa(r.Guests)}}
		return c.Redirect("/events/"+e.Slug+"/rsvp/sent?"+v.Encode(), fiber.StatusSeeOther)
	}
	privatePage(c)
	return c.Redirect("/rsvp/"+token+"/done", fiber.StatusSeeOther)
}

// rsvpDonePage is GET /rsvp/{token}/done, where the RSVP form leads: what
// happened, what happens next, where and when, the calendar links and the
// private manage link. It only reads, so a reload changes nothing. The token
// in its address is the manage link's own, which the person is asked to keep
// anyway; the page is private (no-store, noindex, no referrer).
func (s *Server) rsvpDonePage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	token := c.Params("token")
	r, e, err := s.findRSVP(ctx, token)
	if err != nil {
		return err
	}
	return s.renderRSVPDone(c, e, r, token)
}

// rsvpSentPage is GET /events/{slug}/rsvp/sent, where the RSVP form leads
// when the address given already has an RSVP to the event: the confirmation
// of the answer given, without a private link (the owner of the address has
// been mailed it).
func (s *Server) rsvpSentPage(c *fiber.Ctx) error {
	e, err := s.findListedEvent(c, c.Params("slug"))
	if err != nil {
		return err
	}
	r := &turnout.RSVP{Status: turnout.RSVPGoing}
	switch st := c.Query("status"); st {
	case turnout.RSVPGoing, turnout.RSVPMaybe, turnout.RSVPNotGoing:
		r.Status = st
	}
	if n, err := strconv.Atoi(c.Query("guests")); err == nil && n >= 0 && n <= e.MaxGuests {
		r.Guests = n
	}
	s.pendingConfirmation(e, r)
	return s.renderRSVPDone(c, e, r, "")
}

// renderRSVPDone renders the confirmation of r; without a token (a second
// RSVP with a known email) it shows no private link.
func (s *Server) renderRSVPDone(c *fiber.Ctx, e *turnout.Event, r *turnout.RSVP, token string) error {
	data := s.eventPageData(c, e)
	data["Title"] = "Your RSVP: " + e.Title
	data["Description"] = ""
	data["Feeds"] = nil
	data["RSVPItem"] = r
	data["ManageURL"] = s.manageURL(token)
	data["Emailed"] = s.cfg.MailOn() && r.Email != nil
	data["ConfirmBy"] = s.confirmBy(c, r, e)
	err := s.render(c, "pages/rsvp_done", data)
	privatePage(c)
	return err
}

// createRSVP checks the honeypot, size and rate limit, then stores the RSVP.
func (s *Server) createRSVP(c *fiber.Ctx, e *turnout.Event, form rsvpForm, honeypot string) (*turnout.RSVP, string, error) {
	if len(c.Body()) > maxRSVPBody {
		return nil, "", turnout.Errorf(turnout.ETOOLARGE, "The request is too large.")
	}
	if strings.TrimSpace(honeypot) != "" {
		return nil, "", &turnout.Error{Code: turnout.EINVALID, Message: "Please leave the last field empty: it is there to catch spam robots.",
			Fields: map[string]string{"website": "Leave this empty."}}
	}
	in := turnout.RSVPInput{Name: form.Name, Email: form.Email, Status: form.Status}
	if g := strings.TrimSpace(form.Guests); g != "" {
		n, err := strconv.Atoi(g)
		if err != nil {
			return nil, "", &turnout.Error{Code: turnout.EINVALID, Message: "Please correct the highlighted fields.",
				Fields: map[string]string{"guests": "Enter a whole number of guests."}}
		}
		in.Guests = n
	}
	return s.storeRSVP(c, e, in)
}

// storeRSVP refuses closed events and clients over the rate limit, then stores.
func (s *Server) storeRSVP(c *fiber.Ctx, e *turnout.Event, in turnout.RSVPInput) (*turnout.RSVP, string, error) {
	if open, why := e.RSVPOpen(s.now()); !open {
		return nil, "", turnout.Errorf(turnout.ECONFLICT, "%s", why)
	}
	if err := s.rateLimitRSVP(c); err != nil {
		return nil, "", err
	}
	ctx := c.UserContext()
	in.Language = s.language(c, e.Group).String()
	return s.store.CreateRSVP(ctx, e.ID, in)
}

// apiCreateRSVP is POST /api/v1/events/{slug}/rsvps.
func (s *Server) apiCreateRSVP(c *fiber.Ctx) error {
	e, err := s.findListedEvent(c, c.Params("slug"))
	if err != nil {
		return err
	}
	if len(c.Body()) > maxRSVPBody {
		return turnout.Errorf(turnout.ETOOLARGE, "The request is too large.")
	}
	var in turnout.RSVPInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	r, token, err := s.storeRSVP(c, e, in)
	if err != nil {
		return err
	}
	// A second RSVP with a known email gets the answer of a new one without
	// the manage link (same status code); the owner is mailed the link.
	var manage string
	if token != "" {
		manage = s.manageURL(token)
	} else {
		s.pendingConfirmation(e, r) // sets the confirm_by a new RSVP would have
	}
	out := apiRSVPCreated{Status: r.Status, Guests: r.Guests, ManageURL: manage, WaitlistPosition: r.Position, ConfirmBy: apiTime(r.ConfirmBy)}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(out)
}

// privatePage keeps pages holding a manage link or attendee data out of
// caches and search engines.
func privatePage(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("X-Robots-Tag", "noindex, nofollow")
}

// manageURL is the private page of a manage token; "" for no token.
func (s *Server) manageURL(token string) string {
	if token == "" {
		return ""
	}
	return s.cfg.BaseURL + "/rsvp/" + token
}
