package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/turnout-org/turnout/internal/turnout"
)

var _ turnout.RSVPService = (*Store)(nil)

// errDuplicateEmail is the answer to a second RSVP with the same email. It
// never reveals or reissues the first RSVP's manage link.
var errDuplicateEmail = turnout.Errorf(turnout.ECONFLICT,
	"Someone already RSVPed to this event with that email address. To change that RSVP, use the private manage link from its confirmation page.")

// lockEvent loads an event inside tx and, on Postgres, locks its row until the
// transaction ends, so that the RSVP changes of one event run one at a time
// and waitlist order is the order in which they commit. SQLite transactions
// already run one at a time (BEGIN IMMEDIATE, see parseURL).
func (s *Store) lockEvent(tx *gorm.DB, id int64) (*turnout.Event, error) {
	q := tx
	if s.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var e turnout.Event
	if err := q.Take(&e, id).Error; err != nil {
		return nil, notFound(err, "Event")
	}
	return &e, nil
}

// addGoing adds n people (n may be negative) to the event's going count with
// one atomic conditional update that succeeds only if they fit within
// capacity, and bumps the event's scope version when they did. It reports
// whether they did.
func addGoing(tx *gorm.DB, e *turnout.Event, n int) (bool, error) {
	if n == 0 {
		return true, nil
	}
	const update = `UPDATE events SET going_count = going_count + ?
		WHERE id = ? AND going_count + ? >= 0 AND (capacity IS NULL OR going_count + ? <= capacity)`
	if tx.Dialector.Name() == Postgres {
		// The event page and its JSON show the count: the same round trip
		// moves the event's own version, and only it (see scope.go).
		res := tx.Exec(`WITH moved AS (`+update+` RETURNING id)
			INSERT INTO feed_versions (scope, version, updated_at) SELECT 'event:' || id, 1, ? FROM moved
			ON CONFLICT (scope) DO UPDATE SET version = feed_versions.version + 1, updated_at = excluded.updated_at`,
			n, e.ID, n, n, now())
		if res.Error != nil || res.RowsAffected == 0 {
			return false, res.Error
		}
		e.GoingCount += n
		return true, countBumped(tx, e.ID)
	}
	res := tx.Exec(update, n, e.ID, n, n)
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	e.GoingCount += n
	return true, bumpCountScope(tx, e.ID)
}

// promoteWaitlist moves waitlisted RSVPs of the event that fit whole into
// the free going places, first come first served (by queue order), and
// returns how many people it promoted and the ids of the promoted RSVPs that
// have an email. Call it in the transaction that freed places (a
// cancellation, fewer guests, a larger or removed capacity) after the event
// row is locked (lockEvent, or an UPDATE of the row on Postgres), and bump the
// feed versions in that transaction when the going count changed, as
// UpdateEvent does anyway. It reads capacity and going count afresh from tx.
func promoteWaitlist(ctx context.Context, tx *gorm.DB, eventID int64, t time.Time) (int, []int64, error) {
	var mailed []int64
	promoted, err := promoteEach(ctx, tx, eventID, t, func(r *turnout.RSVP) {
		if r.Email != nil {
			mailed = append(mailed, r.ID)
		}
	})
	return promoted, mailed, err
}

// promoteEach is the loop of promoteWaitlist, calling done for each RSVP it promotes.
func promoteEach(ctx context.Context, tx *gorm.DB, eventID int64, t time.Time, done func(*turnout.RSVP)) (int, error) {
	tx = tx.WithContext(ctx)
	var e turnout.Event
	if err := tx.Select("id", "group_id", "capacity", "going_count").Take(&e, eventID).Error; err != nil {
		return 0, notFound(err, "Event")
	}
	promoted := 0
	for {
		q := tx.Where("event_id = ? AND status = ?", e.ID, turnout.RSVPWaitlisted)
		if e.Capacity != nil {
			free := *e.Capacity - e.GoingCount
			if free < 1 {
				break
			}
			q = q.Where("guests + 1 <= ?", free)
		}
		var next turnout.RSVP
		err := q.Order(waitlistOrder).Take(&next).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			break
		} else if err != nil {
			return promoted, err
		}
		ok, err := addGoing(tx, &e, next.People())
		if err != nil {
			return promoted, err
		}
		if !ok {
			break // cannot happen while the event row is locked
		}
		if err := tx.Model(&next).Updates(map[string]any{"status": turnout.RSVPGoing, "updated_at": t}).Error; err != nil {
			return promoted, err
		}
		promoted += next.People()
		done(&next)
	}
	return promoted, nil
}

