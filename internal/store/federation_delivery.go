package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/turnout-org/turnout/internal/turnout"
)

// announceLock is the transaction-level advisory lock under which one
// Postgres instance at a time works out what followers are owed.
const announceLock = 7_231_004

// Announce queues what followers are owed, up to limit announcements: a
// Create for a published, not yet ended event never announced (or deleted
// since), an Update when its SEQUENCE or status moved on from what was
// announced, a Delete when an announced event is gone or no longer public.
// Each announcement is recorded with its deliveries in one transaction, so a
// crash can neither lose it nor queue it twice.
func (s *Store) Announce(ctx context.Context, now time.Time, limit int, render func(*turnout.Announcement) ([]byte, error)) (int, error) {
	var n int
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if s.dialect == Postgres {
			var got bool
			if err := tx.Raw("SELECT pg_try_advisory_xact_lock(?)", announceLock).Scan(&got).Error; err != nil || !got {
				return err // another instance is announcing
			}
		}
		owed, err := owedAnnouncements(tx, now, limit)
		if err != nil {
			return err
		}
		for _, a := range owed {
			if err := s.announce(tx, a, render); err != nil {
				return err
			}
		}
		n = len(owed)
		return nil
	})
	return n, err
}

// owedAnnouncements finds the changes followers have not been told of.
func owedAnnouncements(tx *gorm.DB, now time.Time, limit int) ([]*turnout.Announcement, error) {
	var events []*turnout.Event
	err := notEndedBy(tx.Table("events"), now).Select("events.*").
		Joins("LEFT JOIN ap_announced a ON a.event_id = events.id").
		Where("events.group_id NOT IN (SELECT group_id FROM ap_groups_off)").
		Where(`(events.status = ? AND (a.event_id IS NULL OR a.deleted))
			OR (events.status IN ? AND NOT a.deleted AND (a.sequence <> events.sequence OR a.status <> events.status))`,
			turnout.StatusPublished, []string{turnout.StatusPublished, turnout.StatusCancelled}).
		Order("events.id").Limit(limit).Find(&events).Error
	if err != nil {
		return nil, err
	}
	var announced []int64
	if len(events) > 0 {
		ids := make([]int64, len(events))
		for i, e := range events {
			ids[i] = e.ID
		}
		if err := tx.Raw("SELECT event_id FROM ap_announced WHERE NOT deleted AND event_id IN ?", ids).Scan(&announced).Error; err != nil {
			return nil, err
		}
	}
	live := make(map[int64]bool, len(announced))
	for _, id := range announced {
		live[id] = true
	}
	owed := make([]*turnout.Announcement, 0, len(events))
	for _, e := range events {
		kind := turnout.ActivityCreate
		if live[e.ID] {
			kind = turnout.ActivityUpdate
		}
		owed = append(owed, &turnout.Announcement{Kind: kind, EventID: e.ID, GroupID: e.GroupID, EventUID: e.UID, Event: e})
	}
	if len(owed) >= limit {
		return owed, nil
	}
	var gone []apAnnouncedRow
	err = tx.Table("ap_announced a").Select("a.*").
		Joins("LEFT JOIN events e ON e.id = a.event_id").
		Where("NOT a.deleted AND (e.id IS NULL OR e.status NOT IN ?)", []string{turnout.StatusPublished, turnout.StatusCancelled}).
		Where("a.group_id NOT IN (SELECT group_id FROM ap_groups_off)").
		Order("a.event_id").Limit(limit - len(owed)).Find(&gone).Error
	if err != nil {
		return nil, err
	}
	for _, g := range gone {
		owed = append(owed, &turnout.Announcement{Kind: turnout.ActivityDelete, EventID: g.EventID, GroupID: g.GroupID, EventUID: g.EventUID})
	}
	return owed, attachAnnouncedGroups(tx, owed)
}

// attachAnnouncedGroups loads the group of each announcement, within tx.
func attachAnnouncedGroups(tx *gorm.DB, owed []*turnout.Announcement) error {
	ids := make([]int64, 0, len(owed))
	for _, a := range owed {
		ids = append(ids, a.GroupID)
	}
	if len(ids) == 0 {
		return nil
	}
	var groups []*turnout.Group
	if err := tx.Where("id IN ?", ids).Find(&groups).Error; err != nil {
		return err
	}
	byID := make(map[int64]*turnout.Group, len(groups))
	for _, g := range groups {
		byID[g.ID] = g
	}
	for _, a := range owed {
		a.Group = byID[a.GroupID]
		if a.Event != nil {
			a.Event.Group = a.Group
		}
	}
	return nil
}

