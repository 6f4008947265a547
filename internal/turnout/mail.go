package turnout

import (
	"context"
	"strings"
	"time"
)

// Kinds of email to supporters.
const (
	MailConfirmation = "confirmation" // an RSVP was recorded
	MailLink         = "link"         // a fresh manage link, asked for again
	MailChange       = "change"       // the event's time or place changed
	MailCancel       = "cancel"       // the event was cancelled
	MailPromotion    = "promotion"    // a waitlisted RSVP got a place
	MailReminder     = "reminder"     // the event starts soon
	MailMessage      = "message"      // the organisers wrote to the people coming

	// Kinds of email to organisers' accounts and invited organisers.
	MailPasswordReset   = "password_reset"   // a link to choose a new password
	MailPasswordChanged = "password_changed" // the account's password changed
	MailInvitation      = "invitation"       // an invitation to join a group
)

// ChangeAlertDelay is how long a change alert waits for further edits: edits
// within it become one message, sent at most two minutes after the last one
// (the worker polls every few seconds).
const ChangeAlertDelay = 110 * time.Second

// MailItem is one message taken from the outbox to send, with what it needs:
// the RSVP (with its email) and its event as they are now, or for mail to
// organisers the account or the invitation.
type MailItem struct {
	ID       int64
	Kind     string
	Attempts int // sends tried, this one included
	// Revision is the message's revision when it was claimed: a change
	// alert's rises with each edit that pushes it back.
	Revision int
	// Token is the manage token a confirmation or link message carries,
	// kept in the outbox only until the message is sent.
	Token string
	// Confirm is the token of the link that confirms a required email
	// (confirmation and link messages of an unconfirmed RSVP).
	Confirm string
	// Before is the event as the supporter last heard of it (change alerts).
	Before *EventPlace
	// Note is the organisers' message (kind message).
	Note *OrganiserMessage
	// Unsubscribe is the token of the RSVP's List-Unsubscribe link.
	Unsubscribe string
	RSVP        *RSVP
	Event       *Event
	// Account is the organiser's account of password mail (RSVP and Event
	// are then nil).
	Account *Account
	// Invitation is the invitation of an invitation message, with its
	// group and the address it goes to (RSVP and Event are then nil).
	Invitation *Invitation
	// Inviter is the name of the account that made the invitation, if any.
	Inviter string
}

// EventPlace is what a change alert compares: when and where.
type EventPlace struct {
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Venue     string    `json:"venue"`
	Address   string    `json:"address"`
	OnlineURL string    `json:"online_url"`
}

// PlaceOf is the time and place of e.
func PlaceOf(e *Event) EventPlace {
	return EventPlace{StartsAt: e.StartsAt.UTC(), EndsAt: e.EndsAt.UTC(), Venue: e.Venue, Address: e.Address, OnlineURL: e.OnlineURL}
}

// Same reports whether p and q name the same time and place.
func (p EventPlace) Same(q EventPlace) bool {
	return p.StartsAt.Equal(q.StartsAt) && p.EndsAt.Equal(q.EndsAt) && p.Venue == q.Venue && p.Address == q.Address && p.OnlineURL == q.OnlineURL
}

// MailFailure is a message that could not be delivered, for organisers.
type MailFailure struct {
	RSVPID int64
	Kind   string
	Error  string
	At     time.Time
}

// OutboxService is the store side of email: the worker claims due messages
// and reports what happened to each.
type OutboxService interface {
	// ClaimMail takes up to limit due messages for lease (no other worker
	// gets them until it ends) and returns them with their RSVP and event.
	// Messages whose RSVP lost its email or unsubscribed are deleted instead.
	ClaimMail(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*MailItem, error)
	// MailSent deletes a sent message and counts it; a change alert that
	// an edit pushed back while it was being sent stays queued instead.
	MailSent(ctx context.Context, item *MailItem) error
	// MailRetry puts a message back to be tried again at at.
	MailRetry(ctx context.Context, id int64, at time.Time, why string) error
	// MailFailed records that a message cannot be delivered, for organisers.
	MailFailed(ctx context.Context, id int64, kind, why string) error
	// QueueReminders queues the reminders due by now for each lead time
	// before the start, each once, and returns how many.
	QueueReminders(ctx context.Context, now time.Time, leads []time.Duration) (int, error)
	// ReleaseUnconfirmed deletes the RSVPs whose time to confirm a required
	// email ended by now, promoting the waitlist, and returns how many.
	ReleaseUnconfirmed(ctx context.Context, now time.Time) (int, error)
}

