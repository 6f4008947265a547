package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// requireAdmin guards the /admin pages, after requireLogin: an account that
// is not an administrator gets the answer for a page that does not exist,
// so the pages are not advertised.
func (s *Server) requireAdmin(c *fiber.Ctx) error {
	acct, err := s.pageAccount(c)
	if err != nil {
		return err
	}
	if !acct.IsAdmin {
		return turnout.Errorf(turnout.ENOTFOUND, "Page not found.")
	}
	return c.Next()
}

// adminPage is GET /admin: the instance at a glance and its administrators.
func (s *Server) adminPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	counts, err := s.store.CountAll(ctx)
	if err != nil {
		return err
	}
	admins, err := s.store.FindAdmins(ctx)
	if err != nil {
		return err
	}
	return s.render(c, "pages/admin", fiber.Map{"Title": "Administration", "Counts": counts, "Admins": admins})
}
