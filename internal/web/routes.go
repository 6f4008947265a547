package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
)

// routes is the route table: middleware first, then every route, grouped by
// who may call it, one function per group below. Fiber matches in the order
// of registration, so feed routes such as /events/:slug.ics come before the
// page /events/:slug.
func (s *Server) routes(app *fiber.App) {
	recoverPanics := recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: s.logPanic})
	app.Use(s.clientAddress)
	app.Use(recoverPanics) // last resort, for a panic of the error handler itself
	app.Use(requestid.New())
	app.Use(requestContext)
	app.Use(s.logRequests) // hands every error below it to handleError, once
	app.Use(recoverPanics) // a panicking handler becomes an error, answered and logged as a request
	app.Use(s.securityHeaders)
	app.Use(compressResponses())

	// The platform: health checks, and metrics behind their token.
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metricsPage)

	s.publicRoutes(app)
	s.federationRoutes(app)
	s.supporterRoutes(app)
	s.signInRoutes(app)
	s.organiserGroupRoutes(app)
	s.organiserEventRoutes(app)
	s.organiserAPIRoutes(app)
	s.adminRoutes(app)
}

// publicRoutes are for anyone: static files, feeds, public pages and the
// public JSON API. The event and group pages answer ActivityPub clients
// with their ActivityPub twin.
func (s *Server) publicRoutes(app *fiber.App) {
	app.Get("/static/*", s.static.serve)
	app.Get("/images/:file", s.imageFile)
	app.Get("/events.ics", s.siteFeed(formatICal))
	app.Get("/events.atom", s.siteFeed(formatAtom))
	app.Get("/events/:slug.ics", s.eventFeed())
	app.Get("/groups/:group/events.ics", s.groupFeed(formatICal))
	app.Get("/groups/:group/events.atom", s.groupFeed(formatAtom))
	app.Get("/", s.memoryPage("home", s.homePage))
	app.Get("/events/:slug", s.activityNegotiation(s.eventObject), s.memoryPage("event", s.eventPage))
	app.Get("/groups/:group", s.activityNegotiation(s.groupActor), s.memoryPage("group", s.groupPage))
	app.Get("/articles/:id", s.articlePage)
	app.Get("/events/:slug/poster", s.posterPage)
	app.Get("/events/:slug/qr.svg", s.qrCode("svg"))
	app.Get("/events/:slug/qr.png", s.qrCode("png"))
	app.Get("/events/:slug/share/mastodon", s.shareMastodon)
	app.Get("/embed", s.siteEmbed)                // framable: see renderEmbed
	app.Get("/groups/:group/embed", s.groupEmbed) // framable: see renderEmbed
	app.Get("/api/v1/events", s.apiListEvents)
	app.Get("/api/v1/events/:slug", s.memoryPage("event.json", s.apiShowEvent))
	app.Get("/api/v1/openapi.json", s.apiOpenAPI)
	app.Get("/api/docs", s.apiDocsPage)
}

// federationRoutes are for other servers (Mastodon, Mobilizon, Gancio,
// other Turnouts): discovery, actors, objects and inboxes. Inboxes check
// each activity's HTTP signature.
func (s *Server) federationRoutes(app *fiber.App) {
	app.Get("/.well-known/webfinger", s.webfinger)
	app.Get("/.well-known/nodeinfo", s.nodeinfoIndex)
	app.Get("/nodeinfo/2.1", s.nodeinfo)
	app.Get("/ap/actor", s.instanceActor)
	app.Post("/ap/actor/inbox", s.inbox)
	app.Post("/ap/inbox", s.inbox)
	app.Get("/ap/groups/:group", s.groupActor)
	app.Post("/ap/groups/:group/inbox", s.inbox)
	app.Get("/ap/groups/:group/outbox", s.groupOutbox)
	app.Get("/ap/groups/:group/followers", s.groupFollowers)
	app.Get("/ap/events/:uid", s.eventObject)
}

