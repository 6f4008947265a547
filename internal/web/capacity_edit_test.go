package web

import (
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestCapacityEditPromotes raises an event's capacity through the organiser
// API: the waitlist moves up in the same transaction. Lowering it below the
// people already going is refused and changes nothing.
func TestCapacityEditPromotes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, token := seedGroup(t, st, "grows")
		e := seedEvent(t, st, g.ID, "Grows", 48*time.Hour, func(in *turnout.EventInput) { in.Capacity = turnout.Of(1) })
		rsvpVia(t, app, e, "First", "first@example.org")
		second := rsvpVia(t, app, e, "Second", "second@example.org")
		third := rsvpVia(t, app, e, "Third", "third@example.org")
		resp, body := do(t, app, apiRequest("PATCH", "/api/v1/events/"+e.Slug, token, `{"capacity": 2}`))
		if resp.StatusCode != 200 {
			t.Fatalf("raise: %d %s", resp.StatusCode, body)
		}
		if _, out := sendJSON(t, app, "GET", "/api/v1/rsvps/"+second, ""); out["status"] != "going" {
			t.Fatalf("second not promoted: %v", out)
		}
		if _, out := sendJSON(t, app, "GET", "/api/v1/rsvps/"+third, ""); out["status"] != "waitlisted" || out["waitlist_position"] != 1.0 {
			t.Fatalf("third: %v", out)
		}
		resp, body = do(t, app, apiRequest("PATCH", "/api/v1/events/"+e.Slug, token, `{"capacity": 1}`))
		if resp.StatusCode != 422 || !strings.Contains(body, "already going") || countGoing(t, st, e.Slug) != 2 {
			t.Fatalf("lower: %d %s", resp.StatusCode, body)
		}
		if resp, _ := do(t, app, apiRequest("PATCH", "/api/v1/events/"+e.Slug, token, `{"capacity": null}`)); resp.StatusCode != 200 || countGoing(t, st, e.Slug) != 3 {
			t.Fatalf("unlimited: %d, going %d", resp.StatusCode, countGoing(t, st, e.Slug))
		}
	})
}
