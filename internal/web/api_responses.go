package web

import (
	"time"

	"github.com/turnout-org/turnout/internal/turnout"
)

// The JSON answers of the API besides the event itself (api_event.go). Each
// is the schema of the same name without "api" in /api/v1/openapi.json; a
// test checks that each has the fields its schema documents.

// apiEventList is GET /api/v1/events: a page of events and the URL of the
// next page, null on the last.
type apiEventList struct {
	Events []apiEvent `json:"events"`
	Next   *string    `json:"next"`
}

// apiRSVPCreated answers POST /api/v1/events/{slug}/rsvps. ManageURL, the
// private link, is shown this once, and only to a new RSVP: a second RSVP
// with an email already known gets the same answer without it (the link
// is mailed to the address).
type apiRSVPCreated struct {
	Status           string  `json:"status"`
	Guests           int     `json:"guests"`
	ManageURL        string  `json:"manage_url,omitempty"`
	WaitlistPosition int     `json:"waitlist_position,omitempty"`
	ConfirmBy        *string `json:"confirm_by,omitempty"`
}

// apiRSVP is an RSVP as its own manage link sees it.
type apiRSVP struct {
	Name             string       `json:"name"`
	Email            *string      `json:"email"`
	Status           string       `json:"status"`
	Guests           int          `json:"guests"`
	CreatedAt        string       `json:"created_at"`
	WaitlistPosition int          `json:"waitlist_position,omitempty"`
	Event            apiRSVPEvent `json:"event"`
	// MeetingPoint is present when the event's meeting point is hidden.
	MeetingPoint *apiMeetingPoint `json:"meeting_point,omitempty"`
}

// apiMeetingPoint is a hidden meeting point as one RSVP's holder may see
// it: shared, with the point, once they are going and the reveal time has
// come; otherwise the public area and when it will be shared.
type apiMeetingPoint struct {
	Shared     bool     `json:"shared"`
	PublicArea string   `json:"public_area"`
	SharedAt   *string  `json:"shared_at,omitempty"`
	Venue      string   `json:"venue,omitempty"`
	Address    string   `json:"address,omitempty"`
	OnlineURL  string   `json:"online_url,omitempty"`
	Directions string   `json:"directions,omitempty"`
	Latitude   *float64 `json:"latitude,omitempty"`
	Longitude  *float64 `json:"longitude,omitempty"`
}

// apiRSVPEvent names the event of an RSVP with its page and calendar.
type apiRSVPEvent struct {
	Slug   string `json:"slug"`
	Title  string `json:"title"`
	URL    string `json:"url"`
	ICSURL string `json:"ics_url"`
}

// apiRSVPList is GET /api/v1/events/{slug}/rsvps, for the event's
// organisers: the whole event's counts, how many RSVPs match the search,
// one page of them and the URL of the next page, null on the last.
type apiRSVPList struct {
	Counts apiRSVPCounts      `json:"counts"`
	Total  int                `json:"total"`
	RSVPs  []apiOrganiserRSVP `json:"rsvps"`
	Next   *string            `json:"next"`
}

// apiRSVPCounts are an event's people by status, guests included.
type apiRSVPCounts struct {
	Going      int `json:"going"`
	Waitlisted int `json:"waitlisted"`
	Maybe      int `json:"maybe"`
	NotGoing   int `json:"not_going"`
	CheckedIn  int `json:"checked_in"`
}

// apiOrganiserRSVP is one RSVP on the organisers' list.
type apiOrganiserRSVP struct {
	ID               int64   `json:"id"`
	Name             string  `json:"name"`
	Email            *string `json:"email"`
	Status           string  `json:"status"`
	Guests           int     `json:"guests"`
	CreatedAt        string  `json:"created_at"`
	CheckedIn        bool    `json:"checked_in"`
	WaitlistPosition int     `json:"waitlist_position,omitempty"`
	Unconfirmed      bool    `json:"unconfirmed"`
	ConfirmBy        *string `json:"confirm_by,omitempty"`
}

// apiMessage is an answer that only says something to the caller.
type apiMessage struct {
	Message string `json:"message"`
}

// apiMessageQueued answers an organiser's message: how many people get it.
type apiMessageQueued struct {
	Recipients int `json:"recipients"`
}

// apiError is the JSON answer of every error.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

// apiErrorBody says what went wrong: a code, a message safe to show, and a
// message per invalid field.
type apiErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// toAPIOrganiserRSVP is r on the organisers' list.
func toAPIOrganiserRSVP(r *turnout.RSVP) apiOrganiserRSVP {
	return apiOrganiserRSVP{ID: r.ID, Name: r.Name, Email: r.Email, Status: r.Status, Guests: r.Guests,
		CreatedAt: r.CreatedAt.UTC().Format(time.RFC3339), CheckedIn: r.CheckedInAt != nil,
		WaitlistPosition: r.Position, Unconfirmed: r.Unconfirmed(), ConfirmBy: apiTime(r.ConfirmBy)}
}

// apiTime is t in RFC 3339, UTC, or nil.
func apiTime(t *time.Time) *string {
	if t == nil {
		return nil
	}
	v := t.UTC().Format(time.RFC3339)
	return &v
}
