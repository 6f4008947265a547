package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

// The attendee list: what organisers see of an event's RSVPs, and check-in
// at the door.

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
	var list []*turnout.RSVP
	err := s.readTx(ctx, func(tx *gorm.DB) error {
		if err := rsvpSearch(tx, eventID, f.Query).Where("id > ?", f.AfterID).Order("id").Limit(f.Limit).Find(&list).Error; err != nil {
			return err
		}
		return fillPositions(tx, eventID, list)
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// fillPositions sets each waitlisted RSVP's place on the waitlist.
func fillPositions(tx *gorm.DB, eventID int64, list []*turnout.RSVP) error {
	var ids []int64
	for _, r := range list {
		if r.Status == turnout.RSVPWaitlisted {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var places []struct {
		ID       int64
		Position int
	}
	if err := tx.Raw(`SELECT id, position FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY `+waitlistOrder+`) AS position
		FROM rsvps WHERE event_id = ? AND status = ?) w WHERE id IN ?`, eventID, turnout.RSVPWaitlisted, ids).Scan(&places).Error; err != nil {
		return err
	}
	position := make(map[int64]int, len(places))
	for _, p := range places {
		position[p.ID] = p.Position
	}
	for _, r := range list {
		r.Position = position[r.ID]
	}
	return nil
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
