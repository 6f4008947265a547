package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// memberGroup returns the signed-in account and the group named in the
// route, refusing (403) accounts that do not hold one of roles in it.
func (s *Server) memberGroup(c *fiber.Ctx, roles ...string) (*turnout.Account, *turnout.Group, *turnout.Membership, error) {
	acct, err := s.pageAccount(c)
	if err != nil {
		return nil, nil, nil, err
	}
	ctx := c.UserContext()
	g, err := s.store.FindGroupBySlug(ctx, c.Params("group"))
	if err != nil {
		return nil, nil, nil, err
	}
	m, err := s.requireRole(c, acct, g.ID, roles...)
	if err != nil {
		return nil, nil, nil, err
	}
	return acct, g, m, nil
}

// pageEvent returns the signed-in organiser of a page and the event named
// in the route (drafts included), by the rule of memberEvent.
func (s *Server) pageEvent(c *fiber.Ctx) (*turnout.Account, *turnout.Event, error) {
	acct, err := s.pageAccount(c)
	if err != nil {
		return nil, nil, err
	}
	e, err := s.memberEvent(c, acct)
	return acct, e, err
}

// apiEvent is pageEvent for the bearer-token API: the account whose token
// the request sends, and the event named in the route.
func (s *Server) apiEvent(c *fiber.Ctx) (*turnout.Account, *turnout.Event, error) {
	acct, err := s.bearerAccount(c)
	if err != nil {
		return nil, nil, err
	}
	e, err := s.memberEvent(c, acct)
	return acct, e, err
}

// memberEvent loads the route's event and checks acct belongs to its group.
// A draft outside the account's groups is not found: the same 404 and body
// as a slug no event has, so no route tells outsiders that a draft exists.
// Listed events are public anyway, so outsiders get 403 for them.
func (s *Server) memberEvent(c *fiber.Ctx, acct *turnout.Account) (*turnout.Event, error) {
	ctx := c.UserContext()
	e, err := s.store.FindEventBySlug(ctx, c.Params("slug"))
	if err != nil {
		return nil, err
	}
	if _, err := s.requireRole(c, acct, e.GroupID); err != nil {
		if turnout.ErrorCode(err) == turnout.EFORBIDDEN && !e.Listed() {
			return nil, errEventNotFound
		}
		return nil, err
	}
	return e, nil
}

// errEventNotFound is the answer for a slug no event has, and for an event
// the caller may not see.
var errEventNotFound = turnout.Errorf(turnout.ENOTFOUND, "Event not found.")
