package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// retentionFixture makes three events with two RSVPs each: one that ended
// 31 days ago, one 29 days ago and one still to come. It returns the store
// and the events' ids by name.
func retentionFixture(t *testing.T, target storetest.Target) (*store.Store, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	if err := run(ctx, []string{"migrate"}, env("TURNOUT_DATABASE_URL", target.URL), nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, target.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.AddOrganiser(ctx, turnout.OrganiserInput{Email: "r@example.org", Name: "R", GroupSlug: "keep", GroupName: "Keep"}); err != nil {
		t.Fatal(err)
	}
	g, err := st.FindGroupBySlug(ctx, "keep")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, name := range []string{"old", "recent", "future"} {
		title, status := name, turnout.StatusPublished
		start, end := time.Now().Add(time.Hour).UTC().Format(time.RFC3339), time.Now().Add(2*time.Hour).UTC().Format(time.RFC3339)
		e, err := st.CreateEvent(ctx, g.ID, turnout.EventInput{Title: &title, StartsAt: &start, EndsAt: &end, Status: &status})
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"Ada", "Bo"} {
			in := turnout.RSVPInput{Name: who + " " + name, Email: strings.ToLower(who) + "@example.org", Status: "going", Guests: 1}
			if _, _, err := st.CreateRSVP(ctx, e.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		ids[name] = e.ID
		switch name {
		case "old":
			storetest.ShiftEvent(t, target, e.Slug, -31)
		case "recent":
			storetest.ShiftEvent(t, target, e.Slug, -29)
		}
	}
	return st, ids
}

// listed returns how many RSVPs of the event still carry personal data, and
// the people going, which must survive the purge.
func listed(t *testing.T, st *store.Store, eventID int64) (int, int) {
	t.Helper()
	list, err := st.FindRSVPs(context.Background(), eventID, turnout.RSVPFilter{Limit: turnout.MaxRSVPPage})
	if err != nil {
		t.Fatal(err)
	}
	counts, _, err := st.CountRSVPs(context.Background(), eventID, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		if r.Name == "" || r.Email == nil {
			t.Fatalf("listed RSVP without personal data: %+v", r)
		}
	}
	return len(list), counts.Going
}

func TestPurgeCommand(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			st, ids := retentionFixture(t, target)
			var out strings.Builder
			getenv := env("TURNOUT_DATABASE_URL", target.URL, "TURNOUT_RETENTION_DAYS", "30")
			if err := run(context.Background(), []string{"purge"}, getenv, nil, &out, io.Discard); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "of 2 RSVP(s)") {
				t.Fatalf("output %q", out.String())
			}
			for name, want := range map[string]int{"old": 0, "recent": 2, "future": 2} {
				if n, going := listed(t, st, ids[name]); n != want || going != 4 {
					t.Errorf("%s: %d RSVPs with personal data (want %d), %d going (want 4)", name, n, want, going)
				}
			}
			// Nothing left to erase: a second run erases nothing.
			out.Reset()
			if err := run(context.Background(), []string{"purge"}, getenv, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "of 0 RSVP(s)") {
				t.Fatalf("second purge: %q %v", out.String(), err)
			}
		})
	}
}

// TestServePurges checks that `turnout serve` erases expired personal data
// on its own, with a retention of 28 days this time, and stops cleanly.
func TestServePurges(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			st, ids := retentionFixture(t, target)
			_, stop := startServer(t, env("TURNOUT_ADDR", "127.0.0.1:0", "TURNOUT_DATABASE_URL", target.URL,
				"TURNOUT_RETENTION_DAYS", "28", "TURNOUT_PURGE_INTERVAL", "100ms"))
			deadline := time.Now().Add(20 * time.Second)
			for {
				n, _ := listed(t, st, ids["recent"])
				if n == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("serve did not purge within 20s")
				}
				time.Sleep(50 * time.Millisecond) // polling for the background job's effect
			}
			if err := stop(); err != nil {
				t.Fatalf("shutdown: %v", err)
			}
			for name, want := range map[string]int{"old": 0, "recent": 0, "future": 2} {
				if n, going := listed(t, st, ids[name]); n != want || going != 4 {
					t.Errorf("%s: %d RSVPs with personal data (want %d), %d going (want 4)", name, n, want, going)
				}
			}
		})
	}
}
