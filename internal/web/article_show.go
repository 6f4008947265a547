package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/preview"
	"github.com/turnout-org/turnout/internal/turnout"
)

// articlePage is GET /articles/{id}: an article as a listed event shows it,
// and that group's listed events that link the same page. The id is the
// article's opaque public id; a draft's article answers like a missing one.
func (s *Server) articlePage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	a, events, err := s.store.FindArticle(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	return s.render(c, "pages/article", fiber.Map{"Title": a.Title, "Description": a.Summary, "Article": a, "Events": turnout.PublicEvents(events),
		"LinkPreview": s.articlePreview(a)})
}

// fetchPreview reads an article page's metadata for the event form.
func (s *Server) fetchPreview(c *fiber.Ctx, url string) (*preview.Meta, error) {
	ctx := c.UserContext()
	return preview.Fetcher{AllowPrivate: s.cfg.AllowPrivateFetch}.Fetch(ctx, url)
}
