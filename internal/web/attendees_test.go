package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

func TestSafeCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ana", "Ana"}, {"=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"}, {"+1", "'+1"}, {"-2", "'-2"},
		{"@SUM(A1)", "'@SUM(A1)"}, {"\tx", "'\tx"}, {"\rx", "'\rx"}, {"", ""}, {"a=b", "a=b"},
		{"x;=1+1", "x;'=1+1"}, {"a\t=1+1", "a\t'=1+1"}, {"ok, @SUM(1)", "ok, '@SUM(1)"}, {"Jean-Paul", "Jean-Paul"},
		{"=1;-2", "'=1;'-2"}, {"\t=1", "'\t'=1"},
	}
	for _, tc := range tests {
		if got := safeCell(tc.in); got != tc.want {
			t.Errorf("safeCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAttendeesCSV(t *testing.T) {
	email := "eve@example.org"
	at := time.Date(2026, 3, 22, 13, 0, 0, 0, time.UTC)
	list := []*turnout.RSVP{
		{Name: "=cmd|' /C calc'!A0", Email: &email, Status: "going", Guests: 2, CreatedAt: at, CheckedInAt: &at},
		{Name: "Quote \"Q\", comma\nnewline", Status: "waitlisted", CreatedAt: at},
	}
	var buf bytes.Buffer
	cw, err := newAttendeesCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeCSVRows(cw, list); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\r\n") {
		t.Error("rows must end in CRLF (RFC 4180)")
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"name", "email", "status", "guests", "people", "created_at", "checked_in_at", "confirm_by"},
		{"'=cmd|' /C calc'!A0", email, "going", "2", "3", "2026-03-22T13:00:00Z", "2026-03-22T13:00:00Z", ""},
		{"Quote \"Q\", comma\nnewline", "", "waitlisted", "0", "1", "2026-03-22T13:00:00Z", "", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows: %q", len(rows), rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
}

// TestAttendeesNeedOrganiser checks that the attendee pages refuse anyone
// who is not signed in as an organiser.
func TestAttendeesNeedOrganiser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "door")
		e := seedEvent(t, st, g.ID, "Door list", 24*time.Hour, nil)
		rsvpVia(t, app, e, "Secret Person", "secret.person@example.org")
		for _, path := range []string{"/events/" + e.Slug + "/attendees", "/events/" + e.Slug + "/attendees.csv"} {
			resp, body := do(t, app, httptest.NewRequest("GET", path, nil))
			if resp.StatusCode != 401 && resp.StatusCode != 303 && resp.StatusCode != 302 {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
			if strings.Contains(body, "Secret Person") {
				t.Errorf("%s shows a name", path)
			}
		}
		resp, _ := postForm(t, app, "/events/"+e.Slug+"/attendees/1/checkin", nil)
		if resp.StatusCode < 300 || resp.StatusCode == 303 && resp.Header.Get("Location") == "/events/"+e.Slug+"/attendees#rsvp-1" {
			t.Errorf("anonymous check-in: %d", resp.StatusCode)
		}
	})
}

// rsvpVia RSVPs through the public API and returns the manage token.
func rsvpVia(t testing.TB, app *fiber.App, e *turnout.Event, name, email string) string {
	t.Helper()
	resp, out := sendJSON(t, app, "POST", "/api/v1/events/"+e.Slug+"/rsvps", `{"name":"`+name+`","email":"`+email+`","status":"going"}`)
	if resp.StatusCode != 201 {
		t.Fatalf("rsvp: %d %v", resp.StatusCode, out)
	}
	return strings.TrimPrefix(out["manage_url"].(string), "http://turnout.test/rsvp/")
}

