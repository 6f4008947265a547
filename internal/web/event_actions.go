package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// previewEvent is GET /events/{slug}/preview: the public page of any of the
// group's events, drafts included, as supporters will see it.
func (s *Server) previewEvent(c *fiber.Ctx) error {
	_, e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	data := s.eventPageData(c, e)
	// The RSVP box as supporters will see it once the event is published, inert here.
	shown := *e
	if shown.Status == turnout.StatusDraft {
		shown.Status = turnout.StatusPublished
	}
	s.rsvpFormData(data, &shown, rsvpForm{})
	data["Preview"] = true
	// A draft has no public URL to announce yet.
	delete(data, "LinkPreview")
	delete(data, "JSONLD")
	data["Flash"] = "Preview: this is how the event page looks to supporters."
	c.Set("X-Robots-Tag", "noindex")
	return s.render(c, "pages/event", data)
}

// setStatus publishes (POST /events/{slug}/publish) or returns an event to
// draft (POST /events/{slug}/unpublish).
func (s *Server) setStatus(status, msg string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, e, err := s.pageEvent(c)
		if err != nil {
			return err
		}
		ctx := c.UserContext()
		updated, err := s.store.UpdateEvent(ctx, e.ID, turnout.EventInput{Status: &status})
		if err != nil {
			if turnout.ErrorCode(err) == turnout.EINVALID {
				return s.redirectFlash(c, "/events/"+e.Slug+"/edit", turnout.ErrorFields(err)["status"])
			}
			return err
		}
		return s.redirectFlash(c, "/events/"+updated.Slug+"/edit", msg) // publishing gives a draft its public slug
	}
}

// cancelPage is GET /events/{slug}/cancel: asks for the reason.
func (s *Server) cancelPage(c *fiber.Ctx) error {
	_, e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	return s.render(c, "pages/event_cancel", fiber.Map{"Title": "Cancel " + e.Title, "Event": e, "Errors": map[string]string{}})
}

// cancelEvent is POST /events/{slug}/cancel.
func (s *Server) cancelEvent(c *fiber.Ctx) error {
	_, e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	reason := c.FormValue("reason")
	ctx := c.UserContext()
	if _, err := s.store.CancelEvent(ctx, e.ID, reason); err != nil {
		data := fiber.Map{"Title": "Cancel " + e.Title, "Event": e, "Reason": reason}
		return s.formFailure(c, err, "pages/event_cancel", data)
	}
	return s.redirectFlash(c, "/events/"+e.Slug, "The event is cancelled. It stays listed with your reason, and calendars show it as cancelled.")
}

// deletePage is GET /events/{slug}/delete: asks for confirmation.
func (s *Server) deletePage(c *fiber.Ctx) error {
	_, e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	return s.render(c, "pages/event_delete", fiber.Map{"Title": "Delete " + e.Title, "Event": e})
}

// deleteEvent is POST /events/{slug}/delete: drafts only.
func (s *Server) deleteEvent(c *fiber.Ctx) error {
	_, e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if err := s.store.DeleteEvent(ctx, e.ID); err != nil {
		return err
	}
	return s.redirectFlash(c, "/dashboard", "Draft deleted.")
}

// duplicateEvent is POST /events/{slug}/duplicate: the same again a week later, as a draft.
func (s *Server) duplicateEvent(c *fiber.Ctx) error {
	_, e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	dup, err := s.store.DuplicateEvent(ctx, e.ID, 7*24*time.Hour)
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/events/"+dup.Slug+"/edit", "Copied to a new draft one week later. Check the details, then publish it.")
}
