package turnout

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Event kinds.
const (
	KindProtest = "protest"
	KindMarch   = "march"
	KindRally   = "rally"
	KindDieIn   = "die-in"
	KindVigil   = "vigil"
	KindPicket  = "picket"
	KindMeeting = "meeting"
	KindOther   = "other"
)

// Kinds lists the event kinds in the order forms offer them.
var Kinds = []string{KindProtest, KindMarch, KindRally, KindDieIn, KindVigil, KindPicket, KindMeeting, KindOther}

// ValidKind reports whether k is one of Kinds.
func ValidKind(k string) bool {
	for _, v := range Kinds {
		if v == k {
			return true
		}
	}
	return false
}

// Event statuses.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusCancelled = "cancelled"
)

// DefaultMaxGuests is how many guests one RSVP may bring unless the event says otherwise.
const DefaultMaxGuests = 5

// Limits on event fields, so that no field can grow a page or a feed without bound.
const (
	MaxTitleLen       = 200
	MaxSummaryLen     = 1000
	MaxDescriptionLen = 50000
	MaxShortTextLen   = 500
	MaxURLLen         = 2000
	MaxCapacity       = 1000000
	// DefaultEmailConfirmHours and MaxEmailConfirmHours bound the time to
	// confirm a required email.
	DefaultEmailConfirmHours = 48
	MaxEmailConfirmHours     = 720
)

// MaxEventDuration is the longest an event may last. Longer campaigns are
// posted as several events; the bound also keeps "what is on now" an index
// range instead of a scan of every past event.
const MaxEventDuration = 60 * 24 * time.Hour

// Event is something a group organises: a protest, march, rally, die-in,
// vigil, picket or public meeting. StartsAt and EndsAt are UTC instants;
// Timezone is the IANA zone in which they are shown and entered.
type Event struct {
	ID            int64
	UID           string `gorm:"column:uid"`
	GroupID       int64
	Slug          string
	Title         string
	Kind          string
	Summary       string
	Description   string
	StartsAt      time.Time
	EndsAt        time.Time
	Timezone      string
	Venue         string
	Address       string
	Latitude      *float64
	Longitude     *float64
	OnlineURL     string `gorm:"column:online_url"`
	Accessibility string
	// PublicArea is what the public sees of where the event is while its
	// meeting point is hidden ("central Edinburgh, near Waverley").
	PublicArea string `gorm:"column:public_area"`
	// Directions tell the people entitled to the meeting point how to find
	// it; they are hidden with it.
	Directions string `gorm:"column:directions"`
	// LocationVisibility is PointPublic or PointGoing.
	LocationVisibility string `gorm:"column:location_visibility"`
	// RevealAt is when people going see a hidden meeting point; nil: at once.
	RevealAt     *time.Time `gorm:"column:reveal_at"`
	Capacity     *int
	MaxGuests    int
	RequireEmail bool
	// RemindersOff stops reminder emails for this event.
	RemindersOff bool `gorm:"column:reminders_off"`
	// EmailConfirmHours is how long a supporter has to confirm a required
	// email before the RSVP is released (when email is on).
	EmailConfirmHours int        `gorm:"column:email_confirm_hours"`
	RSVPClosesAt      *time.Time `gorm:"column:rsvp_closes_at"`
	Status            string
	CancelledAt       *time.Time
	CancelReason      string
	Sequence          int
	GoingCount        int
	PublishedAt       *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time

	// PointWithheld marks a copy made by Public, with the meeting point
	// taken out.
	PointWithheld bool `json:"-" gorm:"-"`

	// Loaded by the store where a page needs them.
	Group    *Group     `gorm:"-"`
	Articles []*Article `gorm:"-"`
	Image    *Image     `gorm:"-"` // nil when the event has no picture
}

