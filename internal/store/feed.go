package store

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

var _ turnout.FeedService = (*Store)(nil)

// FindFeedEvents returns the listed events of a feed window (every event not
// yet ended plus those that ended within turnout.FeedWindow of q.Now), nearest
// first, with groups and articles loaded in one query each. Two keyset
// queries, upcoming by start and past by end, keep the cap on the nearest
// events whatever the size of the history.
func (s *Store) FindFeedEvents(ctx context.Context, q turnout.FeedQuery) ([]*turnout.Event, error) {
	limit := q.Limit
	if limit <= 0 || limit > turnout.MaxFeedEvents {
		limit = turnout.MaxFeedEvents
	}
	base := func() *gorm.DB {
		db := listed(s.db.WithContext(ctx).Model(&turnout.Event{}))
		if q.GroupID != 0 {
			db = db.Where("events.group_id = ?", q.GroupID)
		}
		if len(q.Kinds) > 0 {
			db = db.Where("events.kind IN ?", q.Kinds)
		}
		return db
	}
	var upcoming, past []*turnout.Event
	if err := notEndedBy(base(), q.Now).Order("events.starts_at, events.id").Limit(limit).Find(&upcoming).Error; err != nil {
		return nil, err
	}
	if len(upcoming) < limit {
		err := base().Where("events.ends_at <= ? AND events.ends_at > ?", q.Now, q.Now.Add(-turnout.FeedWindow)).
			Order("events.ends_at DESC, events.id").Limit(limit - len(upcoming)).Find(&past).Error
		if err != nil {
			return nil, err
		}
	}
	events := append(upcoming, past...)
	sort.SliceStable(events, func(i, j int) bool { return turnout.FeedRank(events[i], events[j], q.Now) })
	if err := s.attachGroups(ctx, events); err != nil {
		return nil, err
	}
	if err := s.attachArticles(ctx, events); err != nil {
		return nil, err
	}
	if err := s.attachEventImages(ctx, events); err != nil {
		return nil, err
	}
	return events, nil
}

// attachArticles loads the linked articles of events in one query.
func (s *Store) attachArticles(ctx context.Context, events []*turnout.Event) error {
	if len(events) == 0 {
		return nil
	}
	ids := make([]int64, len(events))
	byID := make(map[int64]*turnout.Event, len(events))
	for i, e := range events {
		ids[i] = e.ID
		byID[e.ID] = e
	}
	var rows []struct {
		turnout.Article
		EventID int64
	}
	err := s.db.WithContext(ctx).Table("articles").Select("*").
		Where("event_id IN ?", ids).Order("event_id, position").Scan(&rows).Error
	if err != nil {
		return err
	}
	for i := range rows {
		a := rows[i].Article
		if e := byID[rows[i].EventID]; e != nil {
			e.Articles = append(e.Articles, &a)
		}
	}
	return nil
}

// FindFeedVersion returns the version of a feed scope; a scope that has never
// changed has version 0.
func (s *Store) FindFeedVersion(ctx context.Context, scope string) (turnout.FeedVersion, error) {
	v := turnout.FeedVersion{Scope: scope}
	err := s.db.WithContext(ctx).Table("feed_versions").Select("version, updated_at").
		Where("scope = ?", scope).Take(&v).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return turnout.FeedVersion{Scope: scope}, nil
	}
	if err != nil {
		return turnout.FeedVersion{}, err
	}
	v.Scope, v.UpdatedAt = scope, v.UpdatedAt.UTC()
	return v, nil
}

// FindGroupFeedVersion returns a group and the version of its feed in one
// round trip: group feeds are polled hard, and a conditional poll needs
// nothing else from the database.
func (s *Store) FindGroupFeedVersion(ctx context.Context, slug string) (*turnout.Group, turnout.FeedVersion, error) {
	if !turnout.ValidSlug(slug) {
		return nil, turnout.FeedVersion{}, turnout.Errorf(turnout.ENOTFOUND, "Group not found.")
	}
	var row struct {
		turnout.Group
		Version     *int64
		VersionedAt *time.Time
	}
	err := s.db.WithContext(ctx).Table("groups").
		Select("groups.*, fv.version AS version, fv.updated_at AS versioned_at").
		Joins("LEFT JOIN feed_versions fv ON fv.scope = 'group:' || groups.id").
		Where("groups.slug = ?", slug).Take(&row).Error
	if err != nil {
		return nil, turnout.FeedVersion{}, notFound(err, "Group")
	}
	g := row.Group
	v := turnout.FeedVersion{Scope: "group:" + strconv.FormatInt(g.ID, 10)}
	if row.Version != nil {
		v.Version = *row.Version
	}
	if row.VersionedAt != nil {
		v.UpdatedAt = row.VersionedAt.UTC()
	}
	return &g, v, nil
}
