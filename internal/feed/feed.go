// Package feed encodes events as iCalendar (RFC 5545) and Atom feeds. It is
// pure: events in, bytes out, with no database or HTTP. The iCalendar side is
// built on github.com/arran4/golang-ical and works around its known faults
// (see ical.go); every value that comes from a user is cleaned here before it
// reaches that library.
package feed

import (
	"time"

	"github.com/turnout-org/turnout/internal/turnout"
)

// DefaultMaxBytes keeps a feed under 1 MB, the most Google Calendar accepts
// from a subscription, with room to spare.
const DefaultMaxBytes = 1000 * 1000

// MaxDescriptionRunes is how much of an event's description a feed carries;
// longer ones are cut and end with a pointer to the event's page.
const MaxDescriptionRunes = 4000

// Calendar is one feed to encode.
type Calendar struct {
	Name        string // the calendar's name, shown by calendar apps
	Description string // a line about the calendar
	BaseURL     string // public base URL without a trailing slash, for links
	SelfURL     string // the feed's own URL (Atom id)
	// Events in priority order, nearest first (turnout.FeedRank). When the
	// feed would exceed MaxBytes the events at the end are left out. Each
	// event needs its Group; Articles are used when loaded.
	Events   []*turnout.Event
	Updated  time.Time // when the feed last changed (Atom), if no event says later
	MaxBytes int       // 0 means DefaultMaxBytes
}

func (c Calendar) maxBytes() int {
	if c.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return c.MaxBytes
}

// EventURL is the public page of an event.
func EventURL(base string, e *turnout.Event) string { return base + "/events/" + e.Slug }
