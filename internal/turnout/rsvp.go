package turnout

import (
	"context"
	"strings"
	"time"
)

// RSVP statuses.
const (
	RSVPGoing      = "going"
	RSVPWaitlisted = "waitlisted"
	RSVPMaybe      = "maybe"
	RSVPNotGoing   = "not_going"
)

// MaxRSVPNameLen bounds the name (or nickname) a supporter gives.
const MaxRSVPNameLen = 100

// RSVP is a supporter's answer to an event. Name and Email are personal data:
// never shown outside the organiser's pages, and erased (PurgedAt set) a set
// number of days after the event ends. Only the hash of the manage token is kept.
type RSVP struct {
	ID              int64
	EventID         int64
	Name            string
	Email           *string
	Status          string
	Guests          int
	ManageTokenHash *string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	CheckedInAt     *time.Time
	PurgedAt        *time.Time
	// ConfirmBy is set while a required email is unconfirmed: the RSVP is
	// released then unless its confirmation link is followed first.
	ConfirmBy *time.Time
	// ConfirmTokenHash is the hash of the confirmation link's token.
	ConfirmTokenHash *string
	// Language is the code of the language the supporter RSVPed in; their
	// emails are written in it. It is erased with the name and email.
	Language string

	// Position is the 1-based place on the waitlist of a waitlisted RSVP,
	// filled in by the store where a page needs it.
	Position int `gorm:"-"`
}

// TableName is "rsvps".
func (RSVP) TableName() string { return "rsvps" }

// People is how many people the RSVP stands for: the supporter and guests.
func (r *RSVP) People() int { return 1 + r.Guests }

// Unconfirmed reports whether the RSVP waits for its email to be confirmed.
func (r *RSVP) Unconfirmed() bool { return r.ConfirmBy != nil }

// ReleaseAt is when an unconfirmed RSVP is released (zero when it waits
// for nothing).
func (r *RSVP) ReleaseAt() time.Time {
	if r.ConfirmBy == nil {
		return time.Time{}
	}
	return *r.ConfirmBy
}

// EmailValue is the email address or "".
func (r *RSVP) EmailValue() string {
	if r.Email == nil {
		return ""
	}
	return *r.Email
}

// RSVPInput is what a supporter sends to RSVP: from the event page's form or
// the JSON API. Status is what they ask for (going, maybe or not_going); the
// store decides whether "going" fits or goes on the waitlist.
type RSVPInput struct {
	Name   string `json:"name"`
	Email  string `json:"email"`
	Status string `json:"status"`
	Guests int    `json:"guests"`
	// Language is the language of the request that RSVPs (not a field of
	// the API: it follows Accept-Language like the rest of the answer).
	Language string `json:"-"`
}

// Validate trims and checks the input against the event's rules (guests up to
// MaxGuests, email required when RequireEmail) and normalises the email.
func (in *RSVPInput) Validate(e *Event) error {
	fe := FieldErrors{}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		fe.Add("name", "Give a name or nickname.")
	}
	validText(fe, "name", in.Name, MaxRSVPNameLen, false)
	in.Email = strings.TrimSpace(in.Email)
	if in.Email == "" {
		if e.RequireEmail {
			fe.Add("email", "The organisers ask for an email address for this event.")
		}
	} else if norm, ok := NormalizeEmail(in.Email); ok {
		in.Email = norm
	} else {
		fe.Add("email", "Enter an email address like name@example.org, or leave it empty.")
	}
	if in.Status == "" {
		in.Status = RSVPGoing
	}
	if !validRequestStatus(in.Status) {
		fe.Add("status", "Choose going, maybe or not going.")
	}
	validGuests(fe, in.Guests, e)
	return fe.Err()
}

// RSVPUpdate changes an RSVP from its manage link. Nil fields stay as they are.
type RSVPUpdate struct {
	Name   *string `json:"name"`
	Status *string `json:"status"`
	Guests *int    `json:"guests"`
}

