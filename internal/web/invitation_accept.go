package web

import (
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
	return s.renderInvitation(c, inv, fiber.Map{"Form": turnout.SignupInput{}, "Errors": map[string]string{}})
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

// acceptInvitation is POST /invitations/{token}.
func (s *Server) acceptInvitation(c *fiber.Ctx) error {
	token := c.Params("token")
	acct, err := s.sessionAccount(c)
	if err != nil {
		return err
	}
	var in *turnout.SignupInput
	var accountID int64
	if acct != nil {
		accountID = acct.ID
	} else {
		in = &turnout.SignupInput{Email: c.FormValue("email"), Name: c.FormValue("name"), Password: c.FormValue("password"), Timezone: "UTC"}
	}
	ctx := c.UserContext()
	joined, g, err := s.store.AcceptInvitation(ctx, token, accountID, in)
	if err != nil {
		if turnout.ErrorCode(err) != turnout.EINVALID || in == nil {
			return err
		}
		inv, ferr := s.store.FindInvitation(ctx, token)
		if ferr != nil {
			return ferr
		}
		typed := *in
		typed.Password = ""
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderInvitation(c, inv, fiber.Map{"Form": typed, "Errors": turnout.ErrorFields(err), "Error": turnout.ErrorMessage(err)})
	}
	if acct == nil {
		if err := s.startSession(c, joined.ID); err != nil {
			return err
		}
	}
	return s.redirectFlash(c, "/dashboard", "You have joined "+g.Name+".")
}
