package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// invitationPage is GET /invitations/{token}: join as the signed-in account,
// or create one.
func (s *Server) invitationPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	inv, err := s.store.FindInvitation(ctx, c.Params("token"))
	if err != nil {
		return err
	}
	c.Set("Referrer-Policy", "no-referrer")
	return s.renderInvitation(c, inv, fiber.Map{"Form": turnout.AccountInput{}, "Errors": map[string]string{}})
}

func (s *Server) renderInvitation(c *fiber.Ctx, inv *turnout.Invitation, data fiber.Map) error {
	tok, err := s.csrfToken(c)
	if err != nil {
		return err
	}
	data["Title"] = "Join " + inv.Group.Name
	data["Invitation"] = inv
	data["CSRF"] = tok
	data["Path"] = c.Path()
	return s.render(c, "pages/invitation", data)
}

// acceptInvitation is POST /invitations/{token}: join as the signed-in
// account, or as a new one. The form is limited per client address and the
// invitation is checked before any password work. A new account is not
// signed in: the answer must not tell whether the email already had one.
func (s *Server) acceptInvitation(c *fiber.Ctx) error {
	token := c.Params("token")
	acct, err := s.sessionAccount(c)
	if err != nil {
		return err
	}
	if over, err := s.hitLimit(c, limitInvitation, clientKey(c)); err != nil {
		return err
	} else if over {
		return errTooManyForms
	}
	ctx := c.UserContext()
	if acct != nil {
		g, err := s.store.AcceptInvitation(ctx, token, acct.ID, nil)
		if err != nil {
			return err
		}
		return s.redirectFlash(c, "/dashboard", "You have joined "+g.Name+".")
	}
	in := &turnout.AccountInput{Email: c.FormValue("email"), Name: c.FormValue("name"), Password: c.FormValue("password")}
	g, err := s.store.AcceptInvitation(ctx, token, 0, in)
	if turnout.ErrorCode(err) == turnout.EINVALID {
		inv, ferr := s.store.FindInvitation(ctx, token)
		if ferr != nil {
			return ferr
		}
		typed := *in
		typed.Password = ""
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderInvitation(c, inv, fiber.Map{"Form": typed, "Errors": turnout.ErrorFields(err), "Error": turnout.ErrorMessage(err)})
	} else if err != nil && !errors.Is(err, turnout.ErrEmailTaken) {
		return err
	}
	return s.redirectFlash(c, "/login?next=%2Fdashboard", "Thank you. Now log in with your email address and password to see "+g.Name+
		". If that address already had a Turnout account, log in with that account's password.")
}
