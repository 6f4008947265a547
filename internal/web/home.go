package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// homePage lists upcoming events, filtered and paginated.
func (s *Server) homePage(c *fiber.Ctx) error {
	q, events, more, err := s.listEvents(c)
	data := fiber.Map{
		"Title":       "Upcoming events",
		"Heading":     "Upcoming protests, marches and meetings",
		"Description": "Upcoming protests, marches, rallies, vigils and public meetings.",
		"Events":      events,
		"Filter":      q,
		"Kinds":       turnout.Kinds,
		"WebcalURL":   s.webcalURL("/events.ics"),
		"Feeds":       []feedLink{{"text/calendar", "All events (iCal)", "/events.ics"}, {"application/atom+xml", "All events (Atom)", "/events.atom"}},
	}
	if turnout.ErrorCode(err) == turnout.EINVALID {
		// A filter that cannot be read: the same page, the message beside
		// the field that is wrong, and no list.
		data["Errors"] = turnout.ErrorFields(err)
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "pages/home", data)
	}
	if err != nil {
		return err
	}
	if more {
		data["Next"] = q.nextURL("/", events[len(events)-1])
	}
	showsScopes(c, listValidUntil(s.now(), events), "site")
	return s.render(c, "pages/home", data)
}
