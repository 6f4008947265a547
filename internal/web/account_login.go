package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

const loginFailureMessage = "Wrong email or password."

// loginPage is GET /login.
func (s *Server) loginPage(c *fiber.Ctx) error {
	acct, err := s.sessionAccount(c)
	if err != nil {
		return err
	}
	next := safeNext(c.Query("next"))
	if acct != nil {
		return c.Redirect(next, fiber.StatusSeeOther)
	}
	return s.renderLogin(c, fiber.Map{"Next": next})
}

func (s *Server) renderLogin(c *fiber.Ctx, data fiber.Map) error {
	tok, err := s.csrfToken(c)
	if err != nil {
		return err
	}
	data["Title"] = "Log in"
	data["CSRF"] = tok
	data["OpenSignup"] = s.cfg.OpenSignup
	if _, ok := data["Errors"]; !ok {
		data["Errors"] = map[string]string{}
	}
	return s.render(c, "pages/login", data)
}

// login is POST /login. Failures get one generic message whether the email
// exists or not. They are limited per client address and per account and
// address pair; an account failing from everywhere is slowed down, never
// locked, so its owner can still log in from their own address.
func (s *Server) login(c *fiber.Ctx) error {
	email := strings.TrimSpace(c.FormValue("email"))
	password := c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	data := fiber.Map{"Next": next, "Email": email}
	norm, _ := turnout.NormalizeEmail(email)
	addr := clientKey(c)
	failures := map[ratePolicy]string{limitLoginAddress: addr, limitLoginPair: norm + " " + addr, limitLoginAccount: norm}
	for _, p := range []ratePolicy{limitLoginAddress, limitLoginPair} {
		if over, err := s.overLimit(c, p, failures[p]); err != nil {
			return err
		} else if over {
			c.Status(fiber.StatusTooManyRequests)
			data["Error"] = "Too many failed attempts. Wait 15 minutes and try again."
			return s.renderLogin(c, data)
		}
	}
	ctx := c.UserContext()
	if over, err := s.overLimit(c, limitLoginAccount, norm); err != nil {
		return err
	} else if over {
		c.Response().Header.Del(fiber.HeaderRetryAfter)
		s.delay(ctx, loginDelay)
	}
	acct, err := s.store.Authenticate(ctx, email, password)
	if turnout.ErrorCode(err) == turnout.EUNAUTHORIZED {
		if err := s.countFailure(ctx, failures); err != nil {
			return err
		}
		c.Status(fiber.StatusUnauthorized)
		data["Error"] = loginFailureMessage
		return s.renderLogin(c, data)
	} else if err != nil {
		return err
	}
	if err := s.startSession(c, acct.ID); err != nil {
		return err
	}
	return s.redirectFlash(c, next, "Welcome back, "+acct.DisplayName+".")
}

// logout is POST /logout: the session ends in the database and the browser.
func (s *Server) logout(c *fiber.Ctx) error {
	if err := s.endSession(c); err != nil {
		return err
	}
	return s.redirectFlash(c, "/", "You are logged out.")
}
