package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/preview"
	"github.com/turnout-org/turnout/internal/turnout"
)

// articlePage is GET /articles/{id}: an article and the public events that link it.
func (s *Server) articlePage(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return turnout.Errorf(turnout.ENOTFOUND, "Article not found.")
	}
	ctx := c.UserContext()
	a, events, err := s.store.FindArticle(ctx, id)
	if err != nil {
		return err
	}
	return s.render(c, "pages/article", fiber.Map{"Title": a.Title, "Description": a.Summary, "Article": a, "Events": events})
}

// fetchPreview reads an article page's metadata for the event form.
func (s *Server) fetchPreview(c *fiber.Ctx, url string) (*preview.Meta, error) {
	ctx := c.UserContext()
	return preview.Fetcher{AllowPrivate: s.cfg.AllowPrivateFetch}.Fetch(ctx, url)
}
