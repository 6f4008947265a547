package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

// ClaimMail takes up to limit due messages for lease. On Postgres the rows
// are chosen FOR UPDATE SKIP LOCKED, so instances sharing the outbox never
// take the same message; the lease keeps it theirs until they report back
// (or, if the instance dies, until the lease ends and another one retries).
func (s *Store) ClaimMail(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*turnout.MailItem, error) {
	db := s.db.WithContext(ctx)
	pick := `SELECT id FROM outbox WHERE failed_at IS NULL AND due_at <= ? AND (locked_until IS NULL OR locked_until < ?) ORDER BY due_at, id LIMIT ?`
	if s.dialect == Postgres {
		pick += ` FOR UPDATE SKIP LOCKED`
	}
	var rows []outboxRow
	err := db.Raw(`UPDATE outbox SET locked_until = ?, attempts = attempts + 1 WHERE id IN (`+pick+`)
		RETURNING id, kind, rsvp_id, account_id, invitation_id, payload, attempts, revision`, now.Add(lease), now, now, limit).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	items := make([]*turnout.MailItem, 0, len(rows))
	for i := range rows {
		item, err := s.mailItem(ctx, &rows[i])
		if err != nil {
			return items, err
		}
		if item != nil {
			items = append(items, item)
		}
	}
	return items, nil
}

// mailItem loads what row needs to be sent, or deletes row and returns nil
// when its RSVP has no email any more (erased) or asked for no mail.
func (s *Store) mailItem(ctx context.Context, row *outboxRow) (*turnout.MailItem, error) {
	if row.RSVPID == nil {
		return s.organiserMailItem(ctx, row)
	}
	db := s.db.WithContext(ctx)
	var r turnout.RSVP
	err := db.Take(&r, *row.RSVPID).Error
	var m rsvpMailRow
	if err == nil {
		err = db.Take(&m, "rsvp_id = ?", *row.RSVPID).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			m.UnsubscribeToken, err = unsubscribeToken(db, *row.RSVPID)
		}
	}
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && (r.Email == nil || r.PurgedAt != nil || m.UnsubscribedAt != nil)) {
		return nil, db.Delete(&outboxRow{}, row.ID).Error
	} else if err != nil {
		return nil, err
	}
	var p outboxPayload
	if row.Payload != "" {
		if err := json.Unmarshal([]byte(row.Payload), &p); err != nil {
			return nil, err
		}
	}
	var note *turnout.OrganiserMessage
	if p.Message != 0 {
		if note, err = organiserMessage(db, p.Message); err != nil {
			return nil, err
		}
	}
	var e turnout.Event
	if err := db.Take(&e, r.EventID).Error; err != nil {
		return nil, notFound(err, "Event")
	}
	if row.Kind == turnout.MailChange && p.Before != nil && p.Before.Same(turnout.PlaceOf(&e)) {
		return nil, s.dropUnchanged(db, row)
	}
	if err := s.attachGroups(ctx, []*turnout.Event{&e}); err != nil {
		return nil, err
	}
	if err := s.fillPosition(db, &r); err != nil {
		return nil, err
	}
	return &turnout.MailItem{ID: row.ID, Kind: row.Kind, Attempts: row.Attempts, Revision: row.Revision, Token: p.Token, Confirm: p.Confirm, Before: p.Before,
		Note: note, Unsubscribe: m.UnsubscribeToken, RSVP: &r, Event: &e}, nil
}

// dropUnchanged deletes a change alert whose time and place are back to what
// the supporter last heard (an edit undone): it has nothing to say. An edit
// that came since the claim (a higher revision) keeps it, released for the
// next round.
func (s *Store) dropUnchanged(db *gorm.DB, row *outboxRow) error {
	res := db.Where("id = ? AND revision = ?", row.ID, row.Revision).Delete(&outboxRow{})
	if res.Error != nil || res.RowsAffected > 0 {
		return res.Error
	}
	return db.Model(&outboxRow{}).Where("id = ?", row.ID).Update("locked_until", nil).Error
}

