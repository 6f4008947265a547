package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// dashboardGroup is one group on the dashboard with all its events.
type dashboardGroup struct {
	Group  *turnout.Group
	Role   string
	Events []*turnout.Event
}

// dashboard is GET /dashboard: the organiser's groups and their events, drafts included.
func (s *Server) dashboard(c *fiber.Ctx) error {
	acct, err := s.pageAccount(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	groups, err := s.store.FindAccountGroups(ctx, acct.ID)
	if err != nil {
		return err
	}
	out := make([]dashboardGroup, 0, len(groups))
	for _, mg := range groups {
		events, err := s.store.FindGroupEvents(ctx, mg.Group.ID)
		if err != nil {
			return err
		}
		out = append(out, dashboardGroup{Group: mg.Group, Role: mg.Role, Events: events})
	}
	return s.render(c, "pages/dashboard", fiber.Map{"Title": "Dashboard", "Groups": out})
}
