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
// the waitlist now goes to its end, keeping its id and created_at.
func saveRSVP(tx *gorm.DB, r *turnout.RSVP, requeue bool) error {
	if err := tx.Model(r).Select("name", "status", "guests", "updated_at").Updates(r).Error; err != nil {
		return err
	}
	if !requeue {
		return nil
	}
	return enqueue(tx, r)
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

// CountRSVPs counts all the event's RSVPs by status, and the RSVPs (erased
// ones left out) whose name or email contain every word of query.
func (s *Store) CountRSVPs(ctx context.Context, eventID int64, query string) (turnout.RSVPCounts, int, error) {
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
		return counts, 0, err
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
	var matched int64
	err = rsvpSearch(db.Model(&turnout.RSVP{}), eventID, query).Count(&matched).Error
	return counts, int(matched), err
}

// rsvpSearch narrows q to the event's RSVPs (erased ones left out) whose name
// or email contain every word of query.
func rsvpSearch(q *gorm.DB, eventID int64, query string) *gorm.DB {
	q = q.Where("event_id = ? AND purged_at IS NULL", eventID)
	for _, word := range strings.Fields(strings.ToLower(query)) {
		like := "%" + escapeLike(word) + "%"
		q = q.Where(`(lower(name) LIKE ? ESCAPE '\' OR lower(COALESCE(email, '')) LIKE ? ESCAPE '\')`, like, like)
	}
	return q
}

// FindRSVPs lists one page of the event's RSVPs (erased ones left out) in
// order of arrival, filtered by words in name or email, with the waitlist
// positions of the waitlisted ones among the whole waitlist.
func (s *Store) FindRSVPs(ctx context.Context, eventID int64, f turnout.RSVPFilter) ([]*turnout.RSVP, error) {
	if f.Limit < 1 || f.Limit > turnout.MaxRSVPPage {
		return nil, turnout.Errorf(turnout.EINVALID, "Ask for between 1 and %d RSVPs at once.", turnout.MaxRSVPPage)
	}
	db := s.db.WithContext(ctx)
	var list []*turnout.RSVP
	if err := rsvpSearch(db, eventID, f.Query).Where("id > ?", f.AfterID).Order("id").Limit(f.Limit).Find(&list).Error; err != nil {
		return nil, err
	}
	var ids []int64
	for _, r := range list {
		if r.Status == turnout.RSVPWaitlisted {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return list, nil
	}
	var places []struct {
		ID       int64
		Position int
	}
	if err := db.Raw(`SELECT id, position FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY `+waitlistOrder+`) AS position
		FROM rsvps WHERE event_id = ? AND status = ?) w WHERE id IN ?`, eventID, turnout.RSVPWaitlisted, ids).Scan(&places).Error; err != nil {
		return nil, err
	}
	position := make(map[int64]int, len(places))
	for _, p := range places {
		position[p.ID] = p.Position
	}
	for _, r := range list {
		r.Position = position[r.ID]
	}
	return list, nil
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
	var n int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Mail tied to those RSVPs (queued messages with their manage
		// tokens, unsubscribe tokens) goes with them.
		expired := "SELECT r.id FROM rsvps r JOIN events e ON e.id = r.event_id WHERE r.purged_at IS NULL AND e.ends_at < ?"
		if err := tx.Exec("DELETE FROM outbox WHERE rsvp_id IN ("+expired+")", cutoff).Error; err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM rsvp_mail WHERE rsvp_id IN ("+expired+")", cutoff).Error; err != nil {
			return err
		}
		res := tx.Exec(`UPDATE rsvps SET name = '', email = NULL, language = '', manage_token_hash = NULL, confirm_by = NULL, confirm_token_hash = NULL, purged_at = ?, updated_at = ?
		WHERE purged_at IS NULL AND event_id IN (SELECT id FROM events WHERE ends_at < ?)`, t, t, cutoff)
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}
