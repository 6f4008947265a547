package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// embedPolicy is the Content-Security-Policy of the embed routes: the same
// as every page, except that any site may frame them.
const embedPolicy = "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors *"

// siteEmbed is GET /embed: upcoming events with the filters of /.
func (s *Server) siteEmbed(c *fiber.Ctx) error {
	_, events, _, err := s.listEvents(c)
	if err != nil {
		return err
	}
	return s.renderEmbed(c, "Upcoming events", nil, events)
}

// groupEmbed is GET /groups/{group}/embed: the group's upcoming events.
func (s *Server) groupEmbed(c *fiber.Ctx) error {
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
	events, _, err := s.store.FindEvents(ctx, f)
	if err != nil {
		return err
	}
	return s.renderEmbed(c, "Upcoming events by "+g.Name, g, turnout.PublicEvents(events))
}

// renderEmbed answers the compact list: a whole page that may be framed, or
// with ?format=fragment the list alone, for a site to include in its own
// HTML. Links open the event page in a new tab (out of the frame).
func (s *Server) renderEmbed(c *fiber.Ctx, title string, g *turnout.Group, events []*turnout.Event) error {
	data := fiber.Map{"Title": title, "Group": g, "Events": events, "Base": s.cfg.BaseURL}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	switch c.Query("format") {
	case "fragment":
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		// A fragment is included by the other site's server, not framed.
		c.Set("Access-Control-Allow-Origin", "*")
		return c.Render("partials/embed_list", data, "")
	case "":
		h := &c.Response().Header
		h.Set("Content-Security-Policy", embedPolicy)
		h.Del("X-Frame-Options")
		return c.Render("pages/embed", data, "layouts/embed")
	}
	return &turnout.Error{Code: turnout.EINVALID, Message: "format is fragment, or leave it out.", Fields: map[string]string{"format": "format is fragment, or leave it out."}}
}
