package web

import (
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestNoAttendeeDataInPublic RSVPs with distinctive names and emails and
// checks that no page, API answer or feed that the public can reach shows
// them, only counts.
func TestNoAttendeeDataInPublic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "private")
		e := seedEvent(t, st, g.ID, "Vigil for the drowned", 48*time.Hour, func(in *turnout.EventInput) { in.Capacity = turnout.Of(1) })
		secrets := []string{"Zephyrine", "zephyrine.q@example.org", "Quillon", "quillon.w@example.org"}
		rsvpVia(t, app, e, "Zephyrine Marlowe", "zephyrine.q@example.org")
		if resp, _ := postRSVP(t, app, e.Slug, url.Values{"name": {"Quillon Wren"}, "email": {"quillon.w@example.org"}, "status": {"going"}}); resp.StatusCode != 200 {
			t.Fatalf("form RSVP: %d", resp.StatusCode)
		}
		paths := map[string]int{
			"/": 200, "/events/" + e.Slug: 200, "/groups/" + g.Slug: 200,
			"/api/v1/events": 200, "/api/v1/events?q=Quillon": 200, "/api/v1/events/" + e.Slug: 200,
			"/events.ics": 200, "/events/" + e.Slug + ".ics": 200, "/groups/" + g.Slug + "/events.ics": 200,
			"/events.atom": 200, "/groups/" + g.Slug + "/events.atom": 200,
			"/api/v1/events/" + e.Slug + "/rsvps": 401, "/events/" + e.Slug + "/attendees": 401, "/events/" + e.Slug + "/attendees.csv": 401,
		}
		for p, status := range paths {
			resp, body := do(t, app, httptest.NewRequest("GET", p, nil))
			if resp.StatusCode != status && !(status == 401 && resp.StatusCode == 303) {
				t.Errorf("%s: %d, want %d", p, resp.StatusCode, status)
			}
			for _, s := range secrets {
				if strings.Contains(strings.ToLower(body), strings.ToLower(s)) {
					t.Errorf("%s (%d) shows %q", p, resp.StatusCode, s)
				}
			}
		}
		// The counts are public: one going, one waitlisted (not shown as a name).
		_, out := sendJSON(t, app, "GET", "/api/v1/events/"+e.Slug, "")
		if out["going"] != 1.0 || out["spots_left"] != 0.0 {
			t.Errorf("public counts: going %v, spots_left %v", out["going"], out["spots_left"])
		}
		// A second RSVP with a taken email learns nothing about the first.
		_, body := postRSVP(t, app, e.Slug, url.Values{"name": {"Other"}, "email": {"zephyrine.q@example.org"}})
		if strings.Contains(body, "Marlowe") || regexp.MustCompile(`/rsvp/[A-Za-z0-9_-]{20,}`).MatchString(body) {
			t.Errorf("duplicate answer leaks the first RSVP")
		}
	})
}