// CreateRSVP records an RSVP: "going" when the whole party fits, else waitlisted.
func (s *Store) CreateRSVP(ctx context.Context, eventID int64, in turnout.RSVPInput) (*turnout.RSVP, string, error) {
	token := turnout.NewToken()
	hash := turnout.HashToken(token)
	var r *turnout.RSVP
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		e, err := s.lockEvent(tx, eventID)
		if err != nil {
			return err
		}
		t := s.Now()
		if open, why := e.RSVPOpen(t); !open {
			return turnout.Errorf(turnout.ECONFLICT, "%s", why)
		}
		if err := in.Validate(e); err != nil {
			return err
		}
		if in.Email != "" {
			dup, err := s.duplicateRSVP(tx, e, in, t)
			if err != nil || dup != nil {
				r, token = dup, ""
				return err
			}
		}
		r = &turnout.RSVP{EventID: e.ID, Name: in.Name, Status: in.Status, Guests: in.Guests,
			ManageTokenHash: &hash, CreatedAt: t, UpdatedAt: t, Language: in.Language}
		var confirm string
		if in.Email != "" {
			r.Email = &in.Email
			confirm = s.askConfirmation(e, r, t)
		}
		if r.Status == turnout.RSVPGoing {
			ok, err := addGoing(tx, e, r.People())
			if err != nil {
				return err
			}
			if !ok {
				r.Status = turnout.RSVPWaitlisted
			}
		}
		if err := tx.Create(r).Error; err != nil {
			if isUniqueViolation(err) {
				return errDuplicateEmail
			}
			return err
		}
		if r.Status == turnout.RSVPWaitlisted {
			if err := enqueue(tx, r); err != nil {
				return err
			}
		}
		if err := s.fillPosition(tx, r); err != nil {
			return err
		}
		if r.Email == nil {
			return nil
		}
		return s.queueMail(tx, turnout.MailConfirmation, r.ID, outboxPayload{Token: token, Confirm: confirm}, t)
	})
	if err != nil {
		return nil, "", err
	}
	return r, token, nil
}

// duplicateRSVP handles an RSVP whose email already answered the event: it
// records nothing, queues the existing RSVP's owner a fresh manage link, and
// returns the outcome a new RSVP would have had, so that the answer does not
// tell the sender whether the address was known. It returns nil when the
// email is new.
func (s *Store) duplicateRSVP(tx *gorm.DB, e *turnout.Event, in turnout.RSVPInput, t time.Time) (*turnout.RSVP, error) {
	var owner turnout.RSVP
	err := tx.Where("event_id = ? AND email = ?", e.ID, in.Email).Take(&owner).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if err := s.reissueLink(tx, &owner, t); err != nil {
		return nil, err
	}
	r := &turnout.RSVP{EventID: e.ID, Name: in.Name, Status: in.Status, Guests: in.Guests, CreatedAt: t, UpdatedAt: t}
	if r.Status == turnout.RSVPGoing {
		if left := e.SpotsLeft(); left != nil && *left < r.People() {
			r.Status = turnout.RSVPWaitlisted
			var n int64
			if err := tx.Model(&turnout.RSVP{}).Where("event_id = ? AND status = ?", e.ID, turnout.RSVPWaitlisted).Count(&n).Error; err != nil {
				return nil, err
			}
			r.Position = int(n) + 1
		}
	}
	return r, nil
}

