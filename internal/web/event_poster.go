package web

import (
	"github.com/gofiber/fiber/v2"
	qr "github.com/piglig/go-qr"

	"github.com/turnout-org/turnout/internal/turnout"
)

// posterPage is GET /events/{slug}/poster: a page to print (A4, or US
// Letter with ?paper=letter) with the title, picture, when, where, the case
// in one paragraph, and a QR code of the event page.
func (s *Server) posterPage(c *fiber.Ctx) error {
	e, err := s.findListedEvent(c, c.Params("slug"))
	if err != nil {
		return err
	}
	paper := "a4"
	if c.Query("paper") == "letter" {
		paper = "letter"
	}
	return s.render(c, "pages/event_poster", fiber.Map{
		"Title": "Poster: " + e.Title, "Event": e, "Paper": paper, "Poster": true,
		"PageURL": s.cfg.BaseURL + "/events/" + e.Slug,
	})
}

// qrCode answers GET /events/{slug}/qr.svg or qr.png: the event page's URL
// as a QR code, medium error correction (still scans with a crease or a
// smudge), cached for a day like any public page asset.
func (s *Server) qrCode(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		e, err := s.findListedEvent(c, c.Params("slug"))
		if err != nil {
			return err
		}
		code, err := qr.EncodeText(s.cfg.BaseURL+"/events/"+e.Slug, qr.Medium)
		if err != nil {
			return turnout.Errorf(turnout.EINTERNAL, "The QR code could not be made.")
		}
		var out []byte
		if format == "svg" {
			out, err = code.ToSVGBytes(qr.NewQrCodeImgConfig(1, 4, qr.WithOptimalSVG()))
			c.Set(fiber.HeaderContentType, "image/svg+xml")
		} else {
			out, err = code.ToPNGBytes(qr.NewQrCodeImgConfig(10, 4))
			c.Set(fiber.HeaderContentType, "image/png")
			c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+e.Slug+`-qr.png"`)
		}
		if err != nil {
			return turnout.Errorf(turnout.EINTERNAL, "The QR code could not be made.")
		}
		c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
		return c.Send(out)
	}
}
