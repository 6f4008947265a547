package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// tokensPage is GET /groups/{group}/tokens: the signed-in organiser's API
// tokens (names and dates only; secrets are never shown again).
func (s *Server) tokensPage(c *fiber.Ctx) error {
	acct, g, _, err := s.memberGroup(c)
	if err != nil {
		return err
	}
	return s.renderTokens(c, acct, g, fiber.Map{"Errors": map[string]string{}})
}

func (s *Server) renderTokens(c *fiber.Ctx, acct *turnout.Account, g *turnout.Group, data fiber.Map) error {
	ctx := c.UserContext()
	tokens, err := s.store.FindAPITokens(ctx, acct.ID)
	if err != nil {
		return err
	}
	data["Title"] = "API tokens"
	data["Group"] = g
	data["Tokens"] = tokens
	return s.render(c, "pages/group_tokens", data)
}

// createToken is POST /groups/{group}/tokens: the secret is shown once.
func (s *Server) createToken(c *fiber.Ctx) error {
	acct, g, _, err := s.memberGroup(c)
	if err != nil {
		return err
	}
	name := c.FormValue("name")
	ctx := c.UserContext()
	token, err := s.store.CreateAPIToken(ctx, acct.ID, name)
	if err != nil {
		if turnout.ErrorCode(err) != turnout.EINVALID {
			return err
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderTokens(c, acct, g, fiber.Map{"Errors": turnout.ErrorFields(err), "Name": name})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.renderTokens(c, acct, g, fiber.Map{"Errors": map[string]string{}, "NewToken": token})
}

// revokeToken is POST /groups/{group}/tokens/{id}/revoke.
func (s *Server) revokeToken(c *fiber.Ctx) error {
	acct, g, _, err := s.memberGroup(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return turnout.Errorf(turnout.ENOTFOUND, "Token not found.")
	}
	ctx := c.UserContext()
	if err := s.store.RevokeAPIToken(ctx, acct.ID, id); err != nil {
		return err
	}
	return s.redirectFlash(c, "/groups/"+g.Slug+"/tokens", "Token revoked. Scripts using it can no longer sign in.")
}
