package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// resetSentMessage is the one answer to a reset request, whether or not the
// address has an account.
const resetSentMessage = "If an account uses that address, we have emailed it a link to choose a new password. The link works once, for an hour. The email can take a few minutes; check your spam folder too."

// resetFloor is the least time a well-formed reset request takes, far above
// what the store's work for a known address adds.
const resetFloor = 250 * time.Millisecond

// errResetMailOff answers the reset pages on a site that sends no email.
var errResetMailOff = turnout.Errorf(turnout.ENOTFOUND, "This site does not send email, so passwords cannot be reset by email. Ask whoever runs this Turnout site to set a new one with `turnout organiser add --password-stdin`.")

// passwordResetPage is GET /password/reset: the form that asks for the
// account's email.
func (s *Server) passwordResetPage(c *fiber.Ctx) error {
	if !s.cfg.MailOn() {
		return errResetMailOff
	}
	return s.renderPasswordReset(c, fiber.Map{})
}

func (s *Server) renderPasswordReset(c *fiber.Ctx, data fiber.Map) error {
	tok, err := s.csrfToken(c)
	if err != nil {
		return err
	}
	data["Title"] = "Reset your password"
	data["CSRF"] = tok
	if _, ok := data["Errors"]; !ok {
		data["Errors"] = map[string]string{}
	}
	return s.render(c, "pages/password_reset", data)
}

// requestPasswordReset is POST /password/reset (form field email). Every
// well-formed address gets the same answer, a redirect to the "check your
// email" page, whether or not it has an account. Requests are limited per
// client address and per email address, known or not, so the limits tell
// nothing either.
func (s *Server) requestPasswordReset(c *fiber.Ctx) error {
	if !s.cfg.MailOn() {
		return errResetMailOff
	}
	email := strings.TrimSpace(c.FormValue("email"))
	norm, ok := turnout.NormalizeEmail(email)
	if !ok {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderPasswordReset(c, fiber.Map{"Email": email,
			"Errors": map[string]string{"email": "Enter the email address of your account, like name@example.org."}})
	}
	for _, limit := range []struct {
		p   ratePolicy
		key string
	}{{limitResetAddress, clientKey(c)}, {limitResetAccount, norm}} {
		if over, err := s.hitLimit(c, limit.p, limit.key); err != nil {
			return err
		} else if over {
			c.Status(fiber.StatusTooManyRequests)
			return s.renderPasswordReset(c, fiber.Map{"Email": email,
				"Error": "Too many password reset requests. Wait a while (an hour at most) and try again; a link already sent still works for an hour."})
		}
	}
	// An address with an account costs a few writes more than one without;
	// every request takes at least resetFloor, so timing tells nothing.
	ctx, start := c.UserContext(), time.Now()
	if err := s.store.RequestPasswordReset(ctx, norm); err != nil {
		return err
	}
	if left := resetFloor - time.Since(start); left > 0 {
		s.delay(ctx, left)
	}
	return c.Redirect("/password/reset/sent", fiber.StatusSeeOther)
}

// passwordResetSent is GET /password/reset/sent.
func (s *Server) passwordResetSent(c *fiber.Ctx) error {
	if !s.cfg.MailOn() {
		return errResetMailOff
	}
	return s.render(c, "pages/password_reset_sent", fiber.Map{"Title": "Check your email", "Message": resetSentMessage})
}

// newPasswordPage is GET /password/reset/{token}: the form for the new
// password, if the link is usable.
func (s *Server) newPasswordPage(c *fiber.Ctx) error {
	acct, err := s.store.FindPasswordReset(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return s.renderNewPassword(c, acct, fiber.Map{})
}

func (s *Server) renderNewPassword(c *fiber.Ctx, acct *turnout.Account, data fiber.Map) error {
	tok, err := s.csrfToken(c)
	if err != nil {
		return err
	}
	c.Set("Referrer-Policy", "no-referrer")
	data["Title"] = "Choose a new password"
	data["CSRF"] = tok
	data["Path"] = c.Path()
	data["ResetEmail"] = acct.Email
	if _, ok := data["Errors"]; !ok {
		data["Errors"] = map[string]string{}
	}
	err = s.render(c, "pages/password_new", data)
	privatePage(c)
	return err
}

// resetPassword is POST /password/reset/{token} (field password): the link
// is used up, every session of the account ends, this browser is signed in
// afresh, and the account is told by email.
func (s *Server) resetPassword(c *fiber.Ctx) error {
	ctx := c.UserContext()
	token := c.Params("token")
	acct, err := s.store.ResetPassword(ctx, token, c.FormValue("password"))
	if turnout.ErrorCode(err) == turnout.EINVALID {
		found, ferr := s.store.FindPasswordReset(ctx, token)
		if ferr != nil {
			return ferr
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderNewPassword(c, found, fiber.Map{"Errors": turnout.ErrorFields(err)})
	} else if err != nil {
		return err
	}
	if err := s.startSession(c, acct.ID); err != nil {
		return err
	}
	return s.redirectFlash(c, "/dashboard", "Password changed. Any other device signed in to your account has been logged out.")
}
