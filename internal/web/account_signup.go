package web

import (
	"errors"

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
	data["Zones"] = zoneChoices(form.Timezone)
	return s.render(c, "pages/signup", data)
}

// signedUpMessage is the answer to every accepted sign-up, whether the email
// was new or already had an account: the two must not be told apart.
const signedUpMessage = "Thank you. Now log in with your email address and password. If that address already had a Turnout account, nothing has changed: log in with that account's password."

// signup is POST /signup: a new account with its first group. Sign-ups are
// limited per client address, and checked before any password work. The
// answer does not say whether the email already had an account.
func (s *Server) signup(c *fiber.Ctx) error {
	if !s.cfg.OpenSignup {
		return errSignupClosed
	}
	if over, err := s.hitLimit(c, limitSignup, clientKey(c)); err != nil {
		return err
	} else if over {
		return errTooManyForms
	}
	in := turnout.SignupInput{Email: c.FormValue("email"), Name: c.FormValue("name"), Password: c.FormValue("password"),
		GroupName: c.FormValue("group_name"), Timezone: c.FormValue("timezone")}
	typed := in
	typed.Password = ""
	ctx := c.UserContext()
	_, _, err := s.store.SignUp(ctx, in)
	if code := turnout.ErrorCode(err); code == turnout.EINVALID {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderSignup(c, fiber.Map{"Form": typed, "Errors": turnout.ErrorFields(err), "Error": turnout.ErrorMessage(err)})
	} else if err != nil && !errors.Is(err, turnout.ErrEmailTaken) {
		return err
	}
	return s.redirectFlash(c, "/login", signedUpMessage)
}

var errTooManyForms = turnout.Errorf(turnout.ERATELIMITED, "Too many attempts from your network. Please wait a few minutes and try again.")