// supporterRoutes are the RSVP forms and API, used without a session or
// JavaScript, so with no CSRF token (there is no session to ride): the
// manage, confirm or unsubscribe token in the path is the only credential.
func (s *Server) supporterRoutes(app *fiber.App) {
	app.Post("/events/:slug/rsvp", s.rsvpCreate)
	app.Post("/events/:slug/rsvp/link", s.rsvpLinkRequest)
	app.Get("/events/:slug/rsvp/sent", s.rsvpSentPage)
	app.Get("/unsubscribe/:token", s.unsubscribePage)
	app.Post("/unsubscribe/:token", s.unsubscribe)
	app.Get("/rsvp/confirm/:token", s.rsvpConfirmPage)
	app.Post("/rsvp/confirm/:token", s.rsvpConfirm)
	app.Get("/rsvp/:token", s.rsvpManagePage)
	app.Post("/rsvp/:token", s.rsvpManageUpdate)
	app.Get("/rsvp/:token/done", s.rsvpDonePage)
	app.Get("/rsvp/:token/cancel", s.rsvpCancelPage)
	app.Post("/rsvp/:token/cancel", s.rsvpManageCancel)
	app.Post("/api/v1/events/:slug/rsvps", s.apiCreateRSVP)
	app.Post("/api/v1/events/:slug/rsvps/link", s.apiRSVPLinkRequest)
	app.Get("/api/v1/rsvps/:token", s.apiShowRSVP)
	app.Patch("/api/v1/rsvps/:token", s.apiUpdateRSVP)
	app.Delete("/api/v1/rsvps/:token", s.apiDeleteRSVP)
}

// signInRoutes are the organisers' forms before login: sign-up, login,
// invitations and password reset. CSRF is checked by double-submit cookie.
func (s *Server) signInRoutes(app *fiber.App) {
	anon := guarded{app: app, guards: []fiber.Handler{s.checkCSRF}}
	anon.get("/login", s.loginPage)
	anon.post("/login", s.login)
	anon.get("/signup", s.signupPage)
	anon.post("/signup", s.signup)
	anon.get("/invitations/:token", s.invitationPage)
	anon.post("/invitations/:token", s.acceptInvitation)
	anon.get("/password/reset", s.passwordResetPage)
	anon.post("/password/reset", s.requestPasswordReset)
	anon.get("/password/reset/sent", s.passwordResetSent)
	anon.get("/password/reset/:token", s.newPasswordPage)
	anon.post("/password/reset/:token", s.resetPassword)
}

// organiserGroupRoutes are the signed-in organisers' pages of their account
// and groups: privately cached, login required, CSRF checked on every POST.
// Handlers check the account's role in the group named in the path
// (memberGroup).
func (s *Server) organiserGroupRoutes(app *fiber.App) {
	org := s.signedIn(app)
	org.post("/logout", s.logout)
	org.get("/dashboard", s.dashboard)
	org.get("/account/password", s.passwordPage)
	org.post("/account/password", s.changePassword)
	org.get("/account/tokens", s.tokensPage)
	org.post("/account/tokens", s.createToken)
	org.post("/account/tokens/:id/revoke", s.revokeToken)
	org.get("/groups/:group/settings", s.groupSettingsPage)
	org.post("/groups/:group/settings", s.updateGroupSettings)
	org.post("/groups/:group/delete", s.deleteGroup)
	org.get("/groups/:group/federation", s.federationPage)
	org.post("/groups/:group/federation", s.setGroupFederation)
	org.post("/groups/:group/federation/followers/remove", s.removeFollower)
	org.post("/groups/:group/federation/blocks", s.blockDomain)
	org.post("/groups/:group/federation/blocks/remove", s.unblockDomain)
	org.get("/groups/:group/members", s.membersPage)
	org.post("/groups/:group/members/invite", s.invite)
	org.post("/groups/:group/members/:account/role", s.setRole)
	org.get("/groups/:group/members/:account/remove", s.removeMemberPage)
	org.post("/groups/:group/members/:account/remove", s.removeMember)
	org.get("/groups/:group/leave", s.leaveGroupPage)
	org.post("/groups/:group/leave", s.leaveGroup)
	org.post("/groups/:group/invitations/:id/revoke", s.revokeInvitation)
	org.post("/groups/:group/image", s.setGroupImage)
	org.post("/groups/:group/image/delete", s.deleteGroupImage)
	org.get("/groups/:group/tokens", tokensMoved)
	org.post("/groups/:group/tokens", tokensMoved)
	org.post("/groups/:group/tokens/:id/revoke", tokensMoved)
}

