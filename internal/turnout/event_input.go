package turnout

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// EventInput is what an organiser sends to create or change an event. A nil
// field is left as it is; for Capacity, Latitude, Longitude and RSVPClosesAt
// an explicit JSON null clears the value.
type EventInput struct {
	Title         *string           `json:"title"`
	Kind          *string           `json:"kind"`
	Summary       *string           `json:"summary"`
	Description   *string           `json:"description"`
	StartsAt      *string           `json:"starts_at"`
	EndsAt        *string           `json:"ends_at"`
	Timezone      *string           `json:"timezone"`
	Venue         *string           `json:"venue"`
	Address       *string           `json:"address"`
	Latitude      Nullable[float64] `json:"latitude"`
	Longitude     Nullable[float64] `json:"longitude"`
	OnlineURL     *string           `json:"online_url"`
	Accessibility *string           `json:"accessibility"`
	// The meeting point's visibility (public or going), the public area
	// shown while it is hidden, directions, and when to share it.
	LocationVisibility *string          `json:"location_visibility"`
	PublicArea         *string          `json:"public_area"`
	Directions         *string          `json:"directions"`
	RevealAt           Nullable[string] `json:"reveal_at"`
	Capacity           Nullable[int]    `json:"capacity"`
	MaxGuests          *int             `json:"max_guests"`
	RequireEmail       *bool            `json:"require_email"`
	// EmailConfirmHours is how many hours a supporter has to follow the
	// confirmation link when email is required (1 to 720, default 48).
	EmailConfirmHours *int `json:"email_confirm_hours"`
	// Reminders false stops reminder emails for this event.
	Reminders    *bool            `json:"reminders"`
	RSVPClosesAt Nullable[string] `json:"rsvp_closes_at"`
	Status       *string          `json:"status"`
	Articles     *[]ArticleInput  `json:"articles"`
	// Notify false keeps a change of time or place from being emailed to
	// the people coming (a trivial fix); nil or true tells them.
	Notify *bool `json:"notify"`
}

// Nullable is a JSON field that distinguishes absent (Set false), null
// (Set true, Value nil) and a value.
type Nullable[T any] struct {
	Set   bool
	Value *T
}

// UnmarshalJSON records that the field was present.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		n.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	n.Value = &v
	return nil
}

// Of returns a Nullable holding v.
func Of[T any](v T) Nullable[T] { return Nullable[T]{Set: true, Value: &v} }

// Apply validates in and writes it onto e. create is true for a new event,
// where title, kind, starts_at and ends_at are required. It reports whether a
// material change was made (one that calendar subscribers must see: title,
// times, zone, venue, address, online link, status), for which the caller
// bumps the event's sequence. On error e may be partly changed; callers apply
// onto a copy.
func (in EventInput) Apply(e *Event, create bool, defaultTZ string) (material bool, err error) {
	fe := FieldErrors{}
	before := *e
	setText := func(field string, dst *string, src *string, max int, multiline bool) {
		if src == nil {
			return
		}
		v := strings.TrimSpace(*src)
		validText(fe, field, v, max, multiline)
		*dst = v
	}
	setText("title", &e.Title, in.Title, MaxTitleLen, false)
	setText("summary", &e.Summary, in.Summary, MaxSummaryLen, true)
	setText("description", &e.Description, in.Description, MaxDescriptionLen, true)
	setText("venue", &e.Venue, in.Venue, MaxShortTextLen, false)
	setText("address", &e.Address, in.Address, MaxShortTextLen, true)
	setText("accessibility", &e.Accessibility, in.Accessibility, MaxSummaryLen, true)
	setText("online_url", &e.OnlineURL, in.OnlineURL, MaxURLLen, false)
	if (create || in.Title != nil) && e.Title == "" {
		fe.Add("title", "Give the event a title.")
	}
	if in.Kind != nil {
		e.Kind = strings.TrimSpace(*in.Kind)
	}
	if create && e.Kind == "" {
		e.Kind = KindOther
	}
	if !ValidKind(e.Kind) {
		fe.Add("kind", "Choose one of: "+strings.Join(Kinds, ", ")+".")
	}
	if e.OnlineURL != "" && !ValidHTTPURL(e.OnlineURL) {
		fe.Add("online_url", "Enter a full web address starting with http:// or https://.")
	}
	in.applyTimes(e, create, defaultTZ, fe)
	in.applyNumbers(e, fe)
	in.applyPoint(e, e.Location(), fe)
	if in.Reminders != nil {
		e.RemindersOff = !*in.Reminders
	}
	if in.RequireEmail != nil {
		e.RequireEmail = *in.RequireEmail
	}
	if in.Status != nil {
		switch s := *in.Status; s {
		case StatusDraft, StatusPublished:
			if e.Status == StatusCancelled && !create {
				fe.Add("status", "A cancelled event cannot change status.")
			} else {
				e.Status = s
			}
		default:
			fe.Add("status", "Status must be draft or published; cancel an event with the cancel action.")
		}
	} else if create {
		e.Status = StatusDraft
	}
	if in.Articles != nil && len(*in.Articles) > MaxArticles {
		fe.Add("articles", fmt.Sprintf("Link at most %d articles to one event.", MaxArticles))
	} else if in.Articles != nil {
		for i, a := range *in.Articles {
			a.validate(fe, "articles."+strconv.Itoa(i))
		}
	}
	if err := fe.Err(); err != nil {
		return false, err
	}
	// What calendars see: a hidden meeting point's changes reach only the
	// people entitled to it, so they do not move the public SEQUENCE.
	pub, old := e.Public(), before.Public()
	material = e.Title != before.Title || !e.StartsAt.Equal(before.StartsAt) || !e.EndsAt.Equal(before.EndsAt) ||
		e.Timezone != before.Timezone || pub.Venue != old.Venue || pub.Address != old.Address ||
		pub.OnlineURL != old.OnlineURL || e.Status != before.Status
	return material, nil
}