// reissueLink gives r a fresh manage token (the old link stops working) and
// queues it by email. Without email there is no way to deliver it, so the
// link stays as it is. An RSVP still waiting for its email to be confirmed
// gets a fresh confirmation link in the same message: the mail reaches the
// same mailbox, so following it confirms as well.
func (s *Store) reissueLink(tx *gorm.DB, r *turnout.RSVP, t time.Time) error {
	if !s.mailOn || r.Email == nil || r.PurgedAt != nil {
		return nil
	}
	token := turnout.NewToken()
	set := map[string]any{"manage_token_hash": turnout.HashToken(token)}
	var confirm string
	if r.Unconfirmed() {
		confirm = turnout.NewToken()
		set["confirm_token_hash"] = turnout.HashToken(confirm)
	}
	if err := tx.Model(r).Updates(set).Error; err != nil {
		return err
	}
	return s.queueMail(tx, turnout.MailLink, r.ID, outboxPayload{Token: token, Confirm: confirm}, t)
}

// askConfirmation marks a new RSVP with an email to an event that requires
// email as unconfirmed, to be released after the event's hours to confirm,
// and returns the confirmation token its email carries. With email off
// nothing could ever confirm it, so nothing is asked.
func (s *Store) askConfirmation(e *turnout.Event, r *turnout.RSVP, t time.Time) string {
	if !s.mailOn || !e.RequireEmail {
		return ""
	}
	token := turnout.NewToken()
	hash := turnout.HashToken(token)
	by := t.Add(time.Duration(e.EmailConfirmHours) * time.Hour)
	r.ConfirmBy, r.ConfirmTokenHash = &by, &hash
	return token
}

// SendManageLink gives the RSVP with this email at the event a fresh manage
// token and queues it by email. It answers nil whether or not there is one.
func (s *Store) SendManageLink(ctx context.Context, eventID int64, email string) error {
	norm, ok := turnout.NormalizeEmail(strings.TrimSpace(email))
	if !ok {
		return nil
	}
	return s.transaction(ctx, func(tx *gorm.DB) error {
		var r turnout.RSVP
		err := tx.Where("event_id = ? AND email = ? AND purged_at IS NULL", eventID, norm).Take(&r).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		return s.reissueLink(tx, &r, s.Now())
	})
}

// enqueue puts the waitlisted RSVP r at the end of its event's waitlist by
// giving it a queue order after every other waitlisted RSVP's. Call it with
// the event locked (lockEvent), so that no two RSVPs draw the same order.
func enqueue(tx *gorm.DB, r *turnout.RSVP) error {
	return tx.Exec(`UPDATE rsvps SET queue_order = (SELECT COALESCE(MAX(w.queue_order), 0) + 1 FROM rsvps w
		WHERE w.event_id = ? AND w.status = ? AND w.id <> ?) WHERE id = ?`, r.EventID, turnout.RSVPWaitlisted, r.ID, r.ID).Error
}

// waitlistOrder orders waitlisted RSVPs first come first served.
const waitlistOrder = "queue_order, id"

// fillPosition sets the waitlist position of a waitlisted RSVP.
func (s *Store) fillPosition(tx *gorm.DB, r *turnout.RSVP) error {
	r.Position = 0
	if r.Status != turnout.RSVPWaitlisted {
		return nil
	}
	var n int64
	err := tx.Raw(`SELECT COUNT(*) FROM rsvps w, rsvps r WHERE r.id = ? AND w.event_id = r.event_id AND w.status = ?
		AND (w.queue_order < r.queue_order OR (w.queue_order = r.queue_order AND w.id <= r.id))`, r.ID, turnout.RSVPWaitlisted).Scan(&n).Error
	r.Position = int(n)
	return err
}

