package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/turnout-org/turnout/internal/turnout"
)

// Required email is confirmed: an RSVP to an event that requires email
// holds its place unconfirmed until its confirmation link is followed, and
// is released (deleted, its places going to the waitlist) when its time to
// confirm runs out.

var errBadConfirm = turnout.Errorf(turnout.ENOTFOUND, "This confirmation link does not work. It may be mistyped, or the RSVP was cancelled, or released because it was not confirmed in time. You can RSVP again from the event page.")

// rsvpByConfirmToken finds the RSVP of a confirmation token in db.
func rsvpByConfirmToken(db *gorm.DB, token string) (*turnout.RSVP, error) {
	return rsvpByTokenHash(db, "confirm_token_hash", token, errBadConfirm)
}

// FindRSVPConfirmation returns the RSVP of a confirmation token, confirmed
// or not, and its event with the group.
func (s *Store) FindRSVPConfirmation(ctx context.Context, token string) (*turnout.RSVP, *turnout.Event, error) {
	return s.rsvpWithEvent(ctx, token, rsvpByConfirmToken)
}

// ConfirmRSVP confirms the email of the RSVP of a confirmation token: it is
// no longer released. Confirming again changes nothing. The link keeps
// working (it shows that the RSVP is confirmed) until the RSVP goes.
func (s *Store) ConfirmRSVP(ctx context.Context, token string) (*turnout.RSVP, *turnout.Event, error) {
	db := s.db.WithContext(ctx)
	r, err := rsvpByConfirmToken(db, token)
	if err != nil {
		return nil, nil, err
	}
	if r.Unconfirmed() {
		if err := db.Model(&turnout.RSVP{}).Where("id = ?", r.ID).Update("confirm_by", nil).Error; err != nil {
			return nil, nil, err
		}
	}
	return s.FindRSVPConfirmation(ctx, token)
}

// releaseBatch bounds the RSVPs one ReleaseUnconfirmed call looks at.
const releaseBatch = 200

// ReleaseUnconfirmed deletes the RSVPs whose time to confirm their email
// ended by now, of events that have not started and are not cancelled (an
// RSVP checked in at the door stays, confirmed or not), promoting each
// event's waitlist into the places they held
// (and queueing "You have a place" to the promoted), one RSVP per
// transaction under its event's lock. Several instances may run it at once:
// each RSVP is read again under the lock, so it is released once, and one
// confirmed in the meantime is kept. It returns how many it released.
func (s *Store) ReleaseUnconfirmed(ctx context.Context, now time.Time) (int, error) {
	var due []struct{ ID, EventID int64 }
	err := s.db.WithContext(ctx).Raw(`SELECT r.id, r.event_id FROM rsvps r JOIN events e ON e.id = r.event_id
		WHERE r.confirm_by IS NOT NULL AND r.confirm_by <= ? AND r.checked_in_at IS NULL AND e.starts_at > ? AND e.status <> ?
		ORDER BY r.confirm_by, r.id LIMIT ?`, now.UTC(), now.UTC(), turnout.StatusCancelled, releaseBatch).Scan(&due).Error
	if err != nil {
		return 0, err
	}
	released := 0
	for _, d := range due {
		err := s.transaction(ctx, func(tx *gorm.DB) error {
			e, err := s.lockEvent(tx, d.EventID)
			if err != nil {
				return err
			}
			if !e.StartsAt.After(now) || e.Status == turnout.StatusCancelled {
				return nil // started or cancelled meanwhile: nothing to free
			}
			var r turnout.RSVP
			q := tx
			if s.dialect == Postgres {
				q = q.Clauses(clause.Locking{Strength: "UPDATE"})
			}
			err = q.Where("id = ? AND confirm_by IS NOT NULL AND confirm_by <= ? AND checked_in_at IS NULL", d.ID, now.UTC()).Take(&r).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return nil // confirmed, checked in, cancelled or released meanwhile
			} else if err != nil {
				return err
			}
			if err := tx.Delete(&r).Error; err != nil {
				return err
			}
			if r.Status == turnout.RSVPGoing {
				if _, err := addGoing(tx, e, -r.People()); err != nil {
					return err
				}
			}
			released++
			return s.settle(ctx, tx, e, s.Now())
		})
		if err != nil {
			return released, err
		}
	}
	return released, nil
}
