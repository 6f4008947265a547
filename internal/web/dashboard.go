package web

import (
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// dashboardGroup is one group on the dashboard with all its events:
// those not yet over first, the next at the top, then past ones, the
// latest at the top.
type dashboardGroup struct {
	Group          *turnout.Group
	Role           string
	Upcoming, Past eventTable
}

// eventTable is a table of events on the dashboard, with its caption.
type eventTable struct {
	Caption string
	Events  []*turnout.Event
}

// splitByTime sorts events into those not over by now, soonest first, and
// past ones, latest first.
func splitByTime(events []*turnout.Event, now time.Time) (upcoming, past []*turnout.Event) {
	for _, e := range events {
		if e.EndsAt.After(now) {
			upcoming = append(upcoming, e)
		} else {
			past = append(past, e)
		}
	}
	sort.SliceStable(upcoming, func(i, j int) bool { return upcoming[i].StartsAt.Before(upcoming[j].StartsAt) })
	sort.SliceStable(past, func(i, j int) bool { return past[i].StartsAt.After(past[j].StartsAt) })
	return upcoming, past
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
		upcoming, past := splitByTime(events, s.now())
		out = append(out, dashboardGroup{Group: mg.Group, Role: mg.Role,
			Upcoming: eventTable{"Upcoming events of " + mg.Group.Name + ", the next first", upcoming},
			Past:     eventTable{"Past events of " + mg.Group.Name + ", the latest first", past}})
	}
	return s.render(c, "pages/dashboard", fiber.Map{"Title": "Dashboard", "Groups": out})
}
