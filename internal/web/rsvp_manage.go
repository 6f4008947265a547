package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// rsvpManagePage is GET /rsvp/{token}: the supporter's private page to
// change or cancel their RSVP. An unknown token is a plain 404.
func (s *Server) rsvpManagePage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	r, e, err := s.findRSVP(ctx, c.Params("token"))
	if err != nil {
		return err
	}
	msg := ""
	if c.Query("saved") != "" {
		msg = "Your changes are saved."
	}
	return s.renderManage(c, r, e, c.Params("token"), rsvpForm{}, msg)
}

func (s *Server) renderManage(c *fiber.Ctx, r *turnout.RSVP, e *turnout.Event, token string, form rsvpForm, flash string) error {
	if form.Name == "" && form.Errors == nil {
		form = rsvpForm{Name: r.Name, Status: r.Status, Guests: strconv.Itoa(r.Guests)}
		if r.Status == turnout.RSVPWaitlisted {
			form.Status = turnout.RSVPGoing
		}
	}
	data := s.rsvpFormData(fiber.Map{"Title": "Your RSVP: " + e.Title, "Event": e, "RSVPItem": r, "Token": token, "Flash": flash,
		"GoogleURL": googleCalendarURL(e, s.cfg.BaseURL), "WebcalURL": s.webcalURL("/groups/" + e.Group.Slug + "/events.ics"), "ConfirmBy": s.confirmBy(c, r, e)}, e, form)
	err := s.render(c, "pages/rsvp_manage", data)
	privatePage(c)
	return err
}

// rsvpManageUpdate is POST /rsvp/{token}: change name, status and guests.
func (s *Server) rsvpManageUpdate(c *fiber.Ctx) error {
	token := c.Params("token")
	form := rsvpForm{Name: c.FormValue("name"), Status: c.FormValue("status"), Guests: c.FormValue("guests")}
	u := turnout.RSVPUpdate{Name: &form.Name, Status: &form.Status}
	var err error
	if n, convErr := strconv.Atoi(strings.TrimSpace(form.Guests)); convErr == nil {
		u.Guests = &n
	} else {
		err = &turnout.Error{Code: turnout.EINVALID, Message: "Please correct the highlighted fields.", Fields: map[string]string{"guests": "Enter a whole number of guests."}}
	}
	if err == nil {
		err = s.updateRSVP(c, token, u)
	}
	if err == nil {
		return c.Redirect("/rsvp/"+token+"?saved=1", fiber.StatusSeeOther)
	}
	code := turnout.ErrorCode(err)
	if code != turnout.EINVALID && code != turnout.ECONFLICT && code != turnout.ERATELIMITED {
		return err
	}
	ctx := c.UserContext()
	r, e, ferr := s.findRSVP(ctx, token)
	if ferr != nil {
		return ferr
	}
	form.Errors, form.Message = turnout.ErrorFields(err), turnout.ErrorMessage(err)
	if form.Errors == nil {
		form.Errors = map[string]string{}
	}
	c.Status(statusOf[code])
	return s.renderManage(c, r, e, token, form, "")
}

func (s *Server) updateRSVP(c *fiber.Ctx, token string, u turnout.RSVPUpdate) error {
	if len(c.Body()) > maxRSVPBody {
		return turnout.Errorf(turnout.ETOOLARGE, "The request is too large.")
	}
	if err := s.rateLimitRSVP(c); err != nil {
		return err
	}
	ctx := c.UserContext()
	_, err := s.store.UpdateRSVP(ctx, token, u)
	return err
}

// rsvpCancelPage is GET /rsvp/{token}/cancel: "Cancel your RSVP to X?",
// the step that keeps one tap from deleting an RSVP, without JavaScript.
func (s *Server) rsvpCancelPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	_, e, err := s.findRSVP(ctx, c.Params("token"))
	if err != nil {
		return err
	}
	return s.renderRSVPCancelConfirm(c, e)
}

