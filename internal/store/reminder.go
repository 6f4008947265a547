package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

// QueueReminders queues a reminder for each lead time to every RSVP going
// with an email to a published event that starts within that lead, once per
// RSVP and lead. RSVPs made inside the window (after start minus lead) get
// none: their confirmation is recent. Events with reminders off are left out.
// Instances may run it at the same time: reminders_sent decides who queues.
// It returns how many reminders it queued.
func (s *Store) QueueReminders(ctx context.Context, now time.Time, leads []time.Duration) (int, error) {
	if !s.mailOn {
		return 0, nil
	}
	queued := 0
	for _, lead := range leads {
		secs := int64(lead / time.Second)
		var due []struct {
			ID        int64
			CreatedAt time.Time
			StartsAt  time.Time
		}
		err := s.db.WithContext(ctx).Raw(`SELECT r.id, r.created_at, e.starts_at FROM rsvps r
			JOIN events e ON e.id = r.event_id
			LEFT JOIN reminders_sent rs ON rs.rsvp_id = r.id AND rs.lead_seconds = ?
			WHERE rs.rsvp_id IS NULL AND r.status = ? AND r.email IS NOT NULL AND r.purged_at IS NULL
			AND e.status = ? AND e.reminders_off = ? AND e.starts_at > ? AND e.starts_at <= ?
			ORDER BY r.id LIMIT 1000`,
			secs, turnout.RSVPGoing, turnout.StatusPublished, false, now.UTC(), now.Add(lead).UTC()).Scan(&due).Error
		if err != nil {
			return queued, err
		}
		for _, d := range due {
			if !d.CreatedAt.Before(d.StartsAt.Add(-lead)) {
				continue // RSVPed inside the window
			}
			err := s.transaction(ctx, func(tx *gorm.DB) error {
				res := tx.Exec("INSERT INTO reminders_sent (rsvp_id, lead_seconds) VALUES (?, ?) ON CONFLICT DO NOTHING", d.ID, secs)
				if res.Error != nil || res.RowsAffected == 0 {
					return res.Error
				}
				queued++
				return s.queueMail(tx, turnout.MailReminder, d.ID, outboxPayload{}, now)
			})
			if err != nil {
				return queued, err
			}
		}
	}
	return queued, nil
}
