package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// bearerAccount returns the account of the API token in the Authorization
// header, or EUNAUTHORIZED.
func (s *Server) bearerAccount(c *fiber.Ctx) (*turnout.Account, error) {
	h := c.Get(fiber.HeaderAuthorization)
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return nil, turnout.Errorf(turnout.EUNAUTHORIZED, "Send an API token: Authorization: Bearer TOKEN.")
	}
	ctx := c.UserContext()
	return s.store.FindAccountByToken(ctx, strings.TrimSpace(token))
}

// requireRole checks that acct belongs to the group with one of roles (any
// role when none is given). Non-members get EFORBIDDEN; plain organisers
// asking for an owner-only action get EFORBIDDEN too.
func (s *Server) requireRole(c *fiber.Ctx, acct *turnout.Account, groupID int64, roles ...string) (*turnout.Membership, error) {
	ctx := c.UserContext()
	m, err := s.store.FindMembership(ctx, acct.ID, groupID)
	if turnout.ErrorCode(err) == turnout.ENOTFOUND {
		return nil, turnout.Errorf(turnout.EFORBIDDEN, "You are not an organiser of this group.")
	} else if err != nil {
		return nil, err
	}
	if len(roles) == 0 {
		return m, nil
	}
	for _, r := range roles {
		if m.Role == r {
			return m, nil
		}
	}
	return nil, turnout.Errorf(turnout.EFORBIDDEN, "Only the group's owners can do this.")
}

// pageAccount returns the signed-in account of an organiser page, or an error
// that sends the browser to the login page.
func (s *Server) pageAccount(c *fiber.Ctx) (*turnout.Account, error) {
	acct, err := s.sessionAccount(c)
	if err != nil {
		return nil, err
	}
	if acct == nil {
		return nil, turnout.Errorf(turnout.EUNAUTHORIZED, "Please log in as an organiser.")
	}
	return acct, nil
}
