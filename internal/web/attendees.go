package web

import (
	"encoding/csv"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// organiserEvent returns the event of the slug if acct organises its group.
func (s *Server) organiserEvent(c *fiber.Ctx, acct *turnout.Account) (*turnout.Event, error) {
	ctx := c.UserContext()
	e, err := s.store.FindEventBySlug(ctx, c.Params("slug"))
	if err != nil {
		return nil, err
	}
	if _, err := s.requireRole(c, acct, e.GroupID); err != nil {
		return nil, err
	}
	return e, nil
}

// pageEvent is organiserEvent for the signed-in organiser of a page.
func (s *Server) pageEvent(c *fiber.Ctx) (*turnout.Event, error) {
	acct, err := s.pageAccount(c)
	if err != nil {
		return nil, err
	}
	return s.organiserEvent(c, acct)
}

// attendeesPage is GET /events/{slug}/attendees for the group's organisers.
func (s *Server) attendeesPage(c *fiber.Ctx) error {
	e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	return s.renderAttendees(c, e)
}

// renderAttendees renders the attendee page of e, searched by ?q=.
func (s *Server) renderAttendees(c *fiber.Ctx, e *turnout.Event) error {
	q, list, counts, err := s.findAttendees(c, e)
	if err != nil {
		return err
	}
	err = s.render(c, "pages/attendees", fiber.Map{"Title": "Attendees: " + e.Title, "Event": e, "RSVPs": list, "Counts": counts, "Query": q})
	privatePage(c)
	return err
}

// attendeeCheckIn is POST /events/{slug}/attendees/{id}/checkin: the door
// list's "Check in" for a person who is going. It only ever checks in, so a
// second tap changes nothing; undoing is attendeeUndoCheckIn.
func (s *Server) attendeeCheckIn(c *fiber.Ctx) error {
	return s.setCheckedIn(c, true)
}

// attendeeUndoCheckInPage is GET /events/{slug}/attendees/{id}/uncheckin:
// the confirm step before a check-in is undone.
func (s *Server) attendeeUndoCheckInPage(c *fiber.Ctx) error {
	e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	return s.renderUndoCheckIn(c, e)
}

func (s *Server) renderUndoCheckIn(c *fiber.Ctx, e *turnout.Event) error {
	id, err := rsvpID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	r, err := s.store.FindEventRSVP(ctx, e.ID, id)
	if err != nil {
		return err
	}
	q := attendeeQuery(c)
	err = s.render(c, "pages/confirm", fiber.Map{
		"Title": "Undo check-in", "Heading": "Undo the check-in of " + r.Name + "?",
		"Explain": "They will show as not arrived on the door list of " + e.Title + ".",
		"Action":  "/events/" + e.Slug + "/attendees/" + strconv.FormatInt(id, 10) + "/uncheckin",
		"Hidden":  map[string]string{"q": q}, "Yes": "Yes, undo check-in", "Back": attendeesBack(e, q, id),
	})
	privatePage(c)
	return err
}

// attendeeUndoCheckIn is POST /events/{slug}/attendees/{id}/uncheckin with
// confirm=yes; without it, it asks first and changes nothing.
func (s *Server) attendeeUndoCheckIn(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "yes" {
		e, err := s.pageEvent(c)
		if err != nil {
			return err
		}
		return s.renderUndoCheckIn(c, e)
	}
	return s.setCheckedIn(c, false)
}

// setCheckedIn records the door state of the route's RSVP and goes back to
// its row of the attendee list.
func (s *Server) setCheckedIn(c *fiber.Ctx, in bool) error {
	e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	id, err := rsvpID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if _, err := s.store.SetCheckedIn(ctx, e.ID, id, in); err != nil {
		return err
	}
	return c.Redirect(attendeesBack(e, attendeeQuery(c), id), fiber.StatusSeeOther)
}

// rsvpID reads the RSVP id of the route.
func rsvpID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, turnout.Errorf(turnout.ENOTFOUND, "RSVP not found.")
	}
	return id, nil
}

// attendeeQuery is the attendee search to return to, from the form or the
// address, if it is a sensible one.
func attendeeQuery(c *fiber.Ctx) string {
	q := strings.TrimSpace(c.FormValue("q"))
	if q == "" {
		q = strings.TrimSpace(c.Query("q"))
	}
	if len(q) > 200 {
		return ""
	}
	return q
}

// attendeesBack is the attendee list of e, searched by q, at the row of id.
func attendeesBack(e *turnout.Event, q string, id int64) string {
	back := "/events/" + e.Slug + "/attendees"
	if q != "" {
		back += "?q=" + url.QueryEscape(q)
	}
	return back + "#rsvp-" + strconv.FormatInt(id, 10)
}

// attendeesCSV is GET /events/{slug}/attendees.csv: RFC 4180, with cells
// that a spreadsheet would run as a formula neutralised.
func (s *Server) attendeesCSV(c *fiber.Ctx) error {
	e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	list, _, err := s.store.FindRSVPs(ctx, e.ID, "")
	if err != nil {
		return err
	}
	privatePage(c)
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+e.Slug+`-attendees.csv"`)
	return writeAttendeesCSV(c.Response().BodyWriter(), list)
}

// writeAttendeesCSV writes the attendee list as CSV with a header row.
func writeAttendeesCSV(w io.Writer, list []*turnout.RSVP) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write([]string{"name", "email", "status", "guests", "people", "created_at", "checked_in_at"}); err != nil {
		return err
	}
	for _, r := range list {
		checked := ""
		if r.CheckedInAt != nil {
			checked = r.CheckedInAt.UTC().Format(time.RFC3339)
		}
		row := []string{safeCell(r.Name), safeCell(r.EmailValue()), r.Status, strconv.Itoa(r.Guests), strconv.Itoa(r.People()),
			r.CreatedAt.UTC().Format(time.RFC3339), checked}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCell neutralises a cell that a spreadsheet would read as a formula
// (= + - @, or a leading tab or carriage return) with a leading apostrophe.
func safeCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// apiEventRSVPs is GET /api/v1/events/{slug}/rsvps for the group's organisers.
func (s *Server) apiEventRSVPs(c *fiber.Ctx) error {
	acct, err := s.bearerAccount(c)
	if err != nil {
		return err
	}
	e, err := s.organiserEvent(c, acct)
	if err != nil {
		return err
	}
	_, list, counts, err := s.findAttendees(c, e)
	if err != nil {
		return err
	}
	out := make([]fiber.Map, 0, len(list))
	for _, r := range list {
		item := fiber.Map{"id": r.ID, "name": r.Name, "email": r.Email, "status": r.Status, "guests": r.Guests,
			"created_at": r.CreatedAt.UTC().Format(time.RFC3339), "checked_in": r.CheckedInAt != nil}
		if r.Position > 0 {
			item["waitlist_position"] = r.Position
		}
		out = append(out, item)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"counts": counts, "rsvps": out})
}

// findAttendees reads the search ?q= of an attendee page or export and
// returns the matching RSVPs of e with the event's counts.
func (s *Server) findAttendees(c *fiber.Ctx, e *turnout.Event) (string, []*turnout.RSVP, turnout.RSVPCounts, error) {
	q := strings.TrimSpace(c.Query("q"))
	fe := turnout.FieldErrors{}
	fe.CheckText("q", q, 200, false)
	if err := fe.Err(); err != nil {
		return q, nil, turnout.RSVPCounts{}, err
	}
	ctx := c.UserContext()
	list, counts, err := s.store.FindRSVPs(ctx, e.ID, q)
	return q, list, counts, err
}
