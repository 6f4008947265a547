package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

var _ turnout.GroupService = (*Store)(nil)

// FindGroupBySlug returns the group with that slug.
func (s *Store) FindGroupBySlug(ctx context.Context, slug string) (*turnout.Group, error) {
	if !turnout.ValidSlug(slug) {
		return nil, turnout.Errorf(turnout.ENOTFOUND, "Group not found.")
	}
	var g turnout.Group
	if err := s.db.WithContext(ctx).Where("slug = ?", slug).Take(&g).Error; err != nil {
		return nil, notFound(err, "Group")
	}
	im, err := s.FindGroupImage(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	g.Image = im
	return &g, nil
}

// FindGroups returns every group by name.
func (s *Store) FindGroups(ctx context.Context) ([]*turnout.Group, error) {
	var gs []*turnout.Group
	err := s.db.WithContext(ctx).Order("name, id").Find(&gs).Error
	return gs, err
}

// UpdateGroup validates and stores new public settings of a group. A change of
// name or contact email changes every feed of the group, so feed versions move.
func (s *Store) UpdateGroup(ctx context.Context, id int64, in turnout.GroupInput) (*turnout.Group, error) {
	var g turnout.Group
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := tx.Take(&g, id).Error; err != nil {
			return notFound(err, "Group")
		}
		oldName := g.Name
		if err := in.Apply(&g); err != nil {
			return err
		}
		g.UpdatedAt = s.Now()
		if err := tx.Model(&g).Select("name", "description", "website", "timezone", "contact_email", "language", "updated_at").Updates(&g).Error; err != nil {
			return err
		}
		if g.Name != oldName {
			if err := rewriteGroupSearchText(tx, g.ID, g.Name); err != nil {
				return err
			}
		}
		return bumpGroupFeeds(tx, g.ID, g.UpdatedAt)
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}
