package web

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestEventPagesFractionalStarts follows the API's next URLs across a page
// boundary that falls on events starting at fractions of a second (the API
// accepts them, down to nanoseconds): every event appears exactly once, in
// order, on each database.
func TestEventPagesFractionalStarts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "fractions")
		base := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
		var want []string
		for i := range pageSize + 5 {
			// Pairs share a whole second, so the boundary also separates
			// events that differ only in their fraction.
			start := base.Add(time.Duration(i/2)*time.Minute + time.Duration(100+i%2*400)*time.Millisecond + 123456789)
			title := fmt.Sprintf("Fraction %02d", i)
			seedEvent(t, st, g.ID, title, 0, func(in *turnout.EventInput) {
				s, e := start.Format(time.RFC3339Nano), start.Add(time.Hour).Format(time.RFC3339Nano)
				in.StartsAt, in.EndsAt = &s, &e
			})
			want = append(want, title)
		}
		var got []string
		next := "/api/v1/events?group=fractions"
		for pages := 0; next != ""; pages++ {
			if pages > 2 {
				t.Fatalf("more than 2 pages for %d events: %v", len(want), got)
			}
			var out struct {
				Events []struct{ Title string }
				Next   *string
			}
			resp, body := do(t, app, apiRequest("GET", next, "", ""))
			if err := json.Unmarshal([]byte(body), &out); resp.StatusCode != 200 || err != nil {
				t.Fatalf("%s: %d %v %.300s", next, resp.StatusCode, err, body)
			}
			for _, e := range out.Events {
				got = append(got, e.Title)
			}
			next = ""
			if out.Next != nil {
				next = strings.TrimPrefix(*out.Next, "http://turnout.test")
			}
		}
		if strings.Join(got, ", ") != strings.Join(want, ", ") {
			t.Errorf("pages listed\n%v\nwant\n%v", got, want)
		}
	})
}

func TestCursorRoundTrip(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(2026, 3, 22, 13, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 22, 13, 0, 0, 500_000_000, time.UTC),
		time.Date(2026, 3, 22, 13, 0, 0, 1000, time.UTC),
	} {
		s := formatCursor(&turnout.Event{ID: 42, StartsAt: at})
		c, ok := parseCursor(s)
		if !ok || !c.StartsAt.Equal(at) || c.ID != 42 {
			t.Errorf("%v: cursor %q reads back as %+v, %v", at, s, c, ok)
		}
	}
	for _, bad := range []string{"1.2.3.4", "1.5.2", "1.-00001.2", "x.1", "1.x", "1", "-1.-1"} {
		if _, ok := parseCursor(bad); ok {
			t.Errorf("cursor %q accepted", bad)
		}
	}
}
