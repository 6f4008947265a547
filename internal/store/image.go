package store

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

var _ turnout.ImageService = (*Store)(nil)

// imageRow is a row of images: the picture of one event or one group.
type imageRow struct {
	ID        int64
	EventID   *int64
	GroupID   *int64
	Alt       string
	CreatedAt time.Time
}

func (imageRow) TableName() string { return "images" }

// imageFileRow is a row of image_files: one stored size of a picture.
type imageFileRow struct {
	ImageID     int64
	Width       int
	Height      int
	Bytes       int
	Hash        string
	ContentType string
	Data        []byte
}

func (imageFileRow) TableName() string { return "image_files" }

func (r imageFileRow) file() turnout.ImageFile {
	return turnout.ImageFile{Width: r.Width, Height: r.Height, Bytes: r.Bytes, Hash: r.Hash, ContentType: r.ContentType, Data: r.Data}
}

// fileColumns are the columns of image_files without the bytes, for pages
// that link to files without serving them.
const fileColumns = "image_id, width, height, bytes, hash, content_type"

// SetEventImage stores in as the event's picture, replacing any other, and
// moves the event's feed versions: feeds carry the picture.
func (s *Store) SetEventImage(ctx context.Context, eventID int64, in turnout.ImageInput) (*turnout.Image, error) {
	var im *turnout.Image
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		e, err := s.touchEvent(tx, eventID)
		if err != nil {
			return err
		}
		if err := tx.Where("event_id = ?", eventID).Delete(&imageRow{}).Error; err != nil {
			return err
		}
		if im, err = s.insertImage(tx, imageRow{EventID: &eventID}, in); err != nil {
			return err
		}
		return bumpFeedVersions(tx, e, e.UpdatedAt)
	})
	return im, err
}

// DeleteEventImage removes the event's picture, if it has one.
func (s *Store) DeleteEventImage(ctx context.Context, eventID int64) error {
	return s.transaction(ctx, func(tx *gorm.DB) error {
		e, err := s.touchEvent(tx, eventID)
		if err != nil {
			return err
		}
		if err := tx.Where("event_id = ?", eventID).Delete(&imageRow{}).Error; err != nil {
			return err
		}
		return bumpFeedVersions(tx, e, e.UpdatedAt)
	})
}

// touchEvent marks the event as changed now, so that caches keyed by its
// update time see the new picture.
func (s *Store) touchEvent(tx *gorm.DB, eventID int64) (*turnout.Event, error) {
	var e turnout.Event
	if err := tx.Take(&e, eventID).Error; err != nil {
		return nil, notFound(err, "Event")
	}
	e.UpdatedAt = s.Now()
	if err := tx.Model(&e).Update("updated_at", e.UpdatedAt).Error; err != nil {
		return nil, err
	}
	return &e, nil
}

// SetGroupImage stores in as the group's picture, replacing any other.
func (s *Store) SetGroupImage(ctx context.Context, groupID int64, in turnout.ImageInput) (*turnout.Image, error) {
	var im *turnout.Image
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := s.touchGroup(tx, groupID); err != nil {
			return err
		}
		if err := tx.Where("group_id = ?", groupID).Delete(&imageRow{}).Error; err != nil {
			return err
		}
		var err error
		im, err = s.insertImage(tx, imageRow{GroupID: &groupID}, in)
		return err
	})
	return im, err
}

// DeleteGroupImage removes the group's picture, if it has one.
func (s *Store) DeleteGroupImage(ctx context.Context, groupID int64) error {
	return s.transaction(ctx, func(tx *gorm.DB) error {
		if err := s.touchGroup(tx, groupID); err != nil {
			return err
		}
		return tx.Where("group_id = ?", groupID).Delete(&imageRow{}).Error
	})
}

// touchGroup marks the group as changed now and moves the version of its
// page, which shows the picture in its link preview.
func (s *Store) touchGroup(tx *gorm.DB, groupID int64) error {
	t := s.Now()
	res := tx.Model(&turnout.Group{}).Where("id = ?", groupID).Update("updated_at", t)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return turnout.Errorf(turnout.ENOTFOUND, "Group not found.")
	}
	return bumpScopes(tx, t, "group:"+strconv.FormatInt(groupID, 10))
}

// insertImage writes the picture row (owner set in row) and its files.
func (s *Store) insertImage(tx *gorm.DB, row imageRow, in turnout.ImageInput) (*turnout.Image, error) {
	alt, err := turnout.ValidateImageAlt(in.Alt)
	if err != nil {
		return nil, err
	}
	if len(in.Files) == 0 {
		return nil, turnout.Errorf(turnout.EINVALID, "Choose a picture to upload.")
	}
	row.Alt, row.CreatedAt = alt, s.Now()
	if err := tx.Create(&row).Error; err != nil {
		return nil, err
	}
	im := &turnout.Image{ID: row.ID, Alt: alt}
	for _, f := range in.Files {
		fr := imageFileRow{ImageID: row.ID, Width: f.Width, Height: f.Height, Bytes: len(f.Data), Hash: f.Hash, ContentType: f.ContentType, Data: f.Data}
		if err := tx.Create(&fr).Error; err != nil {
			return nil, err
		}
		f.Data = nil
		im.Files = append(im.Files, f)
	}
	return im, nil
}

// FindGroupImage returns the group's picture, or nil when it has none.
func (s *Store) FindGroupImage(ctx context.Context, groupID int64) (*turnout.Image, error) {
	ims, err := s.findImages(ctx, "group_id", []int64{groupID})
	if err != nil {
		return nil, err
	}
	return ims[groupID], nil
}

// FindImageFile returns the file with that hash, bytes included.
func (s *Store) FindImageFile(ctx context.Context, hash string) (*turnout.ImageFile, error) {
	var r imageFileRow
	if err := s.db.WithContext(ctx).Where("hash = ?", hash).Order("image_id").Take(&r).Error; err != nil {
		return nil, notFound(err, "Picture")
	}
	f := r.file()
	return &f, nil
}

// findImages returns the pictures owned through column (event_id or
// group_id) by each of ids, keyed by owner id, without their bytes.
func (s *Store) findImages(ctx context.Context, column string, ids []int64) (map[int64]*turnout.Image, error) {
	out := map[int64]*turnout.Image{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []imageRow
	if err := s.db.WithContext(ctx).Where(column+" IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return out, nil
	}
	byImage := make(map[int64]*turnout.Image, len(rows))
	imageIDs := make([]int64, len(rows))
	for i, r := range rows {
		im := &turnout.Image{ID: r.ID, Alt: r.Alt}
		byImage[r.ID] = im
		imageIDs[i] = r.ID
		owner := r.EventID
		if column == "group_id" {
			owner = r.GroupID
		}
		out[*owner] = im
	}
	var files []imageFileRow
	if err := s.db.WithContext(ctx).Select(fileColumns).Where("image_id IN ?", imageIDs).Order("image_id, width").Find(&files).Error; err != nil {
		return nil, err
	}
	for _, f := range files {
		byImage[f.ImageID].Files = append(byImage[f.ImageID].Files, f.file())
	}
	return out, nil
}

// attachEventImages loads the pictures of events in two queries.
func (s *Store) attachEventImages(ctx context.Context, events []*turnout.Event) error {
	ids := make([]int64, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	ims, err := s.findImages(ctx, "event_id", ids)
	if err != nil {
		return err
	}
	for _, e := range events {
		e.Image = ims[e.ID]
	}
	return nil
}
