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

// organiserEvent returns the event of the slug if acct organises its group,
// by the rule of eventOf (another group's draft is not found).
func (s *Server) organiserEvent(c *fiber.Ctx, acct *turnout.Account) (*turnout.Event, error) {
	_, e, err := s.eventOf(c, acct)
	return e, err
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

// attendeeCheckIn is POST /events/{slug}/attendees/{id}/checkin with
// checked_in=1 or 0: the door list's toggle.
func (s *Server) attendeeCheckIn(c *fiber.Ctx) error {
	e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return turnout.Errorf(turnout.ENOTFOUND, "RSVP not found.")
	}
	ctx := c.UserContext()
	if _, err := s.store.SetCheckedIn(ctx, e.ID, id, c.FormValue("checked_in") == "1"); err != nil {
		return err
	}
	back := "/events/" + e.Slug + "/attendees"
	if q := strings.TrimSpace(c.FormValue("q")); q != "" && len(q) <= 200 {
		back += "?q=" + url.QueryEscape(q)
	}
	return c.Redirect(back+"#rsvp-"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
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