// validToken rejects strings that cannot be a manage token before hashing.
func validToken(token string) bool {
	if len(token) < 22 || len(token) > 100 {
		return false
	}
	for _, c := range token {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

var errNoRSVP = turnout.Errorf(turnout.ENOTFOUND, "We could not find that RSVP. The link may be mistyped, or the RSVP was cancelled or erased.")

// rsvpByToken finds the RSVP of a manage token in db.
func rsvpByToken(db *gorm.DB, token string) (*turnout.RSVP, error) {
	return rsvpByTokenHash(db, "manage_token_hash", token, errNoRSVP)
}

// rsvpByTokenHash finds the RSVP whose column holds the hash of token, or
// answers missing for a token that cannot be one or matches nothing.
func rsvpByTokenHash(db *gorm.DB, column, token string, missing error) (*turnout.RSVP, error) {
	if !validToken(token) {
		return nil, missing
	}
	var r turnout.RSVP
	err := db.Where(column+" = ? AND purged_at IS NULL", turnout.HashToken(token)).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, missing
	}
	return &r, err
}

// FindRSVPByToken returns the RSVP of a manage token with its waitlist
// position, and its event with the group.
func (s *Store) FindRSVPByToken(ctx context.Context, token string) (*turnout.RSVP, *turnout.Event, error) {
	return s.rsvpWithEvent(ctx, token, rsvpByToken)
}

// rsvpWithEvent finds the RSVP of token with find, with its waitlist
// position, and its event with the group.
func (s *Store) rsvpWithEvent(ctx context.Context, token string, find func(*gorm.DB, string) (*turnout.RSVP, error)) (*turnout.RSVP, *turnout.Event, error) {
	db := s.db.WithContext(ctx)
	r, err := find(db, token)
	if err != nil {
		return nil, nil, err
	}
	if err := s.fillPosition(db, r); err != nil {
		return nil, nil, err
	}
	var e turnout.Event
	if err := db.Take(&e, r.EventID).Error; err != nil {
		return nil, nil, notFound(err, "Event")
	}
	if err := s.attachGroups(ctx, []*turnout.Event{&e}); err != nil {
		return nil, nil, err
	}
	return r, &e, nil
}

// lockedRSVP finds the RSVP of token and locks its event inside tx, then
// reads the RSVP again so that it is current under the lock.
func (s *Store) lockedRSVP(tx *gorm.DB, token string) (*turnout.RSVP, *turnout.Event, error) {
	r, err := rsvpByToken(tx, token)
	if err != nil {
		return nil, nil, err
	}
	e, err := s.lockEvent(tx, r.EventID)
	if err != nil {
		return nil, nil, err
	}
	if r, err = rsvpByToken(tx, token); err != nil {
		return nil, nil, err
	}
	return r, e, nil
}

// CancelRSVP deletes the RSVP of token; its going places go to the waitlist.
func (s *Store) CancelRSVP(ctx context.Context, token string) error {
	return s.transaction(ctx, func(tx *gorm.DB) error {
		r, e, err := s.lockedRSVP(tx, token)
		if err != nil {
			return err
		}
		t := s.Now()
		if err := tx.Delete(r).Error; err != nil {
			return err
		}
		if r.Status == turnout.RSVPGoing {
			if _, err := addGoing(tx, e, -r.People()); err != nil {
				return err
			}
		}
		return s.settle(ctx, tx, e, t)
	})
}

// settle promotes the waitlist into any free places. Feed versions do not
// move: feeds show no counts, and leaving them alone keeps RSVPs to different
// events from queueing on the site-wide version row.
func (s *Store) settle(ctx context.Context, tx *gorm.DB, e *turnout.Event, t time.Time) error {
	n, err := s.promoteAndTell(ctx, tx, e.ID, t)
	if err != nil {
		return err
	}
	e.GoingCount += n
	return nil
}

// promoteAndTell is promoteWaitlist that also queues "You have a place" to
// each promoted RSVP with an email.
func (s *Store) promoteAndTell(ctx context.Context, tx *gorm.DB, eventID int64, t time.Time) (int, error) {
	n, ids, err := promoteWaitlist(ctx, tx, eventID, t)
	if err != nil {
		return n, err
	}
	for _, id := range ids {
		if err := s.queueMail(tx, turnout.MailPromotion, id, outboxPayload{}, t); err != nil {
			return n, err
		}
	}
	return n, nil
}

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
	err := s.transaction(ctx, func(tx *gorm.DB) error {
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

// PurgeRSVPs erases name, email and manage token of RSVPs to events that
// ended before cutoff, keeping status and guests so that counts stay.
func (s *Store) PurgeRSVPs(ctx context.Context, cutoff time.Time) (int64, error) {
	t := s.Now()
	var n int64
	err := s.transaction(ctx, func(tx *gorm.DB) error {
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
