package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// apiCreateEvent is POST /api/v1/groups/{group}/events.
func (s *Server) apiCreateEvent(c *fiber.Ctx) error {
	acct, err := s.bearerAccount(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	g, err := s.store.FindGroupBySlug(ctx, c.Params("group"))
	if err != nil {
		return err
	}
	if _, err := s.requireRole(c, acct, g.ID); err != nil {
		return err
	}
	var in turnout.EventInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	e, err := s.store.CreateEvent(ctx, g.ID, in)
	if err != nil {
		return err
	}
	if e.Articles == nil {
		if e, err = s.store.FindEventBySlug(ctx, e.Slug); err != nil {
			return err
		}
	}
	c.Location(s.cfg.BaseURL + "/api/v1/events/" + e.Slug)
	return c.Status(fiber.StatusCreated).JSON(s.toAPIEvent(e))
}

// apiUpdateEvent is PATCH /api/v1/events/{slug}: any subset of the fields.
func (s *Server) apiUpdateEvent(c *fiber.Ctx) error {
	_, e, err := s.apiEvent(c)
	if err != nil {
		return err
	}
	var in turnout.EventInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ctx := c.UserContext()
	updated, err := s.store.UpdateEvent(ctx, e.ID, in)
	if err != nil {
		return err
	}
	return c.JSON(s.toAPIEvent(updated))
}

// apiCancelEvent is POST /api/v1/events/{slug}/cancel {reason}.
func (s *Server) apiCancelEvent(c *fiber.Ctx) error {
	_, e, err := s.apiEvent(c)
	if err != nil {
		return err
	}
	var body struct {
		Reason *string `json:"reason"`
	}
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	reason := ""
	if body.Reason != nil {
		reason = *body.Reason
	}
	ctx := c.UserContext()
	if _, err := s.store.CancelEvent(ctx, e.ID, reason); err != nil {
		return err
	}
	cancelled, err := s.store.FindEventBySlug(ctx, e.Slug)
	if err != nil {
		return err
	}
	return c.JSON(s.toAPIEvent(cancelled))
}

// apiShowDraft serves GET /api/v1/events/{slug} for a draft to an
// organiser of its group who sends a bearer token. Everyone else (no token,
// a bad or revoked token, another group's token) gets the 404 of a slug no
// event has, so the answer never tells that a draft exists.
func (s *Server) apiShowDraft(c *fiber.Ctx, e *turnout.Event) error {
	if c.Get(fiber.HeaderAuthorization) == "" {
		return errEventNotFound
	}
	acct, err := s.bearerAccount(c)
	if turnout.ErrorCode(err) == turnout.EUNAUTHORIZED {
		return errEventNotFound
	} else if err != nil {
		return err
	}
	if _, err := s.requireRole(c, acct, e.GroupID); err != nil {
		return errEventNotFound
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(s.toAPIEvent(e))
}
