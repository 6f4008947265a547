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

// attendeesPage is GET /events/{slug}/attendees for the group's organisers.
func (s *Server) attendeesPage(c *fiber.Ctx) error {
	_, e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	return s.renderAttendees(c, e)
}

// renderAttendees renders one page of the attendee list of e, searched by
// ?q= and continued after the RSVP id ?after=.
func (s *Server) renderAttendees(c *fiber.Ctx, e *turnout.Event) error {
	p, err := s.findAttendees(c, e)
	if err != nil {
		return err
	}
	failures, err := s.mailFailures(c, e, p.RSVPs)
	if err != nil {
		return err
	}
	var sent []turnout.OrganiserMessage
	if s.cfg.MailOn() {
		if sent, err = s.store.FindOrganiserMessages(c.UserContext(), e.ID); err != nil {
			return err
		}
	}
	path := "/events/" + e.Slug + "/attendees"
	data := fiber.Map{"Title": "Attendees: " + e.Title, "Event": e, "RSVPs": p.RSVPs, "Counts": p.Counts, "Query": p.Query,
		"Matched": p.Matched, "After": p.After, "MailFailures": failures, "Messages": sent,
		"Return": p.url("", p.After)}
	if p.After > 0 {
		data["FirstURL"] = p.url(path, 0)
	}
	if p.Next > 0 {
		data["NextURL"] = p.url(path, p.Next)
	}
	err = s.render(c, "pages/attendees", data)
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
	_, e, err := s.pageEvent(c)
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
	back := attendeeReturn(c)
	hidden := map[string]string{"q": back.Query}
	if back.After > 0 {
		hidden["after"] = strconv.FormatInt(back.After, 10)
	}
	err = s.render(c, "pages/confirm", fiber.Map{
		"Title": "Undo check-in", "Heading": "Undo the check-in of " + r.Name + "?",
		"Explain": "They will show as not arrived on the door list of " + e.Title + ".",
		"Action":  "/events/" + e.Slug + "/attendees/" + strconv.FormatInt(id, 10) + "/uncheckin",
		"Hidden":  hidden, "Yes": "Yes, undo check-in", "Back": attendeesBack(e, back, id),
	})
	privatePage(c)
	return err
}

// attendeeUndoCheckIn is POST /events/{slug}/attendees/{id}/uncheckin with
// confirm=yes; without it, it asks first and changes nothing.
func (s *Server) attendeeUndoCheckIn(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "yes" {
		_, e, err := s.pageEvent(c)
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
	_, e, err := s.pageEvent(c)
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
	return c.Redirect(attendeesBack(e, attendeeReturn(c), id), fiber.StatusSeeOther)
}

// rsvpID reads the RSVP id of the route.
func rsvpID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, turnout.Errorf(turnout.ENOTFOUND, "RSVP not found.")
	}
	return id, nil
}

// attendeeReturn is the page of the attendee list to return to: its search
// and its start, from the form or the address, where they are sensible.
func attendeeReturn(c *fiber.Ctx) attendeePage {
	var back attendeePage
	q := strings.TrimSpace(c.FormValue("q"))
	if q == "" {
		q = strings.TrimSpace(c.Query("q"))
	}
	if len(q) <= 200 {
		back.Query = q
	}
	after := c.FormValue("after")
	if after == "" {
		after = c.Query("after")
	}
	if n, err := strconv.ParseInt(after, 10, 64); err == nil && n > 0 {
		back.After = n
	}
	return back
}

// attendeesBack is the attendee page back leads to, at the row of id.
func attendeesBack(e *turnout.Event, back attendeePage, id int64) string {
	return back.url("/events/"+e.Slug+"/attendees", back.After) + "#rsvp-" + strconv.FormatInt(id, 10)
}

// csvBatch is how many RSVPs the CSV export reads from the store at a time.
var csvBatch = turnout.MaxRSVPPage

// attendeesCSV is GET /events/{slug}/attendees.csv: every RSVP (erased ones
// left out), RFC 4180, with cells that a spreadsheet would run as a formula
// neutralised. The rows are read in batches of csvBatch, one id range after
// the other, and written into the response body within the handler, so that
// the request's context holds for every read and a failed read is an error
// response, never a file cut short.
func (s *Server) attendeesCSV(c *fiber.Ctx) error {
	_, e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	if err := s.writeAttendeesCSV(c, e); err != nil {
		c.Response().ResetBody()
		return err
	}
	privatePage(c)
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+e.Slug+`-attendees.csv"`)
	return nil
}

// writeAttendeesCSV writes the header row and then every RSVP of e into the
// response body, csvBatch at a time.
func (s *Server) writeAttendeesCSV(c *fiber.Ctx, e *turnout.Event) error {
	ctx := c.UserContext()
	cw, err := newAttendeesCSV(c.Response().BodyWriter())
	if err != nil {
		return err
	}
	for after := int64(0); ; {
		list, err := s.store.FindRSVPs(ctx, e.ID, turnout.RSVPFilter{AfterID: after, Limit: csvBatch})
		if err != nil {
			return err
		}
		if err := writeCSVRows(cw, list); err != nil {
			return err
		}
		if len(list) < csvBatch {
			return nil
		}
		after = list[len(list)-1].ID
	}
}

// newAttendeesCSV starts an attendee CSV on w (RFC 4180: CRLF line ends) with
// its header row.
func newAttendeesCSV(w io.Writer) (*csv.Writer, error) {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return cw, cw.Write([]string{"name", "email", "status", "guests", "people", "created_at", "checked_in_at", "confirm_by"})
}

