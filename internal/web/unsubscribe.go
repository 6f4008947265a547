package web

import (
	"github.com/gofiber/fiber/v2"
)

// unsubscribePage is GET /unsubscribe/{token}: a button to confirm. A GET
// never unsubscribes, so link scanners that open every URL change nothing.
func (s *Server) unsubscribePage(c *fiber.Ctx) error {
	err := s.render(c, "pages/unsubscribe", fiber.Map{"Title": "Stop email about your RSVP", "Token": c.Params("token")})
	privatePage(c)
	return err
}

// unsubscribe is POST /unsubscribe/{token}: the confirm button, or a mail
// client's RFC 8058 one-click POST (body List-Unsubscribe=One-Click). It
// stops all further mail about that RSVP and answers 200.
func (s *Server) unsubscribe(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if err := s.store.Unsubscribe(ctx, c.Params("token")); err != nil {
		return err
	}
	err := s.render(c, "pages/unsubscribe", fiber.Map{"Title": "You will get no more email", "Done": true})
	privatePage(c)
	return err
}