// organiserEventRoutes are the signed-in organisers' pages of their groups'
// events and attendees, under the same guards as organiserGroupRoutes.
// Handlers check the account's role in the event's group (pageEvent, or
// memberGroup for a new event).
func (s *Server) organiserEventRoutes(app *fiber.App) {
	org := s.signedIn(app)
	org.get("/groups/:group/events/new", s.newEventPage)
	org.post("/groups/:group/events/new", s.createEvent)
	org.get("/events/:slug/edit", s.editEventPage)
	org.post("/events/:slug/edit", s.updateEvent)
	org.get("/events/:slug/preview", s.previewEvent)
	org.post("/events/:slug/publish", s.setStatus("published", "Published. The event is now public."))
	org.post("/events/:slug/unpublish", s.setStatus("draft", "Back to draft. The event is hidden from the public."))
	org.get("/events/:slug/cancel", s.cancelPage)
	org.post("/events/:slug/cancel", s.cancelEvent)
	org.get("/events/:slug/delete", s.deletePage)
	org.post("/events/:slug/delete", s.deleteEvent)
	org.post("/events/:slug/duplicate", s.duplicateEvent)
	org.post("/events/:slug/image", s.setEventImage)
	org.post("/events/:slug/image/delete", s.deleteEventImage)
	org.get("/events/:slug/attendees.csv", s.attendeesCSV)
	org.get("/events/:slug/attendees", s.attendeesPage)
	org.post("/events/:slug/attendees/:id/checkin", s.attendeeCheckIn)
	org.get("/events/:slug/attendees/:id/uncheckin", s.attendeeUndoCheckInPage)
	org.post("/events/:slug/attendees/:id/uncheckin", s.attendeeUndoCheckIn)
	org.post("/events/:slug/messages", s.sendMessage)
}

// organiserAPIRoutes are the organisers' JSON API: a bearer token, no
// cookies, so no CSRF. Handlers check the token's account's role in the
// group (apiEvent, requireRole).
func (s *Server) organiserAPIRoutes(app *fiber.App) {
	app.Post("/api/v1/groups/:group/events", s.apiCreateEvent)
	app.Patch("/api/v1/events/:slug", s.apiUpdateEvent)
	app.Post("/api/v1/events/:slug/cancel", s.apiCancelEvent)
	app.Get("/api/v1/events/:slug/rsvps", s.apiEventRSVPs)
	app.Post("/api/v1/events/:slug/messages", s.apiSendMessage)
	app.Post("/api/v1/events/:slug/image", s.apiSetEventImage)
	app.Delete("/api/v1/events/:slug/image", s.apiDeleteEventImage)
	app.Post("/api/v1/groups/:group/image", s.apiSetGroupImage)
	app.Delete("/api/v1/groups/:group/image", s.apiDeleteGroupImage)
}

// adminRoutes are the instance administrators' pages: the organisers'
// session, CSRF and throttling guards, then requireAdmin, which answers 404
// to any other signed-in account.
func (s *Server) adminRoutes(app *fiber.App) {
	adm := s.signedIn(app)
	adm.guards = append(adm.guards, s.requireAdmin)
	adm.get("/admin", s.adminPage)
}

// guarded registers routes with guards in front of the handler. It is an
// explicit list rather than global middleware, so public forms (the RSVP
// form, posted by supporters without a session) are untouched.
type guarded struct {
	app    *fiber.App
	guards []fiber.Handler
}

func (r guarded) get(path string, h fiber.Handler) {
	r.app.Get(path, append(append([]fiber.Handler{}, r.guards...), h)...)
}

func (r guarded) post(path string, h fiber.Handler) {
	r.app.Post(path, append(append([]fiber.Handler{}, r.guards...), h)...)
}

// signedIn registers pages only signed-in organisers use: private caching,
// login required, CSRF checked.
func (s *Server) signedIn(app *fiber.App) guarded {
	return guarded{app: app, guards: []fiber.Handler{noStore, s.requireLogin, s.checkCSRF}}
}

// noStore keeps organiser pages out of shared caches.
func noStore(c *fiber.Ctx) error {
	err := c.Next()
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return err
}
