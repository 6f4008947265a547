package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

var _ turnout.OrganiserEventService = (*Store)(nil)

// eventColumns are the columns UpdateEvent writes.
var eventColumns = []string{"slug", "title", "kind", "summary", "description", "starts_at", "ends_at", "timezone", "venue",
	"address", "latitude", "longitude", "online_url", "accessibility", "capacity", "max_guests", "require_email", "reminders_off", "email_confirm_hours",
	"rsvp_closes_at", "status", "sequence", "published_at", "updated_at", "public_area", "directions", "location_visibility", "reveal_at"}

// UpdateEvent applies in onto a copy of the event and stores it. A material
// change bumps the sequence; any change moves updated_at and the feed
// versions, in the same transaction. The slug of an event that was never
// published follows its title and date; once published it never changes.
func (s *Store) UpdateEvent(ctx context.Context, id int64, in turnout.EventInput) (*turnout.Event, error) {
	var e turnout.Event
	err := retryOnConflict(func() error {
		return s.transaction(ctx, func(tx *gorm.DB) error {
			return s.updateEvent(ctx, tx, id, in, &e)
		})
	})
	if err != nil {
		return nil, err
	}
	arts, err := s.eventArticles(ctx, s.db, e.ID)
	if err != nil {
		return nil, err
	}
	e.Articles = arts
	return &e, nil
}

// updateEvent is UpdateEvent's transaction; e receives the stored event.
func (s *Store) updateEvent(ctx context.Context, tx *gorm.DB, id int64, in turnout.EventInput, out *turnout.Event) error {
	locked, err := s.lockEvent(tx, id) // RSVPs to this event wait until the edit commits
	if err != nil {
		return err
	}
	e := *locked
	var g turnout.Group
	if err := tx.Take(&g, e.GroupID).Error; err != nil {
		return notFound(err, "Group")
	}
	next := e
	material, err := in.Apply(&next, false, g.Timezone)
	if err != nil {
		return err
	}
	if err := capacityFits(&next); err != nil {
		return err
	}
	t := s.Now()
	if material {
		next.Sequence++
	}
	if next.PublishedAt == nil {
		if next.Slug, err = s.unpublishedSlug(ctx, tx, &e, &next); err != nil {
			return err
		}
	}
	if next.Status == turnout.StatusPublished && next.PublishedAt == nil {
		next.PublishedAt = &t
	}
	next.UpdatedAt = t
	if err := tx.Model(&next).Select(eventColumns).Updates(&next).Error; err != nil {
		return err
	}
	if err := writeSearchText(tx, &next, g.Name); err != nil {
		return err
	}
	if e.RequireEmail && !next.RequireEmail {
		// Email no longer required: nothing waits for confirmation.
		if err := tx.Model(&turnout.RSVP{}).Where("event_id = ? AND confirm_by IS NOT NULL", next.ID).Update("confirm_by", nil).Error; err != nil {
			return err
		}
	}
	promoted, err := s.promoteAndTell(ctx, tx, next.ID, t) // a larger or no capacity frees places
	if err != nil {
		return err
	}
	if before := turnout.PlaceOf(&e); next.Status == turnout.StatusPublished && !before.Same(turnout.PlaceOf(&next)) && (in.Notify == nil || *in.Notify) {
		if err := s.enqueueChange(tx, next.ID, before, t); err != nil {
			return err
		}
	}
	next.GoingCount += promoted
	if in.Articles != nil {
		if err := s.linkArticles(ctx, tx, next.ID, *in.Articles); err != nil {
			return err
		}
	}
	next.Group = &g
	*out = next
	return bumpFeedVersions(tx, &next, t)
}

// capacityFits refuses a capacity below the people already going (the
// event row is locked, so the count is current).
func capacityFits(e *turnout.Event) error {
	if e.Capacity != nil && *e.Capacity < e.GoingCount {
		return &turnout.Error{Code: turnout.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"capacity": fmt.Sprintf("%d people are already going, so the capacity cannot be lower.", e.GoingCount)}}
	}
	return nil
}

// unpublishedSlug is the slug of an event that was never published, after
// the change from e to next (see draftSlug and listedSlug): publishing takes
// the public slug; a draft whose title or date changed gets a new draft slug.
func (s *Store) unpublishedSlug(ctx context.Context, tx *gorm.DB, e, next *turnout.Event) (string, error) {
	switch {
	case next.Status != turnout.StatusDraft:
		return listedSlug(ctx, tx, next)
	case next.Title != e.Title || !next.StartsAt.Equal(e.StartsAt):
		return draftSlug(next), nil
	}
	return next.Slug, nil
}

