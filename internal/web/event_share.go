package web

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// shareLinks are plain links that hand an event's URL to another app. The
// page loads nothing from those services: each is a link the person follows.
type shareLinks struct {
	URL      string // the event page, to copy
	WhatsApp string
	Telegram string
	Email    string
	Mastodon string // our own page that asks for the person's server
	Poster   string
}

func (s *Server) shareLinksOf(e *turnout.Event) shareLinks {
	page := s.cfg.BaseURL + "/events/" + e.Slug
	text := e.Title + " " + page
	return shareLinks{
		URL:      page,
		WhatsApp: "https://wa.me/?text=" + url.QueryEscape(text),
		Telegram: "https://t.me/share/url?url=" + url.QueryEscape(page) + "&text=" + url.QueryEscape(e.Title),
		Email:    "mailto:?subject=" + pathEscape(e.Title) + "&body=" + pathEscape(shareBody(e, page)),
		Mastodon: "/events/" + e.Slug + "/share/mastodon",
		Poster:   "/events/" + e.Slug + "/poster",
	}
}

// pathEscape escapes a mailto: header value, where spaces must be %20, not +.
func pathEscape(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

func shareBody(e *turnout.Event, page string) string {
	return strings.TrimSpace(e.Title + "\n" + whenWhere(e) + "\n\n" + e.Summary + "\n\n" + page)
}

// mastodonServer is a server name as people type it: a host, optionally
// with https:// or a trailing slash, or a handle @name@host.
var mastodonHost = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// mastodonServer returns the host people named, or "" when it is not one.
func mastodonServer(in string) string {
	in = strings.ToLower(strings.TrimSpace(in))
	in = strings.TrimPrefix(strings.TrimPrefix(in, "https://"), "http://")
	in = strings.TrimSuffix(in, "/")
	if i := strings.LastIndex(in, "@"); i >= 0 {
		in = in[i+1:]
	}
	if len(in) > 253 || !mastodonHost.MatchString(in) {
		return ""
	}
	return in
}

// shareMastodon is GET /events/{slug}/share/mastodon: without ?server, a
// form asking for the person's Mastodon server; with it, a redirect to that
// server's share page with the event's title and URL. A server name that is
// not one is 422 with the form again.
func (s *Server) shareMastodon(c *fiber.Ctx) error {
	e, err := s.findListedEvent(c, c.Params("slug"))
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": "Share on Mastodon", "Event": e, "Errors": map[string]string{}, "Server": ""}
	server, given := c.Queries()["server"]
	if !given {
		return s.render(c, "pages/share_mastodon", data)
	}
	host := mastodonServer(server)
	if host == "" {
		data["Server"] = server
		data["Errors"] = map[string]string{"server": "Enter the name of your Mastodon server, like mastodon.social."}
		c.Status(fiber.StatusUnprocessableEntity)
		return s.render(c, "pages/share_mastodon", data)
	}
	text := e.Title + " " + s.cfg.BaseURL + "/events/" + e.Slug
	return c.Redirect("https://"+host+"/share?text="+url.QueryEscape(text), fiber.StatusSeeOther)
}
