package web

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// eventPage shows one listed event. Drafts are not found by the public.
func (s *Server) eventPage(c *fiber.Ctx) error {
	e, err := s.findListedEvent(c, c.Params("slug"))
	if err != nil {
		return err
	}
	// The RSVP form closes when the event starts or RSVPs close.
	now := s.now()
	until := earliestAfter(now, e.StartsAt, e.EndsAt)
	if e.RSVPClosesAt != nil {
		until = earliestAfter(now, e.StartsAt, e.EndsAt, *e.RSVPClosesAt)
	}
	showsScopes(c, until, eventScope(e.ID))
	return s.render(c, "pages/event", s.rsvpFormData(s.eventPageData(c, e), e, rsvpForm{}))
}

// eventPageData is what pages/event needs; the RSVP form adds to it.
func (s *Server) eventPageData(c *fiber.Ctx, e *turnout.Event) fiber.Map {
	return fiber.Map{
		"Title":       e.Title,
		"Description": e.Summary,
		"Event":       e,
		"GoogleURL":   googleCalendarURL(e, s.cfg.BaseURL),
		"WebcalURL":   s.webcalURL("/groups/" + e.Group.Slug + "/events.ics"),
		"Feeds":       []feedLink{{"text/calendar", e.Title + " (iCal)", "/events/" + e.Slug + ".ics"}},
		"LinkPreview": s.eventPreview(e),
		"JSONLD":      s.eventJSONLD(e),
		"Share":       s.shareLinksOf(e),
	}
}

// eventScope is the scope of an event's own pages and counts.
func eventScope(id int64) string { return "event:" + strconv.FormatInt(id, 10) }

// findListedEvent returns a published or cancelled event by slug, as the
// public sees it (Public: a hidden meeting point taken out).
func (s *Server) findListedEvent(c *fiber.Ctx, slug string) (*turnout.Event, error) {
	ctx := c.UserContext()
	e, err := s.store.FindEventBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if !e.Listed() {
		return nil, turnout.Errorf(turnout.ENOTFOUND, "Event not found.")
	}
	return e.Public(), nil
}

// webcalURL turns a local feed path into a webcal:// subscription link.
// html/template only trusts http(s) and mailto, so the scheme is vouched for here.
func (s *Server) webcalURL(path string) template.URL {
	base := s.cfg.BaseURL
	base = strings.TrimPrefix(strings.TrimPrefix(base, "https://"), "http://")
	return template.URL("webcal://" + base + path) //nolint:gosec // built from the configured base URL
}

// googleCalendarURL is Google Calendar's "add event" template link.
func googleCalendarURL(e *turnout.Event, base string) string {
	v := url.Values{}
	v.Set("action", "TEMPLATE")
	v.Set("text", e.Title)
	v.Set("dates", e.StartsAt.UTC().Format("20060102T150405Z")+"/"+e.EndsAt.UTC().Format("20060102T150405Z"))
	v.Set("ctz", e.Timezone)
	v.Set("details", strings.TrimSpace(e.Summary+"\n\n"+base+"/events/"+e.Slug))
	if p := e.Place(); p != "" {
		v.Set("location", p)
	}
	return "https://calendar.google.com/calendar/render?" + v.Encode()
}
