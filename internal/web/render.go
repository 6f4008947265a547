package web

import (
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/markdown"
	"github.com/turnout-org/turnout/internal/turnout"
)

// render executes a page template inside the main layout. data is a fiber.Map
// to which the common keys (Account, CSRF, Flash, Feeds) are added.
func (s *Server) render(c *fiber.Ctx, page string, data fiber.Map) error {
	if data == nil {
		data = fiber.Map{}
	}
	for k, v := range s.commonData(c) {
		if _, set := data[k]; !set {
			data[k] = v
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Render(page, data)
}

// commonData is what the layout needs on every page. Features that add a
// signed-in account or flash messages extend it.
func (s *Server) commonData(c *fiber.Ctx) fiber.Map {
	data := fiber.Map{"MailOn": s.cfg.MailOn()}
	if flash := s.takeFlash(c); flash != "" {
		data["Flash"] = flash
	}
	// A failed session lookup is already answered by the error handler;
	// here it just means nobody is shown as signed in.
	if sess, err := s.session(c); err == nil && sess != nil {
		data["Account"] = sess.Account
		data["CSRF"] = sess.CSRFToken
	}
	return data
}

// feedLink is a <link rel="alternate"> in the page head.
type feedLink struct{ Type, Title, URL string }

func templateFuncs() template.FuncMap {
	m := template.FuncMap{
		"markdown":  markdown.ToHTML,
		"when":      when,
		"isoTime":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"kindLabel": kindLabel,
		"deref": func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		},
		"localTime": func(t time.Time, e *turnout.Event) string {
			return t.In(e.Location()).Format("Mon 2 Jan 2006, 15:04 MST")
		},
	}
	formFuncs(m)
	return m
}

// kindLabel is the display name of an event kind.
func kindLabel(kind string) string {
	if kind == turnout.KindDieIn {
		return "Die-in"
	}
	if kind == "" {
		return ""
	}
	return strings.ToUpper(kind[:1]) + kind[1:]
}

// when formats an event's time span in its own zone, with the zone abbreviation.
func when(e *turnout.Event) string {
	start, end := e.LocalStart(), e.LocalEnd()
	if start.Year() == end.Year() && start.YearDay() == end.YearDay() {
		return start.Format("Monday 2 January 2006, 15:04") + "–" + end.Format("15:04 MST")
	}
	return start.Format("Mon 2 Jan 2006, 15:04 MST") + " to " + end.Format("Mon 2 Jan 2006, 15:04 MST")
}