// MailService is what the web layer asks of the store about email.
type MailService interface {
	// SendManageLink gives the RSVP with this email at the event a fresh
	// manage token (the old link stops working) and queues it by email. It
	// reports nothing about whether there was such an RSVP.
	SendManageLink(ctx context.Context, eventID int64, email string) error
	// Unsubscribe stops mail to the RSVP of an unsubscribe token; ENOTFOUND
	// for an unknown token.
	Unsubscribe(ctx context.Context, token string) error
	// FindMailFailures lists undeliverable messages of an event's RSVPs.
	FindMailFailures(ctx context.Context, eventID int64) ([]MailFailure, error)
	// FindRSVPConfirmation returns the RSVP of a confirmation token and its
	// event; ENOTFOUND for an unknown token.
	FindRSVPConfirmation(ctx context.Context, token string) (*RSVP, *Event, error)
	// ConfirmRSVP confirms the required email of the RSVP of a confirmation
	// token, so that it is not released.
	ConfirmRSVP(ctx context.Context, token string) (*RSVP, *Event, error)
}

// MaxMessageSubjectLen and MaxMessageBodyLen bound an organiser's message.
const (
	MaxMessageSubjectLen = 150
	MaxMessageBodyLen    = 5000
)

// MessageInput is a message organisers send to the people coming: a subject,
// plain text, and which statuses get it (going, waitlisted, maybe).
type MessageInput struct {
	Subject string   `json:"subject"`
	Body    string   `json:"body"`
	To      []string `json:"to"`
}

// Validate trims and checks the message.
func (in *MessageInput) Validate() error {
	fe := FieldErrors{}
	in.Subject, in.Body = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Body)
	if in.Subject == "" {
		fe.Add("subject", "Give the message a subject.")
	}
	validText(fe, "subject", in.Subject, MaxMessageSubjectLen, false)
	if in.Body == "" {
		fe.Add("body", "Write the message.")
	}
	validText(fe, "body", in.Body, MaxMessageBodyLen, true)
	seen := map[string]bool{}
	var to []string
	for _, s := range in.To {
		if s != RSVPGoing && s != RSVPWaitlisted && s != RSVPMaybe {
			fe.Add("to", "Choose from going, waitlisted and maybe.")
			break
		}
		if !seen[s] {
			seen[s] = true
			to = append(to, s)
		}
	}
	if len(in.To) == 0 {
		fe.Add("to", "Choose who gets the message: going, waitlisted or maybe.")
	}
	in.To = to
	return fe.Err()
}

// OrganiserMessage is one message organisers sent, as the group's log shows
// it: who sent what to how many, never the addresses.
type OrganiserMessage struct {
	ID         int64
	EventID    int64
	Sender     string // the account's name, "" if the account is gone
	Subject    string
	Body       string
	Statuses   string // comma-separated
	Recipients int
	CreatedAt  time.Time
}

// OrganiserMailService sends and lists organisers' messages.
type OrganiserMailService interface {
	// SendOrganiserMessage queues one email to each RSVP of the event with
	// an email and one of the chosen statuses, logs the message, and returns
	// how many it queued.
	SendOrganiserMessage(ctx context.Context, eventID, accountID int64, in MessageInput) (int, error)
	// FindOrganiserMessages lists the event's messages, newest first.
	FindOrganiserMessages(ctx context.Context, eventID int64) ([]OrganiserMessage, error)
}
