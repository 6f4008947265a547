package store

import (
	"context"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/turnout"
)

// ShiftEventForTest moves an event's times by d, for retention tests.
func ShiftEventForTest(t *testing.T, s *Store, e *turnout.Event, d time.Duration) {
	t.Helper()
	err := s.db.Exec("UPDATE events SET starts_at = ?, ends_at = ? WHERE id = ?", e.StartsAt.Add(d), e.EndsAt.Add(d), e.ID).Error
	if err != nil {
		t.Fatal(err)
	}
}

// RawRSVPForTest reads an RSVP row as stored.
func RawRSVPForTest(t *testing.T, s *Store, id int64) *turnout.RSVP {
	t.Helper()
	var r turnout.RSVP
	if err := s.db.WithContext(context.Background()).Take(&r, id).Error; err != nil {
		t.Fatal(err)
	}
	return &r
}

// FeedVersionForTest reads the feed version of a scope (0 when never bumped).
func FeedVersionForTest(t *testing.T, s *Store, scope string) int64 {
	t.Helper()
	var v []int64
	if err := s.db.Raw("SELECT version FROM feed_versions WHERE scope = ?", scope).Scan(&v).Error; err != nil {
		t.Fatal(err)
	}
	if len(v) == 0 {
		return 0
	}
	return v[0]
}
