package store

import (
	"context"
	"crypto/rand"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

var _ turnout.EventService = (*Store)(nil)

// listedStatuses are the statuses the public sees.
var listedStatuses = []string{turnout.StatusPublished, turnout.StatusCancelled}

// listed selects the events the public sees. It is written as the predicate
// of the partial indexes (status <> 'draft', equivalent under the CHECK
// constraint) so that both planners use them.
func listed(db *gorm.DB) *gorm.DB { return db.Where("events.status <> ?", turnout.StatusDraft) }

// notEndedBy selects events that end after t. The lower bound on starts_at is
// implied by the longest an event may last; it lets the (starts_at, id,
// ends_at) indexes serve "upcoming, by start" without reading the past.
func notEndedBy(db *gorm.DB, t time.Time) *gorm.DB {
	return db.Where("events.starts_at > ? AND events.ends_at > ?", t.Add(-turnout.MaxEventDuration), t)
}

// FindEvents returns listed events matching f in start order, and whether more follow.
func (s *Store) FindEvents(ctx context.Context, f turnout.EventFilter) ([]*turnout.Event, bool, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	q := listed(s.db.WithContext(ctx).Model(&turnout.Event{}))
	q = s.matchWords(applyEventFilter(q, f), f.Query)
	if f.After != nil {
		q = q.Where("(events.starts_at > ? OR (events.starts_at = ? AND events.id > ?))", f.After.StartsAt, f.After.StartsAt, f.After.ID)
	}
	var events []*turnout.Event
	if err := q.Order("events.starts_at, events.id").Limit(limit + 1).Find(&events).Error; err != nil {
		return nil, false, err
	}
	more := len(events) > limit
	if more {
		events = events[:limit]
	}
	if err := s.attachGroups(ctx, events); err != nil {
		return nil, false, err
	}
	if err := s.attachEventImages(ctx, events); err != nil {
		return nil, false, err
	}
	return events, more, nil
}

// applyEventFilter adds the WHERE clauses of f, except pagination.
func applyEventFilter(q *gorm.DB, f turnout.EventFilter) *gorm.DB {
	if !f.EndsAfter.IsZero() {
		q = notEndedBy(q, f.EndsAfter)
	}
	if f.GroupSlug != "" {
		q = q.Where("events.group_id = (SELECT id FROM groups WHERE slug = ?)", f.GroupSlug)
	}
	if len(f.Kinds) > 0 {
		q = q.Where("events.kind IN ?", f.Kinds)
	}
	if f.From != nil {
		q = q.Where("events.ends_at > ?", *f.From)
	}
	if f.To != nil {
		q = q.Where("events.starts_at < ?", *f.To)
	}
	return q
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// attachGroups loads the groups of events in one query.
func (s *Store) attachGroups(ctx context.Context, events []*turnout.Event) error {
	if len(events) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(events))
	seen := map[int64]bool{}
	for _, e := range events {
		if !seen[e.GroupID] {
			seen[e.GroupID] = true
			ids = append(ids, e.GroupID)
		}
	}
	var groups []*turnout.Group
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&groups).Error; err != nil {
		return err
	}
	byID := make(map[int64]*turnout.Group, len(groups))
	for _, g := range groups {
		byID[g.ID] = g
	}
	for _, e := range events {
		e.Group = byID[e.GroupID]
	}
	return nil
}

// FindEventBySlug returns any event (draft included) with its group and articles.
// Callers decide who may see a draft.
func (s *Store) FindEventBySlug(ctx context.Context, slug string) (*turnout.Event, error) {
	if !turnout.ValidSlug(slug) {
		return nil, turnout.Errorf(turnout.ENOTFOUND, "Event not found.")
	}
	// The event and its group in one round trip; event pages are hot.
	var row struct {
		turnout.Event
		G turnout.Group `gorm:"embedded;embeddedPrefix:g_"`
	}
	err := s.db.WithContext(ctx).Table("events").
		Select(`events.*, g.id AS g_id, g.slug AS g_slug, g.name AS g_name, g.description AS g_description,
			g.website AS g_website, g.timezone AS g_timezone, g.contact_email AS g_contact_email, g.language AS g_language,
			g.created_at AS g_created_at, g.updated_at AS g_updated_at`).
		Joins("JOIN groups g ON g.id = events.group_id").
		Where("events.slug = ?", slug).Take(&row).Error
	if err != nil {
		return nil, notFound(err, "Event")
	}
	e := row.Event
	e.Group = &row.G
	arts, err := s.eventArticles(ctx, s.db, e.ID)
	if err != nil {
		return nil, err
	}
	e.Articles = arts
	if err := s.attachEventImages(ctx, []*turnout.Event{&e}); err != nil {
		return nil, err
	}
	return &e, nil
}

