package web

import (
	"encoding/csv"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestAttendeesSignedIn walks the door list as a signed-in organiser: the
// page, search, check-in and CSV; another group's organiser is refused.
func TestAttendeesSignedIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "door@example.org", "doorgroup")
		seedOrganiser(t, st, "other@example.org", "othergroup")
		g, err := st.FindGroupBySlug(t.Context(), "doorgroup")
		if err != nil {
			t.Fatal(err)
		}
		e := seedEvent(t, st, g.ID, "Door", 24*time.Hour, func(in *turnout.EventInput) { in.Capacity = turnout.Of(10) })
		rsvpVia(t, app, e, "=Maya", "maya@example.org")
		rsvpVia(t, app, e, "Omar Said", "omar@example.org")
		page := "/events/" + e.Slug + "/attendees"

		b := newBrowser(t, app)
		b.login("door@example.org", testPassword)
		if _, dash := b.get("/dashboard"); !strings.Contains(dash, `href="`+page+`"`) {
			t.Error("the dashboard does not link the attendee page")
		}
		resp, body := b.get(page)
		if resp.StatusCode != 200 || !strings.Contains(body, "Omar Said") || !strings.Contains(body, "<dt>Places left</dt><dd>8</dd>") {
			t.Fatalf("attendee page: %d %.500s", resp.StatusCode, body)
		}
		id := regexp.MustCompile(`id="rsvp-(\d+)"`).FindStringSubmatch(body)[1]
		resp, _ = b.post(page, page+"/"+id+"/checkin", url.Values{"checked_in": {"1"}})
		if resp.StatusCode != 303 {
			t.Fatalf("check-in: %d", resp.StatusCode)
		}
		if _, body = b.get(page); !strings.Contains(body, "<dt>Checked in</dt><dd>1 of 2 going people</dd>") {
			t.Fatal("check-in not counted")
		}
		// A second tap on the same row (an old page's toggle) keeps them in.
		if resp, _ = b.post(page, page+"/"+id+"/checkin", url.Values{"checked_in": {"0"}}); resp.StatusCode != 303 {
			t.Fatalf("second check-in: %d", resp.StatusCode)
		}
		if _, body = b.get(page); !strings.Contains(body, "<dt>Checked in</dt><dd>1 of 2 going people</dd>") {
			t.Fatal("a second tap on check-in undid it")
		}
		// Undoing is its own action, confirmed first: the confirm page and a
		// post without confirm=yes change nothing.
		undo := page + "/" + id + "/uncheckin"
		if !strings.Contains(body, `href="`+undo+`"`) {
			t.Fatalf("the attendee page does not link %s", undo)
		}
		resp, body = b.get(undo)
		if resp.StatusCode != 200 || !strings.Contains(body, "Undo the check-in of =Maya?") || !strings.Contains(body, `name="confirm" value="yes"`) {
			t.Fatalf("undo confirm page: %d %.500s", resp.StatusCode, body)
		}
		if resp, _ = b.post(undo, undo, url.Values{}); resp.StatusCode != 200 {
			t.Fatalf("undo without confirm: %d", resp.StatusCode)
		}
		if _, body = b.get(page); !strings.Contains(body, "<dt>Checked in</dt><dd>1 of 2 going people</dd>") {
			t.Fatal("undo without confirm=yes changed the check-in")
		}
		if resp, _ = b.post(undo, undo, url.Values{"confirm": {"yes"}}); resp.StatusCode != 303 || resp.Header.Get("Location") != page+"#rsvp-"+id {
			t.Fatalf("undo: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, body = b.get(page); !strings.Contains(body, "<dt>Checked in</dt><dd>0 of 2 going people</dd>") {
			t.Fatal("undo did not clear the check-in")
		}
		if resp, _ = b.post(page, page+"/"+id+"/checkin", nil); resp.StatusCode != 303 {
			t.Fatalf("check-in again: %d", resp.StatusCode)
		}
		// Without the CSRF token the toggle is refused and changes nothing.
		resp, _ = b.post(page, page+"/"+id+"/checkin", url.Values{"checked_in": {"0"}, "_csrf": {"forged"}})
		if resp.StatusCode != 403 {
			t.Fatalf("forged check-in: %d", resp.StatusCode)
		}
		resp, body = b.get(page + ".csv")
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if resp.StatusCode != 200 || err != nil || len(rows) != 3 || rows[1][0] != "'=Maya" || rows[1][6] == "" {
			t.Fatalf("CSV: %d %v %q", resp.StatusCode, err, rows)
		}

		other := newBrowser(t, app)
		other.login("other@example.org", testPassword)
		for _, p := range []string{page, page + ".csv"} {
			if resp, body := other.get(p); resp.StatusCode != 403 || strings.Contains(body, "Omar") {
				t.Errorf("other group's organiser on %s: %d", p, resp.StatusCode)
			}
		}
		if resp, _ := newBrowser(t, app).get(page); resp.StatusCode != 303 {
			t.Errorf("anonymous: %d, want 303 to login", resp.StatusCode)
		}
	})
}
