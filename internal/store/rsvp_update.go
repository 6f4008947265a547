package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

// requested is the status the supporter asked for: a waitlisted RSVP asked to go.
func requested(r *turnout.RSVP) string {
	if r.Status == turnout.RSVPWaitlisted {
		return turnout.RSVPGoing
	}
	return r.Status
}

// UpdateRSVP changes the name, status or guests of the RSVP of token. Going
// with more guests than fit is ECONFLICT and changes nothing; asking to go
// from maybe or not going joins the end of the waitlist if the party does not
// fit. Freed places go to the waitlist in the same transaction.
func (s *Store) UpdateRSVP(ctx context.Context, token string, u turnout.RSVPUpdate) (*turnout.RSVP, error) {
	var out *turnout.RSVP
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, e, err := s.lockedRSVP(tx, token)
		if err != nil {
			return err
		}
		if err := u.Validate(e); err != nil {
			return err
		}
		t := s.Now()
		status, guests := requested(r), r.Guests
		if u.Status != nil {
			status = *u.Status
		}
		if u.Guests != nil {
			guests = *u.Guests
		}
		if status != requested(r) || guests != r.Guests {
			if open, why := e.RSVPOpen(t); !open {
				return turnout.Errorf(turnout.ECONFLICT, "%s You can still change your name or cancel.", why)
			}
		}
		if u.Name != nil {
			r.Name = *u.Name
		}
		requeue, err := applyStatus(tx, e, r, status, guests)
		if err != nil {
			return err
		}
		r.UpdatedAt = t
		if err := saveRSVP(tx, r, requeue); err != nil {
			return err
		}
		if err := s.settle(ctx, tx, e, t); err != nil {
			return err
		}
		if err := tx.Take(r, r.ID).Error; err != nil {
			return err
		}
		out = r
		return s.fillPosition(tx, r)
	})
	return out, err
}

// saveRSVP writes the changed name, status and guests of r. One that joins
// the waitlist now is stored again under a new id, which puts it at the end.
func saveRSVP(tx *gorm.DB, r *turnout.RSVP, requeue bool) error {
	if !requeue {
		return tx.Model(r).Select("name", "status", "guests", "updated_at").Updates(r).Error
	}
	if err := tx.Delete(&turnout.RSVP{ID: r.ID}).Error; err != nil {
		return err
	}
	r.ID = 0
	return tx.Create(r).Error
}

// applyStatus moves r to the asked status and guests, adjusting the going
// count atomically. It reports whether r must join the end of the waitlist.
func applyStatus(tx *gorm.DB, e *turnout.Event, r *turnout.RSVP, status string, guests int) (bool, error) {
	switch {
	case r.Status == turnout.RSVPGoing && status == turnout.RSVPGoing:
		ok, err := addGoing(tx, e, guests-r.Guests)
		if err != nil {
			return false, err
		}
		if !ok {
			left := 0
			if sl := e.SpotsLeft(); sl != nil {
				left = *sl
			}
			return false, turnout.Errorf(turnout.ECONFLICT, "There is room for only %d more, so your RSVP stays as it was.", left)
		}
		r.Guests = guests
	case r.Status == turnout.RSVPGoing:
		if _, err := addGoing(tx, e, -r.People()); err != nil {
			return false, err
		}
		r.Status, r.Guests = status, guests
	case r.Status == turnout.RSVPWaitlisted && status == turnout.RSVPGoing:
		r.Guests = guests // keeps its place; settle promotes it if it now fits
	case status == turnout.RSVPGoing:
		r.Guests = guests
		ok, err := addGoing(tx, e, r.People())
		if err != nil {
			return false, err
		}
		if ok {
			r.Status = turnout.RSVPGoing
			return false, nil
		}
		r.Status = turnout.RSVPWaitlisted
		return true, nil
	default:
		r.Status, r.Guests = status, guests
	}
	return false, nil
}

