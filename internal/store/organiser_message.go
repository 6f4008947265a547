package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

var _ turnout.OrganiserMailService = (*Store)(nil)

// organiserMessageRow is one logged organiser message.
type organiserMessageRow struct {
	ID         int64
	EventID    int64
	AccountID  *int64
	Subject    string
	Body       string
	Statuses   string
	Recipients int
	CreatedAt  time.Time
}

func (organiserMessageRow) TableName() string { return "organiser_messages" }

// SendOrganiserMessage logs the message and queues one email per recipient
// in one transaction.
func (s *Store) SendOrganiserMessage(ctx context.Context, eventID, accountID int64, in turnout.MessageInput) (int, error) {
	if err := in.Validate(); err != nil {
		return 0, err
	}
	n := 0
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		t := s.Now()
		var ids []int64
		// People who asked for no more mail are not counted: they get none.
		if err := tx.Model(&turnout.RSVP{}).Where("event_id = ? AND email IS NOT NULL AND purged_at IS NULL AND status IN ?", eventID, in.To).
			Where("NOT EXISTS (SELECT 1 FROM rsvp_mail m WHERE m.rsvp_id = rsvps.id AND m.unsubscribed_at IS NOT NULL)").
			Order("id").Pluck("id", &ids).Error; err != nil {
			return err
		}
		row := organiserMessageRow{EventID: eventID, AccountID: &accountID, Subject: in.Subject, Body: in.Body,
			Statuses: strings.Join(in.To, ","), Recipients: len(ids), CreatedAt: t}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		for _, id := range ids {
			if err := s.queueMail(tx, turnout.MailMessage, id, outboxPayload{Message: row.ID}, t); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// FindOrganiserMessages lists the event's messages with the sender's name, newest first.
func (s *Store) FindOrganiserMessages(ctx context.Context, eventID int64) ([]turnout.OrganiserMessage, error) {
	var out []turnout.OrganiserMessage
	err := s.db.WithContext(ctx).Raw(`SELECT m.id, m.event_id, COALESCE(a.display_name, '') AS sender, m.subject, m.body, m.statuses, m.recipients, m.created_at
		FROM organiser_messages m LEFT JOIN accounts a ON a.id = m.account_id WHERE m.event_id = ? ORDER BY m.id DESC LIMIT 100`, eventID).Scan(&out).Error
	return out, err
}

// organiserMessage loads a logged message for the worker.
func organiserMessage(db *gorm.DB, id int64) (*turnout.OrganiserMessage, error) {
	var m turnout.OrganiserMessage
	err := db.Raw(`SELECT id, event_id, subject, body, statuses, recipients, created_at FROM organiser_messages WHERE id = ?`, id).Scan(&m).Error
	return &m, err
}
