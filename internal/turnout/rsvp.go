package turnout

import "time"

// RSVP statuses.
const (
	RSVPGoing      = "going"
	RSVPWaitlisted = "waitlisted"
	RSVPMaybe      = "maybe"
	RSVPNotGoing   = "not_going"
)

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
}

// TableName is "rsvps".
func (RSVP) TableName() string { return "rsvps" }

// People is how many people the RSVP stands for: the supporter and guests.
func (r *RSVP) People() int { return 1 + r.Guests }