// FindRSVPs lists the event's RSVPs (erased ones left out) in order of
// arrival, filtered by words in name or email, and counts all of them.
func (s *Store) FindRSVPs(ctx context.Context, eventID int64, query string) ([]*turnout.RSVP, turnout.RSVPCounts, error) {
	db := s.db.WithContext(ctx)
	var counts turnout.RSVPCounts
	var rows []struct {
		Status    string
		Answers   int
		People    int
		CheckedIn int
	}
	err := db.Model(&turnout.RSVP{}).Select("status, COUNT(*) AS answers, COALESCE(SUM(guests + 1), 0) AS people, COALESCE(SUM(CASE WHEN checked_in_at IS NULL THEN 0 ELSE guests + 1 END), 0) AS checked_in").
		Where("event_id = ?", eventID).Group("status").Scan(&rows).Error
	if err != nil {
		return nil, counts, err
	}
	for _, row := range rows {
		counts.CheckedIn += row.CheckedIn
		switch row.Status {
		case turnout.RSVPGoing:
			counts.Going = row.People
		case turnout.RSVPWaitlisted:
			counts.Waitlisted = row.People
		case turnout.RSVPMaybe:
			counts.Maybe = row.People
		case turnout.RSVPNotGoing:
			counts.NotGoing = row.People
		}
	}
	q := db.Where("event_id = ? AND purged_at IS NULL", eventID)
	for _, word := range strings.Fields(strings.ToLower(query)) {
		like := "%" + escapeLike(word) + "%"
		q = q.Where(`(lower(name) LIKE ? ESCAPE '\' OR lower(COALESCE(email, '')) LIKE ? ESCAPE '\')`, like, like)
	}
	var list []*turnout.RSVP
	if err := q.Order("id").Limit(10000).Find(&list).Error; err != nil {
		return nil, counts, err
	}
	// Waitlist positions count the whole waitlist, not just the RSVPs a
	// search matched.
	var waiting []int64
	if err := db.Model(&turnout.RSVP{}).Where("event_id = ? AND status = ?", eventID, turnout.RSVPWaitlisted).
		Order("id").Pluck("id", &waiting).Error; err != nil {
		return nil, counts, err
	}
	position := make(map[int64]int, len(waiting))
	for i, id := range waiting {
		position[id] = i + 1
	}
	for _, r := range list {
		r.Position = position[r.ID]
	}
	return list, counts, nil
}

// SetCheckedIn records that an RSVP's party arrived at the door, or clears
// it. Only a "going" RSVP can be checked in; checking in again keeps the
// first arrival time; clearing works on any.
func (s *Store) SetCheckedIn(ctx context.Context, eventID, rsvpID int64, in bool) (*turnout.RSVP, error) {
	var at *time.Time
	q := s.db.WithContext(ctx).Model(&turnout.RSVP{}).Where("id = ? AND event_id = ? AND purged_at IS NULL", rsvpID, eventID)
	if in {
		t := s.Now()
		at = &t
		q = q.Where("status = ? AND checked_in_at IS NULL", turnout.RSVPGoing)
	}
	res := q.Update("checked_in_at", at)
	if res.Error != nil {
		return nil, res.Error
	}
	r, err := s.FindEventRSVP(ctx, eventID, rsvpID)
	if err != nil {
		return nil, err
	}
	if in && r.Status != turnout.RSVPGoing {
		return nil, turnout.Errorf(turnout.ECONFLICT, "Only people who are going can be checked in.")
	}
	return r, nil
}

// FindEventRSVP returns one RSVP of the event by id; purged RSVPs and RSVPs
// of other events are not found.
func (s *Store) FindEventRSVP(ctx context.Context, eventID, rsvpID int64) (*turnout.RSVP, error) {
	var r turnout.RSVP
	err := s.db.WithContext(ctx).Where("id = ? AND event_id = ? AND purged_at IS NULL", rsvpID, eventID).Take(&r).Error
	if err != nil {
		return nil, notFound(err, "RSVP")
	}
	return &r, nil
}

// PurgeRSVPs erases name, email and manage token of RSVPs to events that
// ended before cutoff, keeping status and guests so that counts stay.
func (s *Store) PurgeRSVPs(ctx context.Context, cutoff time.Time) (int64, error) {
	t := s.Now()
	res := s.db.WithContext(ctx).Exec(`UPDATE rsvps SET name = '', email = NULL, manage_token_hash = NULL, purged_at = ?, updated_at = ?
		WHERE purged_at IS NULL AND event_id IN (SELECT id FROM events WHERE ends_at < ?)`, t, t, cutoff)
	return res.RowsAffected, res.Error
}

// HitRateLimit counts a hit on key in the window starting at windowStart with
// one atomic upsert, so that every instance sees the same count.
func (s *Store) HitRateLimit(ctx context.Context, key string, windowStart time.Time) (int, error) {
	var n int
	err := s.db.WithContext(ctx).Raw(`INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
		ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1 RETURNING count`, key, windowStart.UTC()).Scan(&n).Error
	return n, err
}

// PruneRateLimits deletes rate-limit windows that started before cutoff.
func (s *Store) PruneRateLimits(ctx context.Context, cutoff time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Exec("DELETE FROM rate_limits WHERE window_start < ?", cutoff.UTC())
	return res.RowsAffected, res.Error
}
