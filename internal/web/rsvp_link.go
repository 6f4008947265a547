package web

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// linkSentMessage is the one answer to "Email me my link", whether or not
// the address has an RSVP at the event.
const linkSentMessage = "If that address has an RSVP to this event, we have emailed it a new private link. The link you had before no longer works. The email can take a few minutes; check your spam folder too."

// linksPerAddress bounds lost-link requests per email address and event per
// hour, so that nobody can flood someone's inbox from many networks.
const linksPerAddress = 5

// errMailOff answers lost-link requests on a site that sends no email.
var errMailOff = turnout.Errorf(turnout.ENOTFOUND, "This site does not send email, so it cannot send your link. Ask the event's organisers to change or cancel your RSVP.")

// rsvpLinkRequest is POST /events/{slug}/rsvp/link (form field email).
func (s *Server) rsvpLinkRequest(c *fiber.Ctx) error {
	e, err := s.findListedEvent(c, c.Params("slug"))
	if err != nil {
		return err
	}
	if err := s.sendManageLink(c, e, c.FormValue("email")); err != nil {
		return err
	}
	c.Status(fiber.StatusAccepted)
	err = s.render(c, "pages/rsvp_link_sent", fiber.Map{"Title": "Check your email", "Event": e, "Message": linkSentMessage})
	privatePage(c)
	return err
}

// apiRSVPLinkRequest is POST /api/v1/events/{slug}/rsvps/link ({"email"}).
func (s *Server) apiRSVPLinkRequest(c *fiber.Ctx) error {
	e, err := s.findListedEvent(c, c.Params("slug"))
	if err != nil {
		return err
	}
	var in struct {
		Email string `json:"email"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.sendManageLink(c, e, in.Email); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusAccepted).JSON(apiMessage{Message: linkSentMessage})
}

// sendManageLink checks the address and the limits, then asks the store to
// mail a fresh link. Its answer does not depend on whether there is an RSVP.
func (s *Server) sendManageLink(c *fiber.Ctx, e *turnout.Event, email string) error {
	if !s.cfg.MailOn() {
		return errMailOff
	}
	if len(c.Body()) > maxRSVPBody {
		return turnout.Errorf(turnout.ETOOLARGE, "The request is too large.")
	}
	norm, ok := turnout.NormalizeEmail(strings.TrimSpace(email))
	if !ok {
		return &turnout.Error{Code: turnout.EINVALID, Message: "Enter the email address you gave when you RSVPed.",
			Fields: map[string]string{"email": "Enter an email address like name@example.org."}}
	}
	if err := s.rateLimitRSVP(c); err != nil {
		return err
	}
	ctx := c.UserContext()
	sum := sha256.Sum256([]byte(norm))
	window := s.now().UTC().Truncate(time.Hour)
	n, err := s.store.HitRateLimit(ctx, "link:"+strconv.FormatInt(e.ID, 10)+":"+hex.EncodeToString(sum[:12]), window)
	if err != nil {
		return err
	}
	if n > linksPerAddress {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(window.Add(time.Hour).Sub(s.now()).Seconds())+1))
		return turnout.Errorf(turnout.ERATELIMITED, "We have sent several links to that address in the last hour. Please wait for them, or try again later.")
	}
	return s.store.SendManageLink(ctx, e.ID, norm)
}
