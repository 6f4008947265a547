package web

import (
	"regexp"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// imageFileName is a stored file's URL name: its content hash and extension.
var imageFileName = regexp.MustCompile(`^([0-9a-f]{32})\.jpg$`)

// immutable is the Cache-Control of a picture file: its URL names its bytes,
// so browsers and the nginx cache keep it for a year without asking again.
const immutable = "public, max-age=31536000, immutable"

// imageFile is GET /images/{hash}.jpg: a stored picture file, served from
// the database with immutable caching. Any other name is not found.
func (s *Server) imageFile(c *fiber.Ctx) error {
	m := imageFileName.FindStringSubmatch(c.Params("file"))
	if m == nil {
		return turnout.Errorf(turnout.ENOTFOUND, "Picture not found.")
	}
	etag := `"` + m[1] + `"`
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		c.Set(fiber.HeaderCacheControl, immutable)
		c.Set(fiber.HeaderETag, etag)
		return c.SendStatus(fiber.StatusNotModified)
	}
	f, err := s.store.FindImageFile(c.UserContext(), m[1])
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set(fiber.HeaderCacheControl, immutable)
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderContentLength, strconv.Itoa(len(f.Data)))
	return c.Send(f.Data)
}
