package turnout

import (
	"strings"
	"time"
)

// Who may see an event's meeting point (venue, address, coordinates, online
// link and directions). Everyone else sees its public area only.
const (
	// PointPublic shows the meeting point to everyone, as on any event.
	PointPublic = "public"
	// PointGoing shows it only to people whose RSVP is going, through their
	// private manage link and their email, from the reveal time on.
	PointGoing = "going"
)

// PointVisibilities lists the accepted values of location_visibility.
var PointVisibilities = []string{PointPublic, PointGoing}

// PointHidden reports whether the meeting point is withheld from the public:
// public pages, lists, search, feeds, the API and federation then show the
// public area in its place.
func (e *Event) PointHidden() bool {
	return e.LocationVisibility != "" && e.LocationVisibility != PointPublic
}

// Public returns the event as anyone may see it. For an event whose meeting
// point is hidden it is a copy in which the public area stands where the
// venue was, and address, coordinates, online link and directions are empty,
// so that every surface built from it (pages, feeds, JSON, ActivityPub,
// email to people not entitled) shows the area and nothing more. Otherwise
// it is e itself. Public is idempotent.
func (e *Event) Public() *Event {
	if !e.PointHidden() || e.PointWithheld {
		return e
	}
	c := *e
	c.Venue, c.Address, c.OnlineURL, c.Directions = e.PublicArea, "", "", ""
	c.Latitude, c.Longitude = nil, nil
	c.PointWithheld = true
	return &c
}

// PointRevealed reports whether the time to share the meeting point with the
// people entitled to it has come (at once when no reveal time is set).
func (e *Event) PointRevealed(now time.Time) bool {
	return e.RevealAt == nil || !now.Before(*e.RevealAt)
}

// PointFor returns the event as the person holding r may see it: with the
// meeting point when it is public, or when r is going and the reveal time
// has come; otherwise as Public.
func (e *Event) PointFor(r *RSVP, now time.Time) *Event {
	if e.EntitledToPoint(r, now) {
		return e
	}
	return e.Public()
}

// EntitledToPoint reports whether the person holding r sees the meeting
// point at now.
func (e *Event) EntitledToPoint(r *RSVP, now time.Time) bool {
	if !e.PointHidden() {
		return true
	}
	return r != nil && r.Status == RSVPGoing && e.PointRevealed(now)
}

// LocalRevealAt is the reveal time in the event's zone, or the zero time.
func (e *Event) LocalRevealAt() time.Time {
	if e.RevealAt == nil {
		return time.Time{}
	}
	return e.RevealAt.In(e.Location())
}

// applyPoint validates and writes the meeting point's visibility, public
// area, directions and reveal time.
func (in EventInput) applyPoint(e *Event, loc *time.Location, fe FieldErrors) {
	if in.PublicArea != nil {
		e.PublicArea = strings.TrimSpace(*in.PublicArea)
		validText(fe, "public_area", e.PublicArea, MaxShortTextLen, false)
	}
	if in.Directions != nil {
		e.Directions = strings.TrimSpace(*in.Directions)
		validText(fe, "directions", e.Directions, MaxSummaryLen, true)
	}
	if in.LocationVisibility != nil {
		e.LocationVisibility = strings.TrimSpace(*in.LocationVisibility)
	}
	if e.LocationVisibility == "" {
		e.LocationVisibility = PointPublic
	}
	if e.LocationVisibility != PointPublic && e.LocationVisibility != PointGoing {
		fe.Add("location_visibility", "Choose public or going.")
		return
	}
	if in.RevealAt.Set {
		if in.RevealAt.Value == nil || strings.TrimSpace(*in.RevealAt.Value) == "" {
			e.RevealAt = nil
		} else if t, err := ParseLocalTime(strings.TrimSpace(*in.RevealAt.Value), loc); err != nil {
			fe.Add("reveal_at", ErrorMessage(err))
		} else {
			e.RevealAt = &t
		}
	}
	if !e.PointHidden() {
		if e.RevealAt != nil {
			fe.Add("reveal_at", "A public meeting point is shown at once: choose who sees it (people going) to set a time to share it.")
		}
		return
	}
	if e.PublicArea == "" {
		fe.Add("public_area", "Say roughly where the event is (for example \"central Edinburgh\"): it is what the public sees while the meeting point is hidden.")
	}
	if e.Venue == "" && e.Address == "" && e.OnlineURL == "" {
		fe.Add("venue", "Enter the meeting point to share with the people going.")
	}
	if e.RevealAt != nil && !e.StartsAt.IsZero() && e.RevealAt.After(e.StartsAt) {
		fe.Add("reveal_at", "Share the meeting point before the event starts.")
	}
}

// PublicEvents returns each event as Public does, in a new slice.
func PublicEvents(events []*Event) []*Event {
	out := make([]*Event, len(events))
	for i, e := range events {
		out[i] = e.Public()
	}
	return out
}