// TestAttendeesPageRenders renders the organiser's attendee page through the
// real templates (the session that guards it is the organisers' work, so a
// test route stands in for the sign-in) and checks counts, search and the
// check-in form.
func TestAttendeesPageRenders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(testConfig(t), slog.New(slog.NewTextHandler(io.Discard, nil)), st)
		app, err := s.app()
		if err != nil {
			t.Fatal(err)
		}
		app.Get("/test/attendees/:slug", func(c *fiber.Ctx) error {
			e, err := st.FindEventBySlug(c.UserContext(), c.Params("slug"))
			if err != nil {
				return err
			}
			return s.renderAttendees(c, e)
		})
		g, _ := seedGroup(t, st, "doorlist")
		e := seedEvent(t, st, g.ID, "Door", 24*time.Hour, func(in *turnout.EventInput) { in.Capacity = turnout.Of(5) })
		// Maya brings two guests; Omar comes alone; then Rui (two people)
		// does not fit and is waitlisted; Pia is a maybe, Nils not going.
		for _, r := range []string{`"name":"Maya Lind","email":"maya@example.org","status":"going","guests":2`, `"name":"Omar Said","email":"omar@example.org","status":"going"`,
			`"name":"Rui","status":"going","guests":1`, `"name":"Pia","status":"maybe"`, `"name":"Nils","status":"not_going"`} {
			if resp, out := sendJSON(t, app, "POST", "/api/v1/events/"+e.Slug+"/rsvps", "{"+r+"}"); resp.StatusCode != 201 {
				t.Fatalf("rsvp %s: %d %v", r, resp.StatusCode, out)
			}
		}
		list, err := st.FindRSVPs(context.Background(), e.ID, turnout.RSVPFilter{Limit: turnout.MaxRSVPPage})
		if err != nil {
			t.Fatal(err)
		}
		maya, rui := list[0], list[2]
		if rui.Status != turnout.RSVPWaitlisted {
			t.Fatalf("Rui is %s, want waitlisted", rui.Status)
		}
		in, err := st.SetCheckedIn(context.Background(), e.ID, maya.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		// Checking in again keeps the first arrival time.
		if again, err := st.SetCheckedIn(context.Background(), e.ID, maya.ID, true); err != nil || !again.CheckedInAt.Equal(*in.CheckedInAt) {
			t.Fatalf("second check-in: %v, at %v then %v", err, in.CheckedInAt, again)
		}
		// Only people who are going can be checked in.
		for _, r := range list[2:] {
			if _, err := st.SetCheckedIn(context.Background(), e.ID, r.ID, true); turnout.ErrorCode(err) != turnout.ECONFLICT {
				t.Errorf("check-in of %s (%s): %v, want conflict", r.Name, r.Status, err)
			}
		}
		resp, body := do(t, app, httptest.NewRequest("GET", "/test/attendees/"+e.Slug, nil))
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %.500s", resp.StatusCode, body)
		}
		// Every count is of people, guests included.
		for _, want := range []string{"Maya Lind", "omar@example.org", "<dd>4 people, guests included</dd>", "<dt>Places left</dt><dd>1</dd>",
			"<dt>Checked in</dt><dd>3 of 4 going people</dd>", "<dt>Waitlisted</dt><dd>2 people</dd>", "<dt>Maybe</dt><dd>1 person</dd>",
			"<dt>Not going</dt><dd>1 person</dd>", `<th scope="col">RSVPed at</th>`, "/attendees.csv",
			`action="/events/` + e.Slug + `/attendees/` + strconv.FormatInt(list[1].ID, 10) + `/checkin"`,
			`href="/events/` + e.Slug + `/attendees/` + strconv.FormatInt(maya.ID, 10) + `/uncheckin"`} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		// One "Check in" button: Omar's. Maya is in; the others are not going.
		if n := strings.Count(body, `/checkin"`); n != 1 {
			t.Errorf("%d check-in forms, want 1 (Omar's)", n)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
		}
		_, body = do(t, app, httptest.NewRequest("GET", "/test/attendees/"+e.Slug+"?q=omar", nil))
		if strings.Contains(body, "Maya Lind") || !strings.Contains(body, "Omar Said") {
			t.Error("search does not filter")
		}
		if resp, _ := do(t, app, httptest.NewRequest("GET", "/test/attendees/"+e.Slug+"?q="+strings.Repeat("x", 201), nil)); resp.StatusCode != 422 {
			t.Errorf("long search: %d", resp.StatusCode)
		}
		if _, err := st.SetCheckedIn(context.Background(), e.ID+1000, list[0].ID, true); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Errorf("check-in on another event: %v", err)
		}
	})
}