func (s *Store) eventArticles(ctx context.Context, db *gorm.DB, eventID int64) ([]*turnout.Article, error) {
	var arts []*turnout.Article
	err := db.WithContext(ctx).Table("articles").Where("event_id = ?", eventID).Order("position").Find(&arts).Error
	return arts, err
}

// CreateEvent stores a new event for the group with its linked articles.
func (s *Store) CreateEvent(ctx context.Context, groupID int64, in turnout.EventInput) (*turnout.Event, error) {
	var g turnout.Group
	if err := s.db.WithContext(ctx).Take(&g, groupID).Error; err != nil {
		return nil, notFound(err, "Group")
	}
	e := &turnout.Event{GroupID: groupID, MaxGuests: turnout.DefaultMaxGuests}
	if _, err := in.Apply(e, true, g.Timezone); err != nil {
		return nil, err
	}
	e.UID = uuid.NewString()
	e.Group = &g
	t := s.Now()
	e.CreatedAt, e.UpdatedAt = t, t
	if e.Status == turnout.StatusPublished {
		e.PublishedAt = &t
	}
	err := retryOnConflict(func() error {
		e.ID = 0
		return s.transaction(ctx, func(tx *gorm.DB) error {
			return s.insertEvent(ctx, tx, e, in, t)
		})
	})
	if err != nil {
		return nil, err
	}
	e.Group = &g
	return e, nil
}

// insertEvent stores a validated new event with a free slug and its articles.
func (s *Store) insertEvent(ctx context.Context, tx *gorm.DB, e *turnout.Event, in turnout.EventInput, t time.Time) error {
	slug := draftSlug(e)
	if e.Status != turnout.StatusDraft {
		var err error
		if slug, err = listedSlug(ctx, tx, e); err != nil {
			return err
		}
	}
	e.Slug = slug
	if err := tx.Create(e).Error; err != nil {
		return err
	}
	if err := writeSearchText(tx, e, e.Group.Name); err != nil {
		return err
	}
	if in.Articles != nil {
		if err := s.linkArticles(ctx, tx, e.ID, *in.Articles); err != nil {
			return err
		}
	}
	return bumpFeedVersions(tx, e, t)
}

// retryOnConflict runs fn again, up to ten times in all, when it fails on a
// unique constraint: two organisers creating events with the same title and
// date, or linking the same new article URL, at the same moment. The loser's
// transaction is rolled back and retried, finding the winner's rows.
func retryOnConflict(fn func() error) error {
	var err error
	for attempt := 0; attempt < 10; attempt++ {
		if err = fn(); err == nil || !isUniqueViolation(err) {
			return err
		}
	}
	return err
}

// Event slugs never tell anyone that a draft exists. A draft that was never
// published carries a random suffix (title-date-x7k2qp), and takes its public
// slug when first published: title-date, or title-date with a new random
// suffix when an event already holds that. The bare title-date is therefore
// only ever held by events that are or were public, so the slug another group
// gets does not depend on drafts it cannot see, and a suffix, being random,
// counts nothing. A unique-constraint clash of two random suffixes fails the
// transaction, which retryOnConflict runs again with new ones.

// eventSlugBase is title-date, the readable part of an event's slug.
func eventSlugBase(e *turnout.Event) string {
	base := strings.Trim(turnout.Slugify(e.Title, 60), "-")
	if base == "" {
		base = "event"
	}
	return base + "-" + e.StartsAt.In(e.Location()).Format("2006-01-02")
}

// draftSlug is the slug of a never-published event: its base and a random suffix.
func draftSlug(e *turnout.Event) string {
	return eventSlugBase(e) + "-" + slugSuffix()
}

// listedSlug is the slug an event takes when it becomes public: its base when
// no event holds it, else its base with a random suffix.
func listedSlug(ctx context.Context, tx *gorm.DB, e *turnout.Event) (string, error) {
	base := eventSlugBase(e)
	var n int64
	if err := tx.WithContext(ctx).Table("events").Where("slug = ? AND id <> ?", base, e.ID).Count(&n).Error; err != nil {
		return "", err
	}
	if n == 0 {
		return base, nil
	}
	return base + "-" + slugSuffix(), nil
}

