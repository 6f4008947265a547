package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	assets "github.com/turnout-org/turnout/web"
)

// Static assets are served under a name that carries a hash of their
// content (/static/app.3f9a0c12d4e5.css), cached for a year as immutable:
// a changed file gets a new name, so browsers never keep a stale copy.
// Templates name assets through {{asset "app.css"}}. The plain names
// (/static/app.css) still answer, cached for an hour, for anything that
// linked them before.

// staticAsset is one file of web/static, read at start.
type staticAsset struct {
	body        []byte
	contentType string
	etag        string
	hashedName  string
}

// staticAssets maps plain and hashed names to the files.
type staticAssets struct {
	byName map[string]*staticAsset // "app.css" and "app.<hash>.css"
	urlOf  map[string]string       // "app.css" -> "/static/app.<hash>.css"
}

// loadStaticAssets reads every file of web/static and names it by its hash.
func loadStaticAssets() (*staticAssets, error) {
	a := &staticAssets{byName: map[string]*staticAsset{}, urlOf: map[string]string{}}
	err := fs.WalkDir(assets.Static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(assets.Static, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:6])
		ext := path.Ext(name)
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		asset := &staticAsset{body: body, contentType: ct, etag: `W/"` + hash + `"`,
			hashedName: strings.TrimSuffix(name, ext) + "." + hash + ext}
		a.byName[name] = asset
		a.byName[asset.hashedName] = asset
		a.urlOf[name] = "/static/" + asset.hashedName
		return nil
	})
	return a, err
}

// url is the fingerprinted URL of a file of web/static, for templates. An
// unknown name panics at template load (warmRender), not in front of a user.
func (a *staticAssets) url(name string) string {
	u, ok := a.urlOf[name]
	if !ok {
		panic("no static asset " + name)
	}
	return u
}

// serve answers GET /static/{name}.
func (a *staticAssets) serve(c *fiber.Ctx) error {
	name := c.Params("*")
	asset, ok := a.byName[name]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, asset.contentType)
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	c.Set(fiber.HeaderETag, asset.etag)
	if name == asset.hashedName {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	}
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && strings.Contains(inm, asset.etag[2:]) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(asset.body)
}

// compressResponses gzip- or brotli-encodes pages, stylesheets and JSON for
// clients that ask (Accept-Encoding), and says that the answer varies with
// it. Feeds encode themselves (their ETags name the encoding) and are left
// alone. So are pages that hold a CSRF token: compressing a secret next to
// text the requester chose (a search, a login's next) lets an observer of
// sizes guess the secret byte by byte (BREACH).
func compressResponses() fiber.Handler {
	compressor := fasthttp.CompressHandlerBrotliLevel(func(*fasthttp.RequestCtx) {},
		fasthttp.CompressBrotliDefaultCompression, fasthttp.CompressDefaultCompression)
	return func(c *fiber.Ctx) error {
		if err := c.Next(); err != nil || isFeedPath(c.Path()) {
			return err
		}
		ct := string(c.Response().Header.ContentType())
		if !compressible(ct) {
			return nil
		}
		if !strings.Contains(string(c.Response().Header.Peek(fiber.HeaderVary)), fiber.HeaderAcceptEncoding) {
			c.Append(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
		}
		if strings.HasPrefix(ct, fiber.MIMETextHTML) && c.Locals(localAnonymousPage) == nil && bytes.Contains(c.Response().Body(), csrfFieldMarker) {
			return nil
		}
		compressor(c.Context())
		return nil
	}
}

// csrfFieldMarker is how a page holding a CSRF token shows itself.
var csrfFieldMarker = []byte(`name="_csrf"`)

// compressible reports whether a response of this type is worth encoding.
func compressible(contentType string) bool {
	for _, p := range []string{"text/", "application/json", "image/svg+xml", "application/xml", "application/atom+xml"} {
		if strings.HasPrefix(contentType, p) {
			return true
		}
	}
	return false
}