// Validate trims and checks the update against the event's rules.
func (u *RSVPUpdate) Validate(e *Event) error {
	fe := FieldErrors{}
	if u.Name != nil {
		n := strings.TrimSpace(*u.Name)
		u.Name = &n
		if n == "" {
			fe.Add("name", "Give a name or nickname.")
		}
		validText(fe, "name", n, MaxRSVPNameLen, false)
	}
	if u.Status != nil && !validRequestStatus(*u.Status) {
		fe.Add("status", "Choose going, maybe or not going.")
	}
	if u.Guests != nil {
		validGuests(fe, *u.Guests, e)
	}
	return fe.Err()
}

func validRequestStatus(s string) bool {
	return s == RSVPGoing || s == RSVPMaybe || s == RSVPNotGoing
}

func validGuests(fe FieldErrors, n int, e *Event) {
	if n < 0 || n > e.MaxGuests {
		if e.MaxGuests == 0 {
			fe.Add("guests", "This event does not take guests.")
		} else {
			fe.Add("guests", "Bring between 0 and "+itoa(e.MaxGuests)+" guests.")
		}
	}
}

// RSVPCounts sums an event's RSVPs. Every count is of people, guests
// included; CheckedIn counts the people of checked-in RSVPs.
type RSVPCounts struct {
	Going      int
	Waitlisted int
	Maybe      int
	NotGoing   int
	CheckedIn  int
}

// MaxRSVPPage is the most RSVPs FindRSVPs returns at once.
const MaxRSVPPage = 1000

// RSVPFilter selects one page of an event's RSVPs in order of arrival.
type RSVPFilter struct {
	Query   string // words that the name or email must contain
	AfterID int64  // only RSVPs that arrived after this one (the last of the previous page)
	Limit   int    // at most this many, 1 to MaxRSVPPage
}

// RSVPService stores supporters' RSVPs. Capacity is enforced by the store,
// exactly, under any concurrency.
type RSVPService interface {
	// CreateRSVP records an RSVP and returns it with the manage token, which
	// is shown once and stored only hashed. A "going" RSVP that does not fit
	// whole is waitlisted. A second RSVP with the same email is ECONFLICT.
	CreateRSVP(ctx context.Context, eventID int64, in RSVPInput) (*RSVP, string, error)
	// FindRSVPByToken returns the RSVP of a manage token (with its waitlist
	// position) and its event, or ENOTFOUND.
	FindRSVPByToken(ctx context.Context, token string) (*RSVP, *Event, error)
	// UpdateRSVP changes the RSVP of a manage token, promoting waitlisted
	// RSVPs when places free up.
	UpdateRSVP(ctx context.Context, token string, u RSVPUpdate) (*RSVP, error)
	// CancelRSVP deletes the RSVP of a manage token, promoting waitlisted
	// RSVPs into the places it frees.
	CancelRSVP(ctx context.Context, token string) error
	// FindRSVPs lists one page of an event's RSVPs for its organisers (erased
	// ones left out), in order of arrival, with their waitlist positions.
	FindRSVPs(ctx context.Context, eventID int64, f RSVPFilter) ([]*RSVP, error)
	// CountRSVPs returns the counts of all the event's RSVPs and how many
	// RSVPs (erased ones left out) match the words of query, on every page.
	CountRSVPs(ctx context.Context, eventID int64, query string) (RSVPCounts, int, error)
	// FindEventRSVP returns one RSVP of the event by id (not a purged one).
	FindEventRSVP(ctx context.Context, eventID, rsvpID int64) (*RSVP, error)
	// SetCheckedIn marks an RSVP of the event as arrived at the door, or not.
	// Only a "going" RSVP can be checked in (ECONFLICT otherwise).
	SetCheckedIn(ctx context.Context, eventID, rsvpID int64, in bool) (*RSVP, error)
	// PurgeRSVPs erases the personal data of RSVPs to events that ended before
	// cutoff, keeping status and guests for the counts. It returns how many.
	PurgeRSVPs(ctx context.Context, cutoff time.Time) (int64, error)
}
