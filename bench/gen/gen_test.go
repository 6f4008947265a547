package gen_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/turnout-org/turnout/bench/gen"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestGenerate fills a fresh, migrated database of each dialect at the smoke
// scale and reads it back through the real store: the rows satisfy the schema
// (the COPY or INSERT would fail otherwise), the well-known slugs exist, the
// listing query sees upcoming events only, and going counts add up.
func TestGenerate(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			ctx := context.Background()
			st := storetest.Open(t, target)
			res, err := gen.Generate(ctx, target.URL, gen.Smoke, now)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Rows["events"]; got != int64(gen.Smoke.Events) {
				t.Errorf("events written = %d, want %d", got, gen.Smoke.Events)
			}
			if got := res.Rows["rsvps"]; got != int64(gen.Smoke.RSVPs) {
				t.Errorf("rsvps written = %d, want %d", got, gen.Smoke.RSVPs)
			}
			st.Now = func() time.Time { return now }
			if c, err := gen.CheckCapacity(ctx, target.URL); err != nil || !c.OK() {
				t.Errorf("capacity check: %v, %v", c, err)
			}

			hot, err := st.FindEventBySlug(ctx, gen.HotEvent)
			if err != nil {
				t.Fatal(err)
			}
			if hot.Group == nil || hot.Group.Slug != gen.FeedGroup || len(hot.Articles) != 2 || !hot.StartsAt.After(now) {
				t.Errorf("hot event: group %v, %d articles, starts %v", hot.Group, len(hot.Articles), hot.StartsAt)
			}
			if hot.Capacity == nil || hot.GoingCount == 0 || hot.GoingCount > *hot.Capacity {
				t.Errorf("hot event: going %d of capacity %v", hot.GoingCount, hot.Capacity)
			}
			checkRSVPTargets(t, st, now)

			events, more, err := st.FindEvents(ctx, turnout.EventFilter{EndsAfter: now, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			if more || len(events) < gen.Smoke.FeedEvents || len(events) >= gen.Smoke.Events {
				t.Errorf("upcoming events: %d (more %v), want between %d and %d", len(events), more, gen.Smoke.FeedEvents, gen.Smoke.Events)
			}
			for _, e := range events {
				if !e.EndsAt.After(now) || !e.Listed() || e.Group == nil {
					t.Fatalf("listed %s: ends %v, status %s, group %v", e.Slug, e.EndsAt, e.Status, e.Group)
				}
			}
			feed, _, err := st.FindEvents(ctx, turnout.EventFilter{GroupSlug: gen.FeedGroup, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			if len(feed) != gen.Smoke.FeedEvents {
				t.Errorf("feed group lists %d events, want %d", len(feed), gen.Smoke.FeedEvents)
			}
		})
	}
}

// checkRSVPTargets: every event of the RSVP scenario is open, empty and has its capacity.
func checkRSVPTargets(t *testing.T, st *store.Store, now time.Time) {
	t.Helper()
	for i := 1; i <= gen.Smoke.RSVPEvents; i++ {
		e, err := st.FindEventBySlug(context.Background(), fmt.Sprintf("%s%03d", gen.RSVPEventPrefix, i))
		if err != nil {
			t.Fatal(err)
		}
		if open, why := e.RSVPOpen(now); !open || e.GoingCount != 0 || e.Capacity == nil || *e.Capacity != gen.Smoke.RSVPTargetCapacity(i) {
			t.Errorf("RSVP event %s: open %v (%s), going %d, capacity %v", e.Slug, open, why, e.GoingCount, e.Capacity)
		}
	}
}
