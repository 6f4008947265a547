package web

import "github.com/gofiber/fiber/v2"

// organiserRouter registers organiser routes with their guards in front:
// login required, then CSRF checked on state-changing methods. It is an
// explicit list rather than global middleware, so public forms (the RSVP
// form, posted by supporters without a session) are untouched.
type organiserRouter struct {
	app    *fiber.App
	guards []fiber.Handler
}

func (r organiserRouter) get(path string, h fiber.Handler) {
	r.app.Get(path, append(append([]fiber.Handler{}, r.guards...), h)...)
}

func (r organiserRouter) post(path string, h fiber.Handler) {
	r.app.Post(path, append(append([]fiber.Handler{}, r.guards...), h)...)
}

// organiserRoutes is the organiser's side of the route table.
func (s *Server) organiserRoutes(app *fiber.App) {
	// Forms posted before login: CSRF by double-submit cookie.
	anon := organiserRouter{app: app, guards: []fiber.Handler{s.checkCSRF}}
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
	app.Get("/articles/:id", s.articlePage)

	org := s.organiserGroup(app)
	org.post("/logout", s.logout)
	org.get("/dashboard", s.dashboard)
	org.get("/account/password", s.passwordPage)
	org.post("/account/password", s.changePassword)
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
	org.get("/account/tokens", s.tokensPage)
	org.post("/account/tokens", s.createToken)
	org.post("/account/tokens/:id/revoke", s.revokeToken)
	org.get("/groups/:group/tokens", tokensMoved)
	org.post("/groups/:group/tokens", tokensMoved)
	org.post("/groups/:group/tokens/:id/revoke", tokensMoved)
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

	// Organiser JSON API: bearer tokens, no cookies, so no CSRF.
	app.Post("/api/v1/groups/:group/events", s.apiCreateEvent)
	app.Patch("/api/v1/events/:slug", s.apiUpdateEvent)
	app.Post("/api/v1/events/:slug/cancel", s.apiCancelEvent)
	app.Post("/api/v1/events/:slug/messages", s.apiSendMessage)
}

// organiserGroup is the router for pages only signed-in organisers use:
// private caching, login required, CSRF checked. Other features (the
// attendee list) register their organiser pages through it too.
func (s *Server) organiserGroup(app *fiber.App) organiserRouter {
	return organiserRouter{app: app, guards: []fiber.Handler{noStore, s.requireLogin, s.checkCSRF}}
}

// noStore keeps organiser pages out of shared caches.
func noStore(c *fiber.Ctx) error {
	err := c.Next()
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return err
}