// slugSuffix is six random letters and digits (30 bits), without the ones
// people misread (l, o, 0, 1).
func slugSuffix() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		panic("store: crypto/rand failed: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// uniqueSlug returns base, or base-2, base-3 ... whichever no row of table
// has yet; fallback stands in for an empty base.
func uniqueSlug(ctx context.Context, tx *gorm.DB, table, base, fallback string) (string, error) {
	base = strings.Trim(base, "-")
	if base == "" {
		base = fallback
	}
	var taken []string
	if err := tx.WithContext(ctx).Table(table).Where("slug = ? OR slug LIKE ? ESCAPE '\\'", base, escapeLike(base)+"-%").Pluck("slug", &taken).Error; err != nil {
		return "", err
	}
	used := make(map[string]bool, len(taken))
	for _, t := range taken {
		used[t] = true
	}
	slug := base
	for n := 2; used[slug]; n++ {
		slug = base + "-" + strconv.Itoa(n)
	}
	return slug, nil
}

// linkArticles replaces the event's articles with arts, in order. The rows
// belong to the event alone: a URL kept from before keeps its row (and so its
// public id) with the new words, a URL dropped loses its row, and a later
// duplicate of a URL in arts is skipped.
func (s *Store) linkArticles(ctx context.Context, tx *gorm.DB, eventID int64, arts []turnout.ArticleInput) error {
	var old []*turnout.Article
	if err := tx.WithContext(ctx).Table("articles").Where("event_id = ?", eventID).Find(&old).Error; err != nil {
		return err
	}
	byURL := make(map[string]*turnout.Article, len(old))
	for _, a := range old {
		byURL[a.URL] = a
	}
	t := s.Now()
	seen := map[string]bool{}
	for i, in := range arts {
		if seen[in.URL] {
			continue
		}
		seen[in.URL] = true
		if a := byURL[in.URL]; a != nil {
			delete(byURL, in.URL)
			if err := tx.WithContext(ctx).Exec(`UPDATE articles SET position = ?, title = ?, summary = ?, source = ?, updated_at = ?
				WHERE id = ?`, i, in.Title, in.Summary, in.Source, t, a.ID).Error; err != nil {
				return err
			}
			continue
		}
		if err := tx.WithContext(ctx).Exec(`INSERT INTO articles (public_id, event_id, position, url, title, summary, source, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, turnout.NewArticleID(), eventID, i, in.URL, in.Title, in.Summary, in.Source, t, t).Error; err != nil {
			return err
		}
	}
	for _, a := range byURL {
		if err := tx.WithContext(ctx).Exec("DELETE FROM articles WHERE id = ?", a.ID).Error; err != nil {
			return err
		}
	}
	return nil
}

// bumpFeedVersions advances the feed versions of every scope the event
// appears in (site, its group, itself), inside the caller's transaction.
//
// The rule: every write that changes an event as the public sees it (create,
// update, cancel, delete, a change of its group's name or contact email
// through bumpGroupFeeds) calls this in the same
// transaction as the change. Cached feed bodies are keyed by these versions
// on every instance (see internal/web/feed_show.go and docs/feeds.md); a
// write that skips it leaves calendars showing the old event until the cache
// entry falls out. RSVPs do not call it: feeds show no attendance; they
// bump the event's own scope only (addGoing). See scope.go for the whole rule.
func bumpFeedVersions(tx *gorm.DB, e *turnout.Event, t time.Time) error {
	return bumpScopes(tx, t, turnout.FeedScopes(e)...)
}

// CancelEvent calls an event off: it stays listed with its reason, and the
// sequence rises so that calendars show the cancellation.
func (s *Store) CancelEvent(ctx context.Context, id int64, reason string) (*turnout.Event, error) {
	reason = strings.TrimSpace(reason)
	if fe := turnout.ValidateCancelReason(reason); fe != nil {
		return nil, fe
	}
	var e turnout.Event
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := tx.Take(&e, id).Error; err != nil {
			return notFound(err, "Event")
		}
		if e.Status == turnout.StatusCancelled {
			return turnout.Errorf(turnout.ECONFLICT, "This event is already cancelled.")
		}
		t := s.Now()
		e.Status, e.CancelledAt, e.CancelReason, e.Sequence, e.UpdatedAt = turnout.StatusCancelled, &t, reason, e.Sequence+1, t
		if err := tx.Model(&e).Updates(map[string]any{
			"status": e.Status, "cancelled_at": t, "cancel_reason": reason, "sequence": e.Sequence, "updated_at": t,
		}).Error; err != nil {
			return err
		}
		if e.PublishedAt != nil {
			if err := s.enqueueCancel(tx, e.ID, t); err != nil {
				return err
			}
		}
		return bumpFeedVersions(tx, &e, t)
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// bumpGroupFeeds advances the site and group feed versions and those of every
// event of the group, for changes that show in all of them (the group's name).
func bumpGroupFeeds(tx *gorm.DB, groupID int64, t time.Time) error {
	var ids []int64
	if err := tx.Model(&turnout.Event{}).Where("group_id = ?", groupID).Pluck("id", &ids).Error; err != nil {
		return err
	}
	for _, id := range ids {
		if err := bumpFeedVersions(tx, &turnout.Event{ID: id, GroupID: groupID}, t); err != nil {
			return err
		}
	}
	if len(ids) == 0 {
		return bumpFeedVersions(tx, &turnout.Event{GroupID: groupID}, t)
	}
	return nil
}