func (s *Server) renderRSVPCancelConfirm(c *fiber.Ctx, e *turnout.Event) error {
	token := c.Params("token")
	data := fiber.Map{
		"Title": "Cancel your RSVP", "Heading": "Cancel your RSVP to " + e.Title + "?",
		"Explain": "This deletes your RSVP and your private link, and frees your places for people on the waitlist.",
		"Action":  "/rsvp/" + token + "/cancel", "Yes": "Yes, cancel my RSVP", "Back": "/rsvp/" + token,
	}
	if e.Cancelled() {
		data["Title"], data["Heading"], data["Yes"] = "Delete your RSVP", "Delete your RSVP to "+e.Title+"?", "Yes, delete my RSVP"
		data["Explain"] = "The event is cancelled. This deletes your RSVP, your name and your private link now."
	}
	err := s.render(c, "pages/confirm", data)
	privatePage(c)
	return err
}

// rsvpManageCancel is POST /rsvp/{token}/cancel with confirm=yes: delete
// the RSVP. Without confirm=yes (a form from before the confirm step) it
// asks first and deletes nothing.
func (s *Server) rsvpManageCancel(c *fiber.Ctx) error {
	ctx := c.UserContext()
	_, e, err := s.findRSVP(ctx, c.Params("token"))
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		return s.renderRSVPCancelConfirm(c, e)
	}
	if err := s.rateLimitRSVP(c); err != nil {
		return err
	}
	if err := s.store.CancelRSVP(ctx, c.Params("token")); err != nil {
		return err
	}
	err = s.render(c, "pages/rsvp_cancelled", fiber.Map{"Title": "RSVP cancelled", "Event": e})
	privatePage(c)
	return err
}

// toAPIRSVP is the JSON form of an RSVP for its own manage link.
func (s *Server) toAPIRSVP(r *turnout.RSVP, e *turnout.Event) apiRSVP {
	out := apiRSVP{
		Name: r.Name, Email: r.Email, Status: r.Status, Guests: r.Guests,
		CreatedAt: r.CreatedAt.UTC().Format(time.RFC3339), WaitlistPosition: r.Position,
		Event: apiRSVPEvent{Slug: e.Slug, Title: e.Title, URL: s.cfg.BaseURL + "/events/" + e.Slug, ICSURL: s.cfg.BaseURL + "/events/" + e.Slug + ".ics"},
	}
	if e.PointHidden() {
		out.MeetingPoint = apiMeetingPointOf(e)
	}
	return out
}

// apiShowRSVP is GET /api/v1/rsvps/{token}.
func (s *Server) apiShowRSVP(c *fiber.Ctx) error {
	ctx := c.UserContext()
	r, e, err := s.findRSVP(ctx, c.Params("token"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(s.toAPIRSVP(r, e))
}

// apiUpdateRSVP is PATCH /api/v1/rsvps/{token} with any of name, status, guests.
func (s *Server) apiUpdateRSVP(c *fiber.Ctx) error {
	var u turnout.RSVPUpdate
	if err := decodeJSON(c, &u); err != nil {
		return err
	}
	if err := s.updateRSVP(c, c.Params("token"), u); err != nil {
		return err
	}
	return s.apiShowRSVP(c)
}

// apiDeleteRSVP is DELETE /api/v1/rsvps/{token}.
func (s *Server) apiDeleteRSVP(c *fiber.Ctx) error {
	if err := s.rateLimitRSVP(c); err != nil {
		return err
	}
	ctx := c.UserContext()
	if err := s.store.CancelRSVP(ctx, c.Params("token")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// findRSVP returns the RSVP of a manage token and its event as that person
// may see it: with a hidden meeting point only once they are going and its
// reveal time has come (turnout.Event.PointFor).
func (s *Server) findRSVP(ctx context.Context, token string) (*turnout.RSVP, *turnout.Event, error) {
	r, e, err := s.store.FindRSVPByToken(ctx, token)
	if err != nil {
		return r, e, err
	}
	return r, e.PointFor(r, s.now()), nil
}

// apiMeetingPointOf is what an RSVP's JSON says of a hidden meeting point:
// the point itself once its holder is entitled to it (findRSVP), otherwise
// the public area and, if set, when people going will see it.
func apiMeetingPointOf(e *turnout.Event) *apiMeetingPoint {
	out := &apiMeetingPoint{Shared: !e.PointWithheld, PublicArea: e.PublicArea}
	if e.RevealAt != nil {
		v := e.LocalRevealAt().Format(time.RFC3339)
		out.SharedAt = &v
	}
	if !e.PointWithheld {
		out.Venue, out.Address, out.OnlineURL, out.Directions = e.Venue, e.Address, e.OnlineURL, e.Directions
		out.Latitude, out.Longitude = e.Latitude, e.Longitude
	}
	return out
}
