package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// groupPage shows a group and its upcoming events.
func (s *Server) groupPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	g, err := s.store.FindGroupBySlug(ctx, c.Params("group"))
	if err != nil {
		return err
	}
	q := readListQuery(c)
	q.Group = g.Slug
	f, err := q.filter(s.now())
	if err != nil {
		return err
	}
	events, more, err := s.store.FindEvents(ctx, f)
	events = turnout.PublicEvents(events)
	if err != nil {
		return err
	}
	showsScopes(c, listValidUntil(s.now(), events), "group:"+strconv.FormatInt(g.ID, 10))
	feed := "/groups/" + g.Slug + "/events.ics"
	data := fiber.Map{
		"Title":       g.Name,
		"Description": "Upcoming events by " + g.Name + ".",
		"LinkPreview": s.groupPreview(g, groupSummary(g)),
		"Group":       g,
		"Events":      events,
		"WebcalURL":   s.webcalURL(feed),
		"Feeds":       []feedLink{{"text/calendar", g.Name + " (iCal)", feed}, {"application/atom+xml", g.Name + " (Atom)", "/groups/" + g.Slug + "/events.atom"}},
	}
	if more {
		last := events[len(events)-1]
		q.Group = ""
		data["Next"] = q.nextURL("/groups/"+g.Slug, last)
	}
	return s.render(c, "pages/group", data)
}
