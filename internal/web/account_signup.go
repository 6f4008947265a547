package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

var errSignupClosed = turnout.Errorf(turnout.EFORBIDDEN, "Sign-up is closed on this Turnout. Ask a group's owner for an invitation.")

// signupPage is GET /signup.
func (s *Server) signupPage(c *fiber.Ctx) error {
	if !s.cfg.OpenSignup {
		return errSignupClosed
	}
	return s.renderSignup(c, fiber.Map{"Form": turnout.SignupInput{Timezone: "Europe/London"}, "Errors": map[string]string{}})
}

func (s *Server) renderSignup(c *fiber.Ctx, data fiber.Map) error {
	tok, err := s.csrfToken(c)
	if err != nil {
		return err
	}
	data["Title"] = "Sign up"
	data["CSRF"] = tok
	form, _ := data["Form"].(turnout.SignupInput)
	zoneSelect(data, "", form.Timezone)
	return s.render(c, "pages/signup", data)
}

// signup is POST /signup: a new account with its first group, signed in.
func (s *Server) signup(c *fiber.Ctx) error {
	if !s.cfg.OpenSignup {
		return errSignupClosed
	}
	in := turnout.SignupInput{Email: c.FormValue("email"), Name: c.FormValue("name"), Password: c.FormValue("password"),
		GroupName: c.FormValue("group_name"), Timezone: c.FormValue("timezone")}
	typed := in
	typed.Password = ""
	ctx := c.UserContext()
	acct, g, err := s.store.SignUp(ctx, in)
	if err != nil {
		if turnout.ErrorCode(err) != turnout.EINVALID {
			return err
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderSignup(c, fiber.Map{"Form": typed, "Errors": turnout.ErrorFields(err), "Error": turnout.ErrorMessage(err)})
	}
	if err := s.startSession(c, acct.ID); err != nil {
		return err
	}
	return s.redirectFlash(c, "/dashboard", "Welcome to Turnout. Your group "+g.Name+" is ready.")
}