// DeleteEvent deletes a draft with its article links. Published and
// cancelled events are refused: calendars must see a cancellation instead.
func (s *Store) DeleteEvent(ctx context.Context, id int64) error {
	return s.transaction(ctx, func(tx *gorm.DB) error {
		var e turnout.Event
		if err := tx.Take(&e, id).Error; err != nil {
			return notFound(err, "Event")
		}
		if e.Status != turnout.StatusDraft {
			return turnout.Errorf(turnout.ECONFLICT, "Only drafts can be deleted. Cancel a published event instead, so that people who planned to come are told.")
		}
		if err := tx.Exec("DELETE FROM events WHERE id = ? AND status = ?", id, turnout.StatusDraft).Error; err != nil {
			return err
		}
		return bumpFeedVersions(tx, &e, s.Now())
	})
}

// DuplicateEvent copies an event, its articles included, as a new draft
// shifted by offset (a week for "same again next week"). Wall-clock times
// are kept in the event's zone, so a copy across a clock change starts at
// the same local hour.
func (s *Store) DuplicateEvent(ctx context.Context, id int64, offset time.Duration) (*turnout.Event, error) {
	var src turnout.Event
	if err := s.db.WithContext(ctx).Take(&src, id).Error; err != nil {
		return nil, notFound(err, "Event")
	}
	arts, err := s.eventArticles(ctx, s.db, src.ID)
	if err != nil {
		return nil, err
	}
	days := int(offset / (24 * time.Hour))
	shift := func(t time.Time) string {
		return t.In(src.Location()).AddDate(0, 0, days).Add(offset % (24 * time.Hour)).Format(turnout.LocalLayout)
	}
	start, end, status := shift(src.StartsAt), shift(src.EndsAt), turnout.StatusDraft
	in := turnout.EventInput{Title: &src.Title, Kind: &src.Kind, Summary: &src.Summary, Description: &src.Description,
		StartsAt: &start, EndsAt: &end, Timezone: &src.Timezone, Venue: &src.Venue, Address: &src.Address,
		OnlineURL: &src.OnlineURL, Accessibility: &src.Accessibility, MaxGuests: &src.MaxGuests,
		RequireEmail: &src.RequireEmail, EmailConfirmHours: &src.EmailConfirmHours, Status: &status,
		Latitude:           turnout.Nullable[float64]{Set: true, Value: src.Latitude},
		Longitude:          turnout.Nullable[float64]{Set: true, Value: src.Longitude},
		Capacity:           turnout.Nullable[int]{Set: true, Value: src.Capacity},
		LocationVisibility: &src.LocationVisibility, PublicArea: &src.PublicArea, Directions: &src.Directions}
	if src.RevealAt != nil {
		in.RevealAt = turnout.Of(shift(*src.RevealAt))
	}
	links := make([]turnout.ArticleInput, 0, len(arts))
	for _, a := range arts {
		links = append(links, turnout.ArticleInput{URL: a.URL, Title: a.Title, Summary: a.Summary, Source: a.Source})
	}
	in.Articles = &links
	return s.CreateEvent(ctx, src.GroupID, in)
}

// FindGroupEvents lists every event of the group, drafts included, latest start first.
func (s *Store) FindGroupEvents(ctx context.Context, groupID int64) ([]*turnout.Event, error) {
	var out []*turnout.Event
	err := s.db.WithContext(ctx).Where("group_id = ?", groupID).Order("starts_at DESC, id DESC").Limit(500).Find(&out).Error
	return out, err
}

// FindArticle returns the article with public id publicID, as the listed
// event that holds it shows it, and the listed events of that event's group
// that link the same URL, by start. An article of a draft answers exactly like
// a missing one; other groups' events never appear.
func (s *Store) FindArticle(ctx context.Context, publicID string) (*turnout.Article, []*turnout.Event, error) {
	if !turnout.ValidArticleID(publicID) {
		return nil, nil, turnout.Errorf(turnout.ENOTFOUND, "Article not found.")
	}
	var row struct {
		turnout.Article
		GroupID int64
	}
	err := s.db.WithContext(ctx).Table("articles").Select("articles.*, events.group_id").
		Joins("JOIN events ON events.id = articles.event_id").
		Where("articles.public_id = ? AND events.status IN ?", publicID, listedStatuses).Take(&row).Error
	if err != nil {
		return nil, nil, notFound(err, "Article")
	}
	var events []*turnout.Event
	err = s.db.WithContext(ctx).Joins("JOIN articles a ON a.event_id = events.id").
		Where("a.url = ? AND events.group_id = ? AND events.status IN ?", row.URL, row.GroupID, listedStatuses).
		Order("events.starts_at, events.id").Limit(200).Find(&events).Error
	if err != nil {
		return nil, nil, err
	}
	if err := s.attachGroups(ctx, events); err != nil {
		return nil, nil, err
	}
	a := row.Article
	return &a, events, nil
}
