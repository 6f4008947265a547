package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// warmRender renders the error page once, outside any request. Fiber
// fills a list of mounted apps lazily on the first Render of a process,
// without a lock, so the first renders running in parallel race on it (the
// race detector saw it when several requests arrived at once right after
// start); doing the first render here, before the app serves, leaves
// nothing to fill later.
func warmRender(app *fiber.App) error {
	c := app.AcquireCtx(&fasthttp.RequestCtx{})
	defer app.ReleaseCtx(c)
	return c.Render("pages/error", fiber.Map{"Title": "Ready", "Heading": "Ready", "Message": "Ready."})
}
