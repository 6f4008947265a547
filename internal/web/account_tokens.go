package web

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// API tokens belong to the account and act in every group it organises,
// so they have one page, /account/tokens. The per-group pages they had
// before (/groups/{group}/tokens...) redirect there.

// tokensPage is GET /account/tokens: the signed-in organiser's API tokens
// (names and dates only; secrets are never shown again).
func (s *Server) tokensPage(c *fiber.Ctx) error {
	acct, err := s.pageAccount(c)
	if err != nil {
		return err
	}
	return s.renderTokens(c, acct, fiber.Map{"Errors": map[string]string{}})
}

func (s *Server) renderTokens(c *fiber.Ctx, acct *turnout.Account, data fiber.Map) error {
	ctx := c.UserContext()
	tokens, err := s.store.FindAPITokens(ctx, acct.ID)
	if err != nil {
		return err
	}
	groups, err := s.store.FindAccountGroups(ctx, acct.ID)
	if err != nil {
		return err
	}
	data["Title"] = "API tokens"
	data["Tokens"] = tokens
	data["Groups"] = groups
	return s.render(c, "pages/account_tokens", data)
}

// createToken is POST /account/tokens: the secret is shown once.
func (s *Server) createToken(c *fiber.Ctx) error {
	acct, err := s.pageAccount(c)
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
		return s.renderTokens(c, acct, fiber.Map{"Errors": turnout.ErrorFields(err), "Name": name})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.renderTokens(c, acct, fiber.Map{"Errors": map[string]string{}, "NewToken": token})
}

// revokeToken is POST /account/tokens/{id}/revoke.
func (s *Server) revokeToken(c *fiber.Ctx) error {
	acct, err := s.pageAccount(c)
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
	return s.redirectFlash(c, "/account/tokens", "Token revoked. Scripts using it can no longer sign in.")
}

// tokensMoved answers the old per-group token URLs with a redirect to the
// same action on /account/tokens: 301 for the page, 308 for the forms, so
// that a form posted from an old page still does what it said.
func tokensMoved(c *fiber.Ctx) error {
	to := "/account/tokens"
	if id := c.Params("id"); id != "" {
		to += "/" + url.PathEscape(id) + "/revoke"
	}
	if c.Method() == fiber.MethodGet {
		return c.Redirect(to, fiber.StatusMovedPermanently)
	}
	return c.Redirect(to, fiber.StatusPermanentRedirect)
}
