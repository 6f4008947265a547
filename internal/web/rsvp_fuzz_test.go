package web

import (
	"database/sql"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// FuzzRSVPForm posts arbitrary bodies to the event page's RSVP form, the
// real handler over a real SQLite store. No body may get a 5xx; whatever is
// accepted is stored whole and within the event's rules (name, guests,
// status, capacity). Seeds are in testdata/fuzz/FuzzRSVPForm.
func FuzzRSVPForm(f *testing.F) {
	st := storetest.Open(f, storetest.SQLiteTarget(f))
	cfg := testConfig(f)
	cfg.RSVPRateLimit = 0
	app := newTestApp(f, cfg, st)
	g, _ := seedGroup(f, st, "fuzz")
	e := seedEvent(f, st, g.ID, "Fuzzed vigil", 48*time.Hour, func(in *turnout.EventInput) {
		in.Capacity, in.MaxGuests = turnout.Of(50), turnout.Of(3).Value
	})
	f.Add("name=Ana&email=&status=going&guests=1")
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest("POST", "/events/"+e.Slug+"/rsvp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("status %d for body %q", resp.StatusCode, body)
		}
		checkStoredRSVPs(t, st.SQLDB(), e.ID, 50, 3)
	})
}

// checkStoredRSVPs fails t when any stored RSVP of the event breaks a rule.
func checkStoredRSVPs(t *testing.T, db *sql.DB, eventID int64, capacity, maxGuests int) {
	t.Helper()
	rows, err := db.Query(`SELECT name, status, guests FROM rsvps WHERE event_id = ?`, eventID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	going := 0
	for rows.Next() {
		var name, status string
		var guests int
		if err := rows.Scan(&name, &status, &guests); err != nil {
			t.Fatal(err)
		}
		fe := turnout.FieldErrors{}
		fe.CheckText("name", name, turnout.MaxRSVPNameLen, false)
		if name == "" || len(fe) > 0 || !utf8.ValidString(name) {
			t.Fatalf("stored name %q: %v", name, fe)
		}
		if guests < 0 || guests > maxGuests {
			t.Fatalf("stored guests %d", guests)
		}
		switch status {
		case turnout.RSVPGoing:
			going += 1 + guests
		case turnout.RSVPWaitlisted, turnout.RSVPMaybe, turnout.RSVPNotGoing:
		default:
			t.Fatalf("stored status %q", status)
		}
	}
	if going > capacity {
		t.Fatalf("%d going for %d places", going, capacity)
	}
}
