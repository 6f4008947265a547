package store

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

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

// SetCapacityForTest changes an event's capacity the way UpdateEvent should:
// in one transaction with promoteWaitlist and the feed-version bump.
func SetCapacityForTest(t *testing.T, s *Store, eventID int64, capacity *int) int {
	t.Helper()
	var promoted int
	err := s.transaction(context.Background(), func(tx *gorm.DB) error {
		if err := tx.Exec("UPDATE events SET capacity = ? WHERE id = ?", capacity, eventID).Error; err != nil {
			return err
		}
		n, _, err := promoteWaitlist(context.Background(), tx, eventID, s.Now())
		if err != nil {
			return err
		}
		promoted = n
		var e turnout.Event
		if err := tx.Take(&e, eventID).Error; err != nil {
			return err
		}
		return bumpFeedVersions(tx, &e, s.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	return promoted
}

// ClearSearchTextForTest forgets every event's search_text, as rows written
// before the column existed.
func ClearSearchTextForTest(t *testing.T, s *Store) {
	t.Helper()
	if err := s.db.Exec("UPDATE events SET search_text = NULL").Error; err != nil {
		t.Fatal(err)
	}
}