// writeCSVRows writes RSVPs as CSV rows and flushes them.
func writeCSVRows(cw *csv.Writer, list []*turnout.RSVP) error {
	for _, r := range list {
		checked := ""
		if r.CheckedInAt != nil {
			checked = r.CheckedInAt.UTC().Format(time.RFC3339)
		}
		confirmBy := ""
		if r.ConfirmBy != nil {
			confirmBy = r.ConfirmBy.UTC().Format(time.RFC3339)
		}
		row := []string{safeCell(r.Name), safeCell(r.EmailValue()), r.Status, strconv.Itoa(r.Guests), strconv.Itoa(r.People()),
			r.CreatedAt.UTC().Format(time.RFC3339), checked, confirmBy}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Characters that make a spreadsheet read a cell as a formula, and the
// characters that can split a cell into several when a spreadsheet guesses
// the delimiter (x;=1+1 becomes "x" and "=1+1" under a semicolon locale).
const (
	formulaTriggers = "=+-@"
	cellSeparators  = ";,\t\r\n|"
)

// safeCell neutralises every part of a cell that a spreadsheet could run as
// a formula: an apostrophe goes before each = + - @ that starts the cell or
// follows a separator (spaces between them included), and before a leading
// tab or carriage return.
func safeCell(v string) string {
	if v == "" {
		return v
	}
	var b strings.Builder
	if v[0] == '\t' || v[0] == '\r' {
		b.WriteByte('\'')
	}
	start := true
	for i := 0; i < len(v); i++ {
		ch := v[i]
		switch {
		case start && strings.IndexByte(formulaTriggers, ch) >= 0:
			b.WriteByte('\'')
			start = false
		case strings.IndexByte(cellSeparators, ch) >= 0:
			start = true
		case ch != ' ':
			start = false
		}
		b.WriteByte(ch)
	}
	return b.String()
}

// apiEventRSVPs is GET /api/v1/events/{slug}/rsvps for the group's organisers.
func (s *Server) apiEventRSVPs(c *fiber.Ctx) error {
	_, e, err := s.apiEvent(c)
	if err != nil {
		return err
	}
	p, err := s.findAttendees(c, e)
	if err != nil {
		return err
	}
	out := apiRSVPList{Counts: apiRSVPCounts(p.Counts), Total: p.Matched, RSVPs: make([]apiOrganiserRSVP, 0, len(p.RSVPs))}
	for _, r := range p.RSVPs {
		out.RSVPs = append(out.RSVPs, toAPIOrganiserRSVP(r))
	}
	if p.Next > 0 {
		u := s.cfg.BaseURL + p.url("/api/v1/events/"+e.Slug+"/rsvps", p.Next)
		out.Next = &u
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

// attendeePageSize is how many RSVPs one attendee page, on the site or the
// API, lists.
var attendeePageSize = 500

// attendeePage is one page of an event's attendee list.
type attendeePage struct {
	Query   string
	After   int64 // the page starts after this RSVP id
	RSVPs   []*turnout.RSVP
	Counts  turnout.RSVPCounts // of the whole event
	Matched int                // RSVPs that match Query, on every page
	Next    int64              // the next page starts after this id; 0 on the last page
}

// url is the address of the page of the same search after the RSVP id after.
func (p *attendeePage) url(path string, after int64) string {
	v := url.Values{}
	if p.Query != "" {
		v.Set("q", p.Query)
	}
	if after > 0 {
		v.Set("after", strconv.FormatInt(after, 10))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// findAttendees reads the search ?q= and the page start ?after= of an
// attendee page and returns that page of e's RSVPs with the event's counts.
func (s *Server) findAttendees(c *fiber.Ctx, e *turnout.Event) (*attendeePage, error) {
	p := &attendeePage{Query: strings.TrimSpace(c.Query("q"))}
	fe := turnout.FieldErrors{}
	fe.CheckText("q", p.Query, 200, false)
	if v := c.Query("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			fe.Add("after", "The page to continue from is not a number: start from the first page.")
		}
		p.After = n
	}
	if err := fe.Err(); err != nil {
		return p, err
	}
	ctx := c.UserContext()
	list, err := s.store.FindRSVPs(ctx, e.ID, turnout.RSVPFilter{Query: p.Query, AfterID: p.After, Limit: attendeePageSize + 1})
	if err != nil {
		return p, err
	}
	if len(list) > attendeePageSize {
		list = list[:attendeePageSize]
		p.Next = list[len(list)-1].ID
	}
	p.RSVPs = list
	p.Counts, p.Matched, err = s.store.CountRSVPs(ctx, e.ID, p.Query)
	return p, err
}

// mailFailure is an undeliverable email as the attendee page lists it.
type mailFailure struct{ Name, Email, Kind, Error string }

// mailFailures lists the messages to the listed RSVPs that could not be
// delivered, so that organisers can reach those people another way.
func (s *Server) mailFailures(c *fiber.Ctx, e *turnout.Event, list []*turnout.RSVP) ([]mailFailure, error) {
	if !s.cfg.MailOn() {
		return nil, nil
	}
	fails, err := s.store.FindMailFailures(c.UserContext(), e.ID)
	if err != nil || len(fails) == 0 {
		return nil, err
	}
	byID := make(map[int64]*turnout.RSVP, len(list))
	for _, r := range list {
		byID[r.ID] = r
	}
	var out []mailFailure
	for _, f := range fails {
		if r := byID[f.RSVPID]; r != nil {
			out = append(out, mailFailure{Name: r.Name, Email: r.EmailValue(), Kind: f.Kind, Error: f.Error})
		}
	}
	return out, nil
}
