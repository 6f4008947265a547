package browsertest_test

import (
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/turnout"
)

// TestAttendeesJourney is journey 4: an organiser logs in on a phone at the
// door; the attendee page shows the counts, check-in works, and the CSV the
// browser downloads has the rows. It checks the login and attendee pages
// with axe-core.
func TestAttendeesJourney(t *testing.T) {
	in := startInstance(t)
	g := in.seedGroup(t, "riverside")
	ev := in.seedEvent(t, g, "Picket at the detention centre", func(e *turnout.EventInput) {
		e.Capacity = turnout.Of(10)
	})
	robin := in.seedRSVP(t, ev, "Robin", "robin@example.org", turnout.RSVPGoing, 1)
	in.seedRSVP(t, ev, "Kit", "", turnout.RSVPGoing, 0)
	in.seedRSVP(t, ev, "Ash", "", turnout.RSVPMaybe, 0)
	tb := newTab(t, in.origin, phone, a11y)

	tb.login("riverside@example.org", organiserPassword)
	attendees := "/events/" + ev.Slug + "/attendees"
	tb.open(attendees, 200)
	tb.checkA11y("Attendees")
	tb.see("#attendee-counts", "Going", "3 people", "Places left", "7", "Maybe", "1 person", "Checked in")
	if got := tb.text("#attendee-counts dt:nth-of-type(2) + dd"); got != "0 of 3 going people" {
		tb.fatalf("checked in: %q before anyone arrived, want 0 of 3 going people", got)
	}
	tb.see("thead", "RSVPed at", "Check-in")
	tb.see("tbody", "Robin", "robin@example.org", "Kit", "Ash")
	if n := tb.count(`tbody form[action$="/checkin"]`); n != 2 {
		tb.fatalf("%d check-in buttons, want 2 (Robin and Kit go; Ash is a maybe)", n)
	}

	tb.click(`button[aria-label="Check in Robin"]`, 200)
	tb.wantPath(attendees + "#rsvp-" + strconv.FormatInt(robin.ID, 10))
	tb.see(tb.rowOf(robin), "Checked in")
	tb.see("#attendee-counts dt:nth-of-type(2) + dd", "2 of 3 going people")
	if tb.count(tb.rowOf(robin)+` form[action$="/checkin"]`) != 0 {
		tb.fatalf("Robin's row still offers a check-in button to tap again")
	}
	// Undoing a check-in is its own action, confirmed on a page of its own.
	undo := attendees + "/" + strconv.FormatInt(robin.ID, 10) + "/uncheckin"
	tb.click(tb.rowOf(robin)+` a[href="`+undo+`"]`, 200)
	tb.see("main h1", "Undo the check-in of Robin?")
	tb.checkA11y("Undo check-in confirm")
	tb.click(`main a.button-secondary`, 200)
	tb.see("#attendee-counts dt:nth-of-type(2) + dd", "2 of 3 going people")
	tb.click(tb.rowOf(robin)+` a[href="`+undo+`"]`, 200)
	tb.click(`form[action="`+undo+`"] button.button-warning`, 200)
	tb.see("#attendee-counts dt:nth-of-type(2) + dd", "0 of 3 going people")
	tb.click(`button[aria-label="Check in Robin"]`, 200)
	tb.see("#attendee-counts dt:nth-of-type(2) + dd", "2 of 3 going people")

	body := tb.download(`a[href="` + attendees + `.csv"]`)
	rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v\n%s", err, body)
	}
	if len(rows) != 4 || strings.Join(rows[0], ",") != "name,email,status,guests,people,created_at,checked_in_at,confirm_by" {
		t.Fatalf("CSV has %d rows, want a header and 3:\n%s", len(rows), body)
	}
	byName := map[string][]string{}
	for _, r := range rows[1:] {
		byName[r[0]] = r
	}
	if r := byName["Robin"]; r == nil || r[1] != "robin@example.org" || r[2] != "going" || r[3] != "1" || r[6] == "" {
		t.Errorf("Robin's row %q: want email, going, 1 guest, checked in", r)
	}
	if r := byName["Kit"]; r == nil || r[2] != "going" || r[6] != "" {
		t.Errorf("Kit's row %q: want going, not checked in", r)
	}
	if r := byName["Ash"]; r == nil || r[2] != "maybe" {
		t.Errorf("Ash's row %q: want maybe", r)
	}
}

// rowOf is the selector of r's row on the attendee page.
func (tb *tab) rowOf(r *turnout.RSVP) string {
	return "#rsvp-" + strconv.FormatInt(r.ID, 10)
}

// seedRSVP answers event e through the store, as a supporter would.
func (in *instance) seedRSVP(t *testing.T, e *turnout.Event, name, email, status string, guests int) *turnout.RSVP {
	t.Helper()
	r, _, err := in.store.CreateRSVP(context.Background(), e.ID, turnout.RSVPInput{Name: name, Email: email, Status: status, Guests: guests})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestAttendeesPagesJourney: at the door of an event with more RSVPs than
// one page lists, the organiser sees how many of how many the page shows,
// goes to the next page, checks someone in there and stays on that page.
func TestAttendeesPagesJourney(t *testing.T) {
	in := startInstance(t)
	g := in.seedGroup(t, "bigmarch")
	ev := in.seedEvent(t, g, "March on the ministry", nil)
	var last *turnout.RSVP
	for i := 1; i <= 502; i++ {
		last = in.seedRSVP(t, ev, "Marcher "+strconv.Itoa(i), "", turnout.RSVPGoing, 0)
	}
	tb := newTab(t, in.origin, phone, a11y)
	tb.login("bigmarch@example.org", organiserPassword)
	attendees := "/events/" + ev.Slug + "/attendees"
	tb.open(attendees, 200)
	tb.see("#attendee-paging", "Showing 500 of 502 RSVPs.", "Next page")
	tb.click("#attendee-paging a", 200)
	tb.see("#attendee-paging", "Showing 2 of 502 RSVPs.", "First page")
	tb.checkA11y("Attendees, second page")
	tb.see("tbody", "Marcher 501", "Marcher 502")
	page := tb.path()
	tb.click(`button[aria-label="Check in Marcher 502"]`, 200)
	tb.wantPath(page + tb.rowOf(last))
	tb.see(tb.rowOf(last), "Checked in")
}
