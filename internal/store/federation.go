package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/turnout-org/turnout/internal/turnout"
)

var _ turnout.FederationService = (*Store)(nil)

type apKeyRow struct {
	Owner      string `gorm:"primaryKey"`
	PublicPEM  string `gorm:"column:public_pem"`
	SealedPriv string
	CreatedAt  time.Time
}

func (apKeyRow) TableName() string { return "ap_keys" }

type apFollowerRow struct {
	ID          int64
	GroupID     int64
	ActorID     string
	Inbox       string
	SharedInbox string
	Domain      string
	CreatedAt   time.Time
}

func (apFollowerRow) TableName() string { return "ap_followers" }

type apAnnouncedRow struct {
	EventID   int64 `gorm:"primaryKey;autoIncrement:false"`
	GroupID   int64
	EventUID  string `gorm:"column:event_uid"`
	Sequence  int
	Status    string
	Deleted   bool
	UpdatedAt time.Time
}

func (apAnnouncedRow) TableName() string { return "ap_announced" }

type apDeliveryRow struct {
	ID          int64
	GroupID     int64
	Inbox       string
	Body        string
	DueAt       time.Time
	LockedUntil *time.Time
	Attempts    int
	LastError   string
	FailedAt    *time.Time
	CreatedAt   time.Time
}

func (apDeliveryRow) TableName() string { return "ap_deliveries" }

// ActorKey returns owner's key, storing newKey's if it has none. Two
// instances racing to make the first key both end up with the one stored.
func (s *Store) ActorKey(ctx context.Context, owner string, newKey func() (*turnout.ActorKey, error)) (*turnout.ActorKey, error) {
	db := s.db.WithContext(ctx)
	var row apKeyRow
	err := db.Take(&row, "owner = ?", owner).Error
	if err == nil {
		return &turnout.ActorKey{PublicPEM: row.PublicPEM, SealedPriv: row.SealedPriv}, nil
	} else if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	k, err := newKey()
	if err != nil {
		return nil, err
	}
	row = apKeyRow{Owner: owner, PublicPEM: k.PublicPEM, SealedPriv: k.SealedPriv, CreatedAt: s.Now()}
	if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return nil, err
	}
	if err := db.Take(&row, "owner = ?", owner).Error; err != nil {
		return nil, err
	}
	return &turnout.ActorKey{PublicPEM: row.PublicPEM, SealedPriv: row.SealedPriv}, nil
}

// AddFollower records f or refreshes its inboxes.
func (s *Store) AddFollower(ctx context.Context, f *turnout.Follower) error {
	row := apFollowerRow{GroupID: f.GroupID, ActorID: f.ActorID, Inbox: f.Inbox, SharedInbox: f.SharedInbox,
		Domain: f.Domain, CreatedAt: s.Now()}
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "group_id"}, {Name: "actor_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"inbox", "shared_inbox", "domain"}),
	}).Create(&row).Error
}

// RemoveFollower stops actorID following the group.
func (s *Store) RemoveFollower(ctx context.Context, groupID int64, actorID string) error {
	return s.db.WithContext(ctx).Where("group_id = ? AND actor_id = ?", groupID, actorID).Delete(&apFollowerRow{}).Error
}

// FindFollowers lists a group's followers, oldest first.
func (s *Store) FindFollowers(ctx context.Context, groupID int64) ([]*turnout.Follower, error) {
	var rows []apFollowerRow
	if err := s.db.WithContext(ctx).Where("group_id = ?", groupID).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*turnout.Follower, len(rows))
	for i, r := range rows {
		out[i] = &turnout.Follower{ID: r.ID, GroupID: r.GroupID, ActorID: r.ActorID, Inbox: r.Inbox,
			SharedInbox: r.SharedInbox, Domain: r.Domain, CreatedAt: r.CreatedAt}
	}
	return out, nil
}

// CountFollowers counts a group's followers.
func (s *Store) CountFollowers(ctx context.Context, groupID int64) (int, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&apFollowerRow{}).Where("group_id = ?", groupID).Count(&n).Error
	return int(n), err
}

// BlockDomain blocks domain for the group and removes its followers there.
func (s *Store) BlockDomain(ctx context.Context, groupID int64, domain string) error {
	return s.transaction(ctx, func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO ap_blocks (group_id, domain, created_at) VALUES (?, ?, ?)
			ON CONFLICT (group_id, domain) DO NOTHING`, groupID, domain, s.Now()).Error; err != nil {
			return err
		}
		if err := tx.Where("group_id = ? AND inbox IN (SELECT inbox FROM ap_followers WHERE group_id = ? AND domain = ?)", groupID, groupID, domain).
			Where("failed_at IS NULL AND locked_until IS NULL").Delete(&apDeliveryRow{}).Error; err != nil {
			return err
		}
		return tx.Where("group_id = ? AND domain = ?", groupID, domain).Delete(&apFollowerRow{}).Error
	})
}

// UnblockDomain lifts a block.
func (s *Store) UnblockDomain(ctx context.Context, groupID int64, domain string) error {
	return s.db.WithContext(ctx).Exec("DELETE FROM ap_blocks WHERE group_id = ? AND domain = ?", groupID, domain).Error
}

// FindBlockedDomains lists a group's blocked domains in order.
func (s *Store) FindBlockedDomains(ctx context.Context, groupID int64) ([]string, error) {
	var out []string
	err := s.db.WithContext(ctx).Raw("SELECT domain FROM ap_blocks WHERE group_id = ? ORDER BY domain", groupID).Scan(&out).Error
	return out, err
}

// DomainBlocked reports whether domain is blocked for the group.
func (s *Store) DomainBlocked(ctx context.Context, groupID int64, domain string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw("SELECT COUNT(*) FROM ap_blocks WHERE group_id = ? AND domain = ?", groupID, domain).Scan(&n).Error
	return n > 0, err
}

// SetFederation turns a group's federation on or off.
func (s *Store) SetFederation(ctx context.Context, groupID int64, on bool) error {
	db := s.db.WithContext(ctx)
	if on {
		return db.Exec("DELETE FROM ap_groups_off WHERE group_id = ?", groupID).Error
	}
	return db.Exec("INSERT INTO ap_groups_off (group_id) VALUES (?) ON CONFLICT (group_id) DO NOTHING", groupID).Error
}

// FederationOn reports whether a group federates.
func (s *Store) FederationOn(ctx context.Context, groupID int64) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Raw("SELECT COUNT(*) FROM ap_groups_off WHERE group_id = ?", groupID).Scan(&n).Error
	return n == 0, err
}

// FindEventByUID returns a listed (published or cancelled) event by UID.
func (s *Store) FindEventByUID(ctx context.Context, uid string) (*turnout.Event, error) {
	var e turnout.Event
	if err := listed(s.db.WithContext(ctx)).Take(&e, "uid = ?", uid).Error; err != nil {
		return nil, notFound(err, "Event")
	}
	if err := s.attachGroups(ctx, []*turnout.Event{&e}); err != nil {
		return nil, err
	}
	if err := s.attachEventImages(ctx, []*turnout.Event{&e}); err != nil {
		return nil, err
	}
	return &e, nil
}
