package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// passwordPage is GET /account/password.
func (s *Server) passwordPage(c *fiber.Ctx) error {
	return s.renderPassword(c, fiber.Map{"Errors": map[string]string{}})
}

func (s *Server) renderPassword(c *fiber.Ctx, data fiber.Map) error {
	data["Title"] = "Change your password"
	return s.render(c, "pages/account_password", data)
}

// changePassword is POST /account/password. Wrong current passwords are
// limited per account, so the form cannot be used to guess.
func (s *Server) changePassword(c *fiber.Ctx) error {
	acct, err := s.pageAccount(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if over, err := s.overLimit(c, limitPassword, acct.Email); err != nil {
		return err
	} else if over {
		c.Status(fiber.StatusTooManyRequests)
		return s.renderPassword(c, fiber.Map{"Errors": map[string]string{}, "Error": "Too many failed attempts. Wait 15 minutes and try again."})
	}
	err = s.store.ChangePassword(ctx, acct.ID, c.FormValue("current_password"), c.FormValue("password"))
	if turnout.ErrorCode(err) == turnout.EINVALID {
		if turnout.ErrorFields(err)["current_password"] != "" {
			if err := s.countFailure(ctx, map[ratePolicy]string{limitPassword: acct.Email}); err != nil {
				return err
			}
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderPassword(c, fiber.Map{"Errors": turnout.ErrorFields(err), "Error": turnout.ErrorMessage(err)})
	} else if err != nil {
		return err
	}
	// Every session of the account has ended; this browser gets a new one.
	if err := s.startSession(c, acct.ID); err != nil {
		return err
	}
	return s.redirectFlash(c, "/dashboard", "Password changed. Any other device signed in to your account has been logged out.")
}