func (in EventInput) applyTimes(e *Event, create bool, defaultTZ string, fe FieldErrors) {
	oldLoc := e.Location()
	if in.Timezone != nil {
		e.Timezone = strings.TrimSpace(*in.Timezone)
	}
	if e.Timezone == "" {
		e.Timezone = defaultTZ
	}
	loc, err := LoadZone(e.Timezone)
	if err != nil {
		fe.Add("timezone", "Choose a time zone such as Europe/London.")
		return
	}
	// When only the zone changes, keep the wall-clock times the organiser sees.
	startStr, endStr := in.StartsAt, in.EndsAt
	if !create && in.Timezone != nil {
		if startStr == nil {
			s := e.StartsAt.In(oldLoc).Format(LocalLayout)
			startStr = &s
		}
		if endStr == nil {
			s := e.EndsAt.In(oldLoc).Format(LocalLayout)
			endStr = &s
		}
	}
	parse := func(field string, src *string, dst *time.Time) {
		if src == nil {
			if create {
				fe.Add(field, "Enter a date and time.")
			}
			return
		}
		t, err := ParseLocalTime(strings.TrimSpace(*src), loc)
		if err != nil {
			fe.Add(field, ErrorMessage(err))
			return
		}
		*dst = t
	}
	parse("starts_at", startStr, &e.StartsAt)
	parse("ends_at", endStr, &e.EndsAt)
	if in.RSVPClosesAt.Set {
		if in.RSVPClosesAt.Value == nil || strings.TrimSpace(*in.RSVPClosesAt.Value) == "" {
			e.RSVPClosesAt = nil
		} else if t, err := ParseLocalTime(strings.TrimSpace(*in.RSVPClosesAt.Value), loc); err != nil {
			fe.Add("rsvp_closes_at", ErrorMessage(err))
		} else {
			e.RSVPClosesAt = &t
		}
	}
	if _, bad := fe["starts_at"]; !bad {
		if _, bad := fe["ends_at"]; !bad && !e.EndsAt.After(e.StartsAt) {
			fe.Add("ends_at", "The end must be after the start.")
		} else if !bad && e.EndsAt.Sub(e.StartsAt) > MaxEventDuration {
			fe.Add("ends_at", "An event can last at most 60 days; post a longer campaign as several events.")
		}
	}
}

func (in EventInput) applyNumbers(e *Event, fe FieldErrors) {
	if in.Capacity.Set {
		switch v := in.Capacity.Value; {
		case v == nil:
			e.Capacity = nil
		case *v < 1 || *v > MaxCapacity:
			fe.Add("capacity", "Capacity must be a whole number from 1 to "+itoa(MaxCapacity)+", or empty for no limit.")
		default:
			c := *v
			e.Capacity = &c
		}
	}
	if in.EmailConfirmHours != nil {
		if h := *in.EmailConfirmHours; h < 1 || h > MaxEmailConfirmHours {
			fe.Add("email_confirm_hours", "Hours to confirm must be a whole number from 1 to "+itoa(MaxEmailConfirmHours)+".")
		} else {
			e.EmailConfirmHours = h
		}
	}
	if e.EmailConfirmHours == 0 {
		e.EmailConfirmHours = DefaultEmailConfirmHours
	}
	if in.MaxGuests != nil {
		if *in.MaxGuests < 0 || *in.MaxGuests > 50 {
			fe.Add("max_guests", "Guests per RSVP must be between 0 and 50.")
		} else {
			e.MaxGuests = *in.MaxGuests
		}
	}
	coord := func(field string, n Nullable[float64], limit float64, dst **float64) {
		if !n.Set {
			return
		}
		if n.Value == nil {
			*dst = nil
			return
		}
		if v := *n.Value; math.IsNaN(v) || v < -limit || v > limit {
			fe.Add(field, "Out of range.")
			return
		}
		v := *n.Value
		*dst = &v
	}
	coord("latitude", in.Latitude, 90, &e.Latitude)
	coord("longitude", in.Longitude, 180, &e.Longitude)
	if (e.Latitude == nil) != (e.Longitude == nil) {
		fe.Add("latitude", "Give both latitude and longitude, or neither.")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func formatCoord(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
