package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
)

// routes is the route table: middleware first, then one block per resource.
func (s *Server) routes(app *fiber.App) {
	app.Use(s.clientAddress)
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic}))
	app.Use(requestid.New())
	app.Use(requestContext)
	app.Use(s.logRequests)
	app.Use(s.securityHeaders)
	app.Use(compressResponses())

	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metricsPage)

	app.Get("/static/*", s.static.serve)

	// Public pages. Feed routes such as /events/:slug.ics must be added
	// before /events/:slug, which would otherwise match them.
	app.Get("/", s.memoryPage("home", s.homePage))
	s.feedRoutes(app)
	app.Get("/events/:slug", s.activityNegotiation(s.eventObject), s.memoryPage("event", s.eventPage))
	app.Get("/groups/:group", s.activityNegotiation(s.groupActor), s.memoryPage("group", s.groupPage))
	s.federationRoutes(app)

	// Organisers: accounts, groups, events (pages and API).
	s.organiserRoutes(app)

	// Public JSON API.
	api := app.Group("/api/v1")
	api.Get("/events", s.apiListEvents)
	api.Get("/events/:slug", s.memoryPage("event.json", s.apiShowEvent))
	api.Get("/openapi.json", s.apiOpenAPI)
	app.Get("/api/docs", s.apiDocsPage)

	s.rsvpRoutes(app)
}