// Location returns the event's time zone, or UTC if the stored name is
// unknown. Zones are loaded once per process (LoadZone), since pages and
// feeds ask for them many times.
func (e *Event) Location() *time.Location {
	if loc, err := LoadZone(e.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

// LocalStart is the start in the event's own zone.
func (e *Event) LocalStart() time.Time { return e.StartsAt.In(e.Location()) }

// LocalEnd is the end in the event's own zone.
func (e *Event) LocalEnd() time.Time { return e.EndsAt.In(e.Location()) }

// SpotsLeft is how many more people can go, or nil when capacity is unlimited.
func (e *Event) SpotsLeft() *int {
	if e.Capacity == nil {
		return nil
	}
	n := *e.Capacity - e.GoingCount
	if n < 0 {
		n = 0
	}
	return &n
}

// Cancelled reports whether the event has been called off.
func (e *Event) Cancelled() bool { return e.Status == StatusCancelled }

// Listed reports whether the public can see the event (published or cancelled).
func (e *Event) Listed() bool { return e.Status == StatusPublished || e.Status == StatusCancelled }

// RSVPOpen reports whether RSVPs are accepted at now, and if not, why.
func (e *Event) RSVPOpen(now time.Time) (bool, string) {
	switch {
	case e.Status == StatusCancelled:
		return false, "This event has been cancelled, so RSVPs are closed."
	case e.Status != StatusPublished:
		return false, "This event is not published yet."
	case !now.Before(e.StartsAt):
		return false, "This event has already started, so RSVPs are closed."
	case e.RSVPClosesAt != nil && !now.Before(*e.RSVPClosesAt):
		return false, "RSVPs for this event have closed."
	}
	return true, ""
}

// MapURL links the event's address to OpenStreetMap, which sets no trackers.
func (e *Event) MapURL() string {
	if e.Latitude != nil && e.Longitude != nil {
		return "https://www.openstreetmap.org/?mlat=" + formatCoord(*e.Latitude) + "&mlon=" + formatCoord(*e.Longitude) + "#map=17/" + formatCoord(*e.Latitude) + "/" + formatCoord(*e.Longitude)
	}
	q := strings.TrimSpace(strings.Join(nonEmpty(e.Venue, e.Address), ", "))
	if q == "" {
		return ""
	}
	return "https://www.openstreetmap.org/search?query=" + url.QueryEscape(q)
}

// Place joins venue and address for one-line display.
func (e *Event) Place() string { return strings.Join(nonEmpty(e.Venue, e.Address), ", ") }

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// EventFilter selects listed events for the home page, the API and feeds.
type EventFilter struct {
	GroupSlug string     // only this group's events
	Kinds     []string   // only these kinds
	From, To  *time.Time // overlapping [From, To)
	Query     string     // words starting words of the title, summary, description, venue, address or group name, ignoring case and accents
	EndsAfter time.Time  // only events ending after this instant (upcoming: now)
	After     *Cursor    // keyset pagination: events after this one
	Limit     int        // page size
}

// Cursor marks a position in a list of events ordered by start time then id.
type Cursor struct {
	StartsAt time.Time
	ID       int64
}

// EventService stores and finds events.
type EventService interface {
	// FindEvents returns listed events matching f, ordered by start, and
	// whether more follow.
	FindEvents(ctx context.Context, f EventFilter) ([]*Event, bool, error)
	// FindEventBySlug returns the event with its group and linked articles.
	FindEventBySlug(ctx context.Context, slug string) (*Event, error)
	// CreateEvent stores a new event of group groupID with its articles.
	CreateEvent(ctx context.Context, groupID int64, in EventInput) (*Event, error)
	// CancelEvent calls the event off with a reason, keeping it listed.
	CancelEvent(ctx context.Context, id int64, reason string) (*Event, error)
}

// validText checks a free-text field for length and for characters that have
// no business in it: NUL and other C0 controls except tab and newlines.
func validText(fe FieldErrors, field, value string, max int, multiline bool) {
	if !utf8.ValidString(value) {
		fe.Add(field, "Contains invalid characters.")
		return
	}
	if utf8.RuneCountInString(value) > max {
		fe.Add(field, "Too long: at most "+itoa(max)+" characters.")
		return
	}
	for _, r := range value {
		if r == 0 || (r < 0x20 && r != '\t' && !(multiline && (r == '\n' || r == '\r'))) || r == 0x7f {
			fe.Add(field, "Contains control characters.")
			return
		}
		if isBidiControl(r) {
			fe.Add(field, "Contains hidden text-direction characters.")
			return
		}
	}
}

// isBidiControl reports the explicit bidirectional formatting characters that
// can make text display differently from what it says (Trojan Source).
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// ValidHTTPURL reports whether s is an absolute http or https URL with a host.
func ValidHTTPURL(s string) bool {
	if len(s) > MaxURLLen || strings.ContainsAny(s, " \t\r\n\x00") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// FeedScopes names the feed scopes an event appears in: the whole site, its
// group, and the event's own feed.
func FeedScopes(e *Event) []string {
	return []string{"site", "group:" + strconv.FormatInt(e.GroupID, 10), "event:" + strconv.FormatInt(e.ID, 10)}
}

// ValidateCancelReason checks the reason given when an event is cancelled.
func ValidateCancelReason(reason string) error {
	fe := FieldErrors{}
	validText(fe, "reason", reason, MaxSummaryLen, true)
	return fe.Err()
}
