package web

import (
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/i18n"
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
	return s.renderPage(c, page, data)
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

func templateFuncs(loc *i18n.Localizer) template.FuncMap {
	m := template.FuncMap{
		"markdown": markdown.ToHTML,
		"when":     func(e *turnout.Event) string { return when(loc, e) },
		"num":      loc.Number,
		"dateTime": loc.DateTime,
		"isoTime":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"deref": func(p *int) int {
			if p == nil {
				return 0
			}
			return *p
		},
		"localTime": func(t time.Time, e *turnout.Event) string {
			return loc.DateTime(t.In(e.Location()))
		},
	}
	formFuncs(m)
	langFuncs(m, loc)
	return m
}

// when formats an event's time span in its own zone, with the zone
// abbreviation in force at the start and at the end, in loc's language.
func when(loc *i18n.Localizer, e *turnout.Event) string {
	return loc.Span(e.LocalStart(), e.LocalEnd())
}