// MailSent deletes a sent message and counts it, in one transaction. A
// change alert that an edit pushed back while it was being sent (its
// revision rose since the claim) is not deleted: it stays queued for the
// time that edit set, released, and remembers the time and place the
// message just sent told, so that the next alert says what changed since.
func (s *Store) MailSent(ctx context.Context, item *turnout.MailItem) error {
	return s.transaction(ctx, func(tx *gorm.DB) error {
		res := tx.Where("id = ? AND revision = ?", item.ID, item.Revision).Delete(&outboxRow{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 && item.Kind == turnout.MailChange && item.Event != nil {
			told := turnout.PlaceOf(item.Event)
			b, err := json.Marshal(outboxPayload{Before: &told})
			if err != nil {
				return err
			}
			if err := tx.Model(&outboxRow{}).Where("id = ?", item.ID).
				Updates(map[string]any{"payload": string(b), "locked_until": nil, "attempts": 0, "last_error": ""}).Error; err != nil {
				return err
			}
		}
		return countMail(tx, item.Kind, "sent")
	})
}

// MailRetry releases a message to be tried again at at.
func (s *Store) MailRetry(ctx context.Context, id int64, at time.Time, why string) error {
	return s.db.WithContext(ctx).Model(&outboxRow{}).Where("id = ?", id).
		Updates(map[string]any{"due_at": at, "locked_until": nil, "last_error": clip(why)}).Error
}

// MailFailed keeps a message to a supporter that cannot be delivered, with
// the reason, so that organisers see it; its payload (a manage token) is
// erased. Mail to organisers' accounts and invitations is deleted instead:
// nobody is shown those failures, and the payload holds a secret link.
func (s *Store) MailFailed(ctx context.Context, id int64, kind, why string) error {
	return s.transaction(ctx, func(tx *gorm.DB) error {
		res := tx.Where("id = ? AND rsvp_id IS NULL", id).Delete(&outboxRow{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected > 0 {
			return countMail(tx, kind, "failed")
		}
		if err := tx.Model(&outboxRow{}).Where("id = ?", id).
			Updates(map[string]any{"failed_at": s.Now(), "locked_until": nil, "last_error": clip(why), "payload": ""}).Error; err != nil {
			return err
		}
		return countMail(tx, kind, "failed")
	})
}

// countMail adds one to the sent or failed count of kind.
func countMail(tx *gorm.DB, kind, column string) error {
	return tx.Exec(`INSERT INTO mail_counts (kind, `+column+`) VALUES (?, 1)
		ON CONFLICT (kind) DO UPDATE SET `+column+` = mail_counts.`+column+` + 1`, kind).Error
}

// MailCounts returns how many messages of each kind were sent and failed.
func (s *Store) MailCounts(ctx context.Context) (sent, failed map[string]int64, err error) {
	var rows []struct {
		Kind         string
		Sent, Failed int64
	}
	if err := s.db.WithContext(ctx).Raw("SELECT kind, sent, failed FROM mail_counts").Scan(&rows).Error; err != nil {
		return nil, nil, err
	}
	sent, failed = map[string]int64{}, map[string]int64{}
	for _, r := range rows {
		sent[r.Kind], failed[r.Kind] = r.Sent, r.Failed
	}
	return sent, failed, nil
}

// PendingMail counts messages in the outbox that have not failed for good.
func (s *Store) PendingMail(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&outboxRow{}).Where("failed_at IS NULL").Count(&n).Error
	return n, err
}

// FindMailFailures lists the undeliverable messages of the event's RSVPs.
func (s *Store) FindMailFailures(ctx context.Context, eventID int64) ([]turnout.MailFailure, error) {
	var out []turnout.MailFailure
	err := s.db.WithContext(ctx).Raw(`SELECT o.rsvp_id, o.kind, o.last_error AS error, o.failed_at AS at FROM outbox o
		JOIN rsvps r ON r.id = o.rsvp_id WHERE r.event_id = ? AND o.failed_at IS NOT NULL ORDER BY o.id`, eventID).Scan(&out).Error
	return out, err
}

// Unsubscribe stops mail to the RSVP of token and drops its pending mail.
func (s *Store) Unsubscribe(ctx context.Context, token string) error {
	if !validToken(token) {
		return errNoUnsubscribe
	}
	return s.transaction(ctx, func(tx *gorm.DB) error {
		var m rsvpMailRow
		if err := tx.Take(&m, "unsubscribe_token = ?", token).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return errNoUnsubscribe
		} else if err != nil {
			return err
		}
		if m.UnsubscribedAt == nil {
			if err := tx.Model(&m).Update("unsubscribed_at", s.Now()).Error; err != nil {
				return err
			}
		}
		return tx.Where("rsvp_id = ? AND (locked_until IS NULL OR locked_until < ?)", m.RSVPID, s.Now()).Delete(&outboxRow{}).Error
	})
}

var errNoUnsubscribe = turnout.Errorf(turnout.ENOTFOUND, "We could not find that link. It may be mistyped, or the RSVP was cancelled or erased.")

// clip keeps an error message short enough to store and show.
func clip(s string) string {
	if len(s) > 500 {
		return s[:500]
	}
	return s
}