// announce records a and queues its body to each inbox of the group's
// followers, once per server that offers a shared inbox.
func (s *Store) announce(tx *gorm.DB, a *turnout.Announcement, render func(*turnout.Announcement) ([]byte, error)) error {
	t := s.Now()
	row := apAnnouncedRow{EventID: a.EventID, GroupID: a.GroupID, EventUID: a.EventUID, Deleted: a.Event == nil, UpdatedAt: t}
	if a.Event != nil {
		row.Sequence, row.Status = a.Event.Sequence, a.Event.Status
	} else if err := tx.Take(&row, "event_id = ?", a.EventID).Error; err != nil {
		return err
	} else {
		row.Deleted, row.UpdatedAt = true, t
	}
	if err := tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&row).Error; err != nil {
		return err
	}
	var inboxes []string
	err := tx.Raw(`SELECT DISTINCT CASE WHEN shared_inbox <> '' THEN shared_inbox ELSE inbox END
		FROM ap_followers WHERE group_id = ? ORDER BY 1`, a.GroupID).Scan(&inboxes).Error
	if err != nil || len(inboxes) == 0 {
		return err
	}
	body, err := render(a)
	if err != nil {
		return err
	}
	rows := make([]apDeliveryRow, len(inboxes))
	for i, inbox := range inboxes {
		rows[i] = apDeliveryRow{GroupID: a.GroupID, Inbox: inbox, Body: string(body), DueAt: t, CreatedAt: t}
	}
	return tx.CreateInBatches(rows, 500).Error
}

// QueueDelivery queues one delivery due at due.
func (s *Store) QueueDelivery(ctx context.Context, d *turnout.Delivery, due time.Time) error {
	row := apDeliveryRow{GroupID: d.GroupID, Inbox: d.Inbox, Body: string(d.Body), DueAt: due, CreatedAt: s.Now()}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return err
	}
	d.ID = row.ID
	return nil
}

// ClaimDeliveries takes up to limit due deliveries for lease; on Postgres
// FOR UPDATE SKIP LOCKED hands each to one instance.
func (s *Store) ClaimDeliveries(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*turnout.Delivery, error) {
	pick := `SELECT id FROM ap_deliveries WHERE failed_at IS NULL AND due_at <= ? AND (locked_until IS NULL OR locked_until < ?) ORDER BY due_at, id LIMIT ?`
	if s.dialect == Postgres {
		pick += ` FOR UPDATE SKIP LOCKED`
	}
	var rows []apDeliveryRow
	err := s.db.WithContext(ctx).Raw(`UPDATE ap_deliveries SET locked_until = ?, attempts = attempts + 1 WHERE id IN (`+pick+`)
		RETURNING id, group_id, inbox, body, attempts`, now.Add(lease), now, now, limit).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.GroupID
	}
	var groups []struct {
		ID   int64
		Slug string
	}
	if err := s.db.WithContext(ctx).Raw("SELECT id, slug FROM groups WHERE id IN ?", ids).Scan(&groups).Error; err != nil {
		return nil, err
	}
	slugs := make(map[int64]string, len(groups))
	for _, g := range groups {
		slugs[g.ID] = g.Slug
	}
	out := make([]*turnout.Delivery, len(rows))
	for i, r := range rows {
		out[i] = &turnout.Delivery{ID: r.ID, GroupID: r.GroupID, GroupSlug: slugs[r.GroupID], Inbox: r.Inbox, Body: []byte(r.Body), Attempts: r.Attempts}
	}
	return out, nil
}

// DeliverySent deletes a delivered activity.
func (s *Store) DeliverySent(ctx context.Context, id int64) error {
	return s.db.WithContext(ctx).Delete(&apDeliveryRow{}, id).Error
}

// DeliveryRetry releases a delivery to be tried again at at.
func (s *Store) DeliveryRetry(ctx context.Context, id int64, at time.Time, why string) error {
	return s.db.WithContext(ctx).Model(&apDeliveryRow{}).Where("id = ?", id).
		Updates(map[string]any{"due_at": at, "locked_until": nil, "last_error": clip(why)}).Error
}

// DeliveryFailed gives a delivery up, keeping the reason for operators.
func (s *Store) DeliveryFailed(ctx context.Context, id int64, why string) error {
	return s.db.WithContext(ctx).Model(&apDeliveryRow{}).Where("id = ?", id).
		Updates(map[string]any{"failed_at": s.Now(), "locked_until": nil, "last_error": clip(why)}).Error
}

// CountDeliveries counts deliveries waiting and given up.
func (s *Store) CountDeliveries(ctx context.Context) (waiting, failed int, err error) {
	var row struct{ Waiting, Failed int }
	err = s.db.WithContext(ctx).Raw(`SELECT COUNT(*) FILTER (WHERE failed_at IS NULL) AS waiting,
		COUNT(*) FILTER (WHERE failed_at IS NOT NULL) AS failed FROM ap_deliveries`).Scan(&row).Error
	return row.Waiting, row.Failed, err
}
