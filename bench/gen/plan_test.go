package gen

import (
	"testing"
	"time"
)

// TestPlanShapes checks, at every scale, the rows the load scenarios rely on:
// the RSVP events are published, upcoming and empty; the feed group has its
// events all upcoming; capacities hold the people going.
func TestPlanShapes(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for _, s := range []Scale{Smoke, Small, Large} {
		t.Run(s.Name, func(t *testing.T) {
			p, err := newPlan(s, now)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < s.FeedEvents+s.RSVPEvents; i++ {
				if !p.start(i).After(now) {
					t.Fatalf("event %d (%s) starts %v, not after now", i, p.slug(i), p.start(i))
				}
			}
			for i := s.FeedEvents; i < s.FeedEvents+s.RSVPEvents; i++ {
				if p.status(i) != "published" || p.going[i] != 0 || p.capacity(i) != s.RSVPTargetCapacity(i-s.FeedEvents+1) {
					t.Errorf("RSVP event %s: status %s, going %d, capacity %v", p.slug(i), p.status(i), p.going[i], p.capacity(i))
				}
			}
			for i := 0; i < s.Events; i++ {
				if c, ok := p.capacity(i).(int); ok && p.going[i] > c {
					t.Fatalf("event %d: %d going over capacity %d", i, p.going[i], c)
				}
			}
		})
	}
}
