package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// rsvpConfirmPage is GET /rsvp/confirm/{token}, the link in the
// confirmation email of an RSVP whose email the organisers require: a
// button to confirm, or word that it is confirmed. A GET never confirms,
// so link scanners that open every URL do not confirm for anyone.
func (s *Server) rsvpConfirmPage(c *fiber.Ctx) error {
	r, e, err := s.store.FindRSVPConfirmation(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return s.renderRSVPConfirm(c, r, e)
}

// rsvpConfirm is POST /rsvp/confirm/{token}: the RSVP is confirmed and no
// longer released; then back to the page, which says so. Like the other
// supporter forms it needs no session: the token is the credential.
func (s *Server) rsvpConfirm(c *fiber.Ctx) error {
	if _, _, err := s.store.ConfirmRSVP(c.UserContext(), c.Params("token")); err != nil {
		return err
	}
	return c.Redirect(c.Path(), fiber.StatusSeeOther)
}

func (s *Server) renderRSVPConfirm(c *fiber.Ctx, r *turnout.RSVP, e *turnout.Event) error {
	c.Set("Referrer-Policy", "no-referrer")
	data := fiber.Map{"Title": "Confirm your RSVP: " + e.Title, "Event": e, "RSVPItem": r, "Path": c.Path(),
		"Confirmed": !r.Unconfirmed(), "ConfirmBy": s.confirmBy(c, r, e)}
	err := s.render(c, "pages/rsvp_confirm", data)
	privatePage(c)
	return err
}

// confirmBy is when an unconfirmed RSVP is released, in the event's zone, or
// "" for an RSVP that waits for nothing.
func (s *Server) confirmBy(c *fiber.Ctx, r *turnout.RSVP, e *turnout.Event) string {
	if r == nil || r.ConfirmBy == nil {
		return ""
	}
	return s.langs.cat.Localizer(s.language(c, e.Group)).DateTimeLong(r.ConfirmBy.In(e.Location()))
}

// pendingConfirmation is the RSVP a new RSVP to e would be, for the page of a
// second RSVP with a known address: it must read like a new one, including
// the request to confirm, so that it tells nothing.
func (s *Server) pendingConfirmation(e *turnout.Event, r *turnout.RSVP) {
	if s.cfg.MailOn() && e.RequireEmail {
		by := s.now().Add(time.Duration(e.EmailConfirmHours) * time.Hour)
		r.ConfirmBy = &by
	}
}
