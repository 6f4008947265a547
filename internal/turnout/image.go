package turnout

import (
	"context"
	"strings"
)

// Limits on uploaded pictures.
const (
	// MaxImageBytes is the largest picture file accepted (10 MB).
	MaxImageBytes = 10 << 20
	// MaxImagePixels bounds width times height as the file's header states
	// it, checked before any pixel is decoded: a small file that claims more
	// (a decompression bomb) is refused instead of filling memory.
	MaxImagePixels = 40_000_000
	// MaxImageSide bounds either side in pixels, for the same reason.
	MaxImageSide = 12_000
)

// ImageWidths are the widths, in pixels, a picture is stored at for srcset:
// each one narrower than the upload, plus the upload's own width up to the
// largest of them.
var ImageWidths = []int{320, 640, 1024, 1600}

// Image is the picture of an event or a group (a poster, a banner), stored as
// re-encoded files without any of the upload's metadata.
type Image struct {
	ID  int64
	Alt string // what the picture shows, for people who cannot see it
	// Files are the stored sizes, narrowest first; never empty.
	Files []ImageFile
}

// ImageFile is one stored size of an image. Its Hash names it in the URL, so
// its bytes never change under that URL.
type ImageFile struct {
	Width       int
	Height      int
	Bytes       int    // size of Data
	Hash        string // hex SHA-256 of Data, first 32 characters
	ContentType string
	Data        []byte // loaded only where the bytes are served or stored
}

// Path is where the instance serves the file.
func (f ImageFile) Path() string { return "/images/" + f.Hash + imageExt(f.ContentType) }

func imageExt(contentType string) string {
	switch contentType {
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	}
	return ".jpg"
}

// Largest is the widest stored file: the picture's full size.
func (im *Image) Largest() ImageFile { return im.Files[len(im.Files)-1] }

// Smallest is the narrowest stored file, for cards in lists.
func (im *Image) Smallest() ImageFile { return im.Files[0] }

// Width is the full-size width in pixels.
func (im *Image) Width() int { return im.Largest().Width }

// Height is the full-size height in pixels.
func (im *Image) Height() int { return im.Largest().Height }

// SrcSet lists every file with its width, for an img srcset attribute.
func (im *Image) SrcSet() string {
	parts := make([]string, len(im.Files))
	for i, f := range im.Files {
		parts[i] = f.Path() + " " + itoa(f.Width) + "w"
	}
	return strings.Join(parts, ", ")
}

// ImageInput is a processed upload: its alt text and its files, with bytes.
type ImageInput struct {
	Alt   string
	Files []ImageFile
}

// ValidateImageAlt checks the alt text every picture needs and returns it trimmed.
func ValidateImageAlt(alt string) (string, error) {
	alt = strings.TrimSpace(alt)
	fe := FieldErrors{}
	validText(fe, "alt", alt, MaxShortTextLen, false)
	if alt == "" {
		fe.Add("alt", "Describe the picture for people who cannot see it.")
	}
	return alt, fe.Err()
}

// ImageService stores the pictures of events and groups.
type ImageService interface {
	// SetEventImage stores in as the event's picture, replacing any other.
	SetEventImage(ctx context.Context, eventID int64, in ImageInput) (*Image, error)
	// DeleteEventImage removes the event's picture, if it has one.
	DeleteEventImage(ctx context.Context, eventID int64) error
	// SetGroupImage stores in as the group's picture, replacing any other.
	SetGroupImage(ctx context.Context, groupID int64, in ImageInput) (*Image, error)
	// DeleteGroupImage removes the group's picture, if it has one.
	DeleteGroupImage(ctx context.Context, groupID int64) error
	// FindGroupImage returns the group's picture, or nil when it has none.
	FindGroupImage(ctx context.Context, groupID int64) (*Image, error)
	// FindImageFile returns the file with that hash, bytes included.
	FindImageFile(ctx context.Context, hash string) (*ImageFile, error)
}
