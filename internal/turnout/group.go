package turnout

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/turnout-org/turnout/internal/i18n"
)

// Group is an organisation that runs events: a campaign, union branch,
// collective or coalition. Its members are organisers.
type Group struct {
	ID           int64
	Slug         string
	Name         string
	Description  string
	Website      string
	Timezone     string
	ContactEmail string
	// Language is the code (en, fr, de, es, pt) of the language its group
	// and event pages take when a visitor asks for none; empty: the site's.
	Language  string
	CreatedAt time.Time
	UpdatedAt time.Time

	// Image is the group's picture, where the store loads it; nil when none.
	Image *Image `gorm:"-"`
}

// Membership roles.
const (
	RoleOwner     = "owner"
	RoleOrganiser = "organiser"
)

// Membership makes an account an organiser or owner of a group.
type Membership struct {
	AccountID int64
	GroupID   int64
	Role      string
	CreatedAt time.Time
}

// GroupService stores and finds groups.
type GroupService interface {
	// FindGroupBySlug returns the group with that slug.
	FindGroupBySlug(ctx context.Context, slug string) (*Group, error)
	// FindGroups returns all groups, by name.
	FindGroups(ctx context.Context) ([]*Group, error)
	// UpdateGroup changes a group's public settings.
	UpdateGroup(ctx context.Context, id int64, in GroupInput) (*Group, error)
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// ValidSlug reports whether s is a well-formed slug: lower-case letters,
// digits and single hyphens, 1 to 80 characters.
func ValidSlug(s string) bool { return len(s) <= 80 && slugPattern.MatchString(s) }

// Slugify turns a title into a readable slug of at most max characters,
// keeping ASCII letters and digits and folding common accented letters.
func Slugify(title string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if f, ok := foldAccent[r]; ok {
			r = f
		}
		switch {
		case (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) > max {
		s = strings.TrimRight(s[:max], "-")
	}
	return s
}

var foldAccent = map[rune]rune{
	'à': 'a', 'á': 'a', 'â': 'a', 'ä': 'a', 'ã': 'a', 'å': 'a', 'ç': 'c', 'è': 'e', 'é': 'e', 'ê': 'e',
	'ë': 'e', 'ì': 'i', 'í': 'i', 'î': 'i', 'ï': 'i', 'ñ': 'n', 'ò': 'o', 'ó': 'o', 'ô': 'o', 'ö': 'o',
	'õ': 'o', 'ø': 'o', 'ù': 'u', 'ú': 'u', 'û': 'u', 'ü': 'u', 'ý': 'y', 'ÿ': 'y', 'ß': 's', 'ł': 'l',
}

// GroupInput changes a group's public settings; nil fields stay as they are.
type GroupInput struct {
	Name         *string `json:"name"`
	Description  *string `json:"description"`
	Website      *string `json:"website"`
	Timezone     *string `json:"timezone"`
	ContactEmail *string `json:"contact_email"`
	Language     *string `json:"language"`
}

// Apply validates in and writes it onto g.
func (in GroupInput) Apply(g *Group) error {
	fe := FieldErrors{}
	if in.Name != nil {
		g.Name = strings.TrimSpace(*in.Name)
		validText(fe, "name", g.Name, MaxTitleLen, false)
		if g.Name == "" {
			fe.Add("name", "Give the group a name.")
		}
	}
	if in.Description != nil {
		g.Description = strings.TrimSpace(*in.Description)
		validText(fe, "description", g.Description, MaxSummaryLen*5, true)
	}
	if in.Website != nil {
		g.Website = strings.TrimSpace(*in.Website)
		if g.Website != "" && !ValidHTTPURL(g.Website) {
			fe.Add("website", "Enter a full web address starting with http:// or https://.")
		}
	}
	if in.Timezone != nil {
		g.Timezone = strings.TrimSpace(*in.Timezone)
		if _, err := LoadZone(g.Timezone); err != nil {
			fe.Add("timezone", "Choose a time zone such as Europe/London.")
		}
	}
	if in.ContactEmail != nil {
		g.ContactEmail = ""
		if v := strings.TrimSpace(*in.ContactEmail); v != "" {
			email, ok := NormalizeEmail(v)
			if !ok {
				fe.Add("contact_email", "Enter a valid email address, or leave it empty.")
			}
			g.ContactEmail = email
		}
	}
	if in.Language != nil {
		g.Language = strings.TrimSpace(*in.Language)
		if g.Language != "" && !i18n.IsSupported(g.Language) {
			fe.Add("language", "Choose one of the languages offered.")
		}
	}
	return fe.Err()
}
