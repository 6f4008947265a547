package store

import (
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/turnout-org/turnout/internal/turnout"
)

var _ turnout.OutboxService = (*Store)(nil)
var _ turnout.MailService = (*Store)(nil)

// outboxRow is one message waiting in the outbox, for exactly one of an
// RSVP, an account or an invitation.
type outboxRow struct {
	ID           int64
	Kind         string
	RSVPID       *int64 `gorm:"column:rsvp_id"`
	AccountID    *int64
	InvitationID *int64
	Payload      string
	DueAt        time.Time
	LockedUntil  *time.Time
	Attempts     int
	LastError    string
	FailedAt     *time.Time
	CreatedAt    time.Time
	// Revision counts the edits that pushed a change alert back.
	Revision int
}

func (outboxRow) TableName() string { return "outbox" }

// outboxPayload is what a message carries beyond its RSVP and event.
type outboxPayload struct {
	Token  string              `json:"token,omitempty"`
	Before *turnout.EventPlace `json:"before,omitempty"`
	// Message is the id of an organiser message.
	Message int64 `json:"message,omitempty"`
	// Confirm is the token of the link that confirms a required email.
	Confirm string `json:"confirm,omitempty"`
}

// queueAccountMail adds a message to an organiser's account to the outbox
// inside tx, due now.
func (s *Store) queueAccountMail(tx *gorm.DB, kind string, accountID int64, p outboxPayload, t time.Time) error {
	if !s.mailOn {
		return nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return tx.Create(&outboxRow{Kind: kind, AccountID: &accountID, Payload: string(b), DueAt: t, CreatedAt: t}).Error
}

// rsvpMailRow is the mail state of one RSVP.
type rsvpMailRow struct {
	RSVPID           int64 `gorm:"column:rsvp_id;primaryKey"`
	UnsubscribeToken string
	UnsubscribedAt   *time.Time
}

func (rsvpMailRow) TableName() string { return "rsvp_mail" }

// SetMail turns queueing email on or off. Off (the default), no change puts
// anything in the outbox, since nothing would ever send it.
func (s *Store) SetMail(on bool) { s.mailOn = on }

// queueMail adds a message for RSVP rsvpID to the outbox inside tx, due at due.
func (s *Store) queueMail(tx *gorm.DB, kind string, rsvpID int64, p outboxPayload, due time.Time) error {
	if !s.mailOn {
		return nil
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return tx.Create(&outboxRow{Kind: kind, RSVPID: &rsvpID, Payload: string(b), DueAt: due, CreatedAt: s.Now()}).Error
}

// mailRecipients are the RSVPs of an event that hear about changes: going,
// maybe or waitlisted, with an email, not erased.
func mailRecipients(tx *gorm.DB, eventID int64) ([]int64, error) {
	var ids []int64
	err := tx.Model(&turnout.RSVP{}).Where("event_id = ? AND email IS NOT NULL AND purged_at IS NULL AND status IN ?",
		eventID, []string{turnout.RSVPGoing, turnout.RSVPMaybe, turnout.RSVPWaitlisted}).Order("id").Pluck("id", &ids).Error
	return ids, err
}

// enqueueChange queues a change alert to every recipient of the event. A
// pending alert to the same RSVP is pushed back instead, keeping what the
// supporter last heard (before), so that several edits make one message;
// its revision rises, so that a worker sending it at this moment knows that
// an edit came after what it read (MailSent).
func (s *Store) enqueueChange(tx *gorm.DB, eventID int64, before turnout.EventPlace, t time.Time) error {
	if !s.mailOn {
		return nil
	}
	ids, err := mailRecipients(tx, eventID)
	if err != nil || len(ids) == 0 {
		return err
	}
	b, err := json.Marshal(outboxPayload{Before: &before})
	if err != nil {
		return err
	}
	due := t.Add(turnout.ChangeAlertDelay)
	rows := make([]outboxRow, len(ids))
	for i := range ids {
		rows[i] = outboxRow{Kind: turnout.MailChange, RSVPID: &ids[i], Payload: string(b), DueAt: due, CreatedAt: t}
	}
	return tx.Clauses(clause.OnConflict{
		Columns:     []clause.Column{{Name: "rsvp_id"}},
		TargetWhere: clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "kind = 'change'"}}},
		DoUpdates:   clause.Assignments(map[string]any{"due_at": due, "revision": gorm.Expr("outbox.revision + 1")}),
	}).CreateInBatches(rows, 200).Error
}

// enqueueCancel queues a cancellation notice to every recipient of the
// event and drops their pending change alerts, which it replaces.
func (s *Store) enqueueCancel(tx *gorm.DB, eventID int64, t time.Time) error {
	if !s.mailOn {
		return nil
	}
	ids, err := mailRecipients(tx, eventID)
	if err != nil || len(ids) == 0 {
		return err
	}
	if err := tx.Where("kind = ? AND rsvp_id IN ? AND locked_until IS NULL", turnout.MailChange, ids).Delete(&outboxRow{}).Error; err != nil {
		return err
	}
	rows := make([]outboxRow, len(ids))
	for i := range ids {
		rows[i] = outboxRow{Kind: turnout.MailCancel, RSVPID: &ids[i], DueAt: t, CreatedAt: t}
	}
	return tx.CreateInBatches(rows, 200).Error
}

// unsubscribeToken returns the RSVP's unsubscribe token, making one the
// first time.
func unsubscribeToken(tx *gorm.DB, rsvpID int64) (string, error) {
	var m rsvpMailRow
	err := tx.Take(&m, "rsvp_id = ?", rsvpID).Error
	if err == nil {
		return m.UnsubscribeToken, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return "", err
	}
	m = rsvpMailRow{RSVPID: rsvpID, UnsubscribeToken: turnout.NewToken()}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&m).Error; err != nil {
		return "", err
	}
	err = tx.Take(&m, "rsvp_id = ?", rsvpID).Error
	return m.UnsubscribeToken, err
}
