package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// rateLimitRSVP counts an RSVP write against the client address in the
// current minute, in the database so that every instance agrees, and answers
// ERATELIMITED over TURNOUT_RSVP_RATE_LIMIT. A limit of 0 turns it off.
// c.IP() honours X-Forwarded-For only from TURNOUT_TRUSTED_PROXIES.
func (s *Server) rateLimitRSVP(c *fiber.Ctx) error {
	limit := s.cfg.RSVPRateLimit
	if limit <= 0 {
		return nil
	}
	now := s.now().UTC()
	window := now.Truncate(time.Minute)
	ctx := c.UserContext()
	n, err := s.store.HitRateLimit(ctx, "rsvp:"+c.IP(), window)
	if err != nil {
		return err
	}
	if n > limit {
		wait := int(window.Add(time.Minute).Sub(now).Seconds()) + 1
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(wait))
		return turnout.Errorf(turnout.ERATELIMITED, "Too many RSVPs from your network in the last minute. Please try again in a minute.")
	}
	return nil
}
