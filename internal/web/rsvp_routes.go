package web

import "github.com/gofiber/fiber/v2"

// rsvpRoutes is the RSVP block of the route table.
func (s *Server) rsvpRoutes(app *fiber.App) {
	// Public forms for supporters, used without a session or JavaScript:
	// no CSRF token (there is no session to ride), and the manage token in
	// the path is the only credential.
	app.Post("/events/:slug/rsvp", s.rsvpCreate)
	app.Post("/events/:slug/rsvp/link", s.rsvpLinkRequest)
	app.Get("/unsubscribe/:token", s.unsubscribePage)
	app.Post("/unsubscribe/:token", s.unsubscribe)
	app.Get("/rsvp/confirm/:token", s.rsvpConfirmPage)
	app.Post("/rsvp/confirm/:token", s.rsvpConfirm)
	app.Get("/rsvp/:token", s.rsvpManagePage)
	app.Post("/rsvp/:token", s.rsvpManageUpdate)
	app.Get("/rsvp/:token/done", s.rsvpDonePage)
	app.Get("/events/:slug/rsvp/sent", s.rsvpSentPage)
	app.Get("/rsvp/:token/cancel", s.rsvpCancelPage)
	app.Post("/rsvp/:token/cancel", s.rsvpManageCancel)

	// Attendees, for the organisers of the event's group: behind the
	// organiser guards (login, CSRF on the check-in form, no-store), and the
	// handlers check the account's role in the event's group (requireRole).
	org := s.organiserGroup(app)
	org.get("/events/:slug/attendees.csv", s.attendeesCSV)
	org.get("/events/:slug/attendees", s.attendeesPage)
	org.post("/events/:slug/attendees/:id/checkin", s.attendeeCheckIn)
	org.post("/events/:slug/messages", s.sendMessage)
	org.get("/events/:slug/attendees/:id/uncheckin", s.attendeeUndoCheckInPage)
	org.post("/events/:slug/attendees/:id/uncheckin", s.attendeeUndoCheckIn)

	// JSON API: public RSVPs, the manage token's own RSVP, and the
	// organisers' list (bearer token).
	app.Post("/api/v1/events/:slug/rsvps", s.apiCreateRSVP)
	app.Post("/api/v1/events/:slug/rsvps/link", s.apiRSVPLinkRequest)
	app.Get("/api/v1/events/:slug/rsvps", s.apiEventRSVPs)
	app.Get("/api/v1/rsvps/:token", s.apiShowRSVP)
	app.Patch("/api/v1/rsvps/:token", s.apiUpdateRSVP)
	app.Delete("/api/v1/rsvps/:token", s.apiDeleteRSVP)
}
