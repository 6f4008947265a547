package turnout

import (
	"context"
	"strconv"
	"time"
)

// Activity kinds a group announces to its followers.
const (
	ActivityCreate = "Create"
	ActivityUpdate = "Update"
	ActivityDelete = "Delete"
)

// Follower is a remote actor (a Mastodon account, a Mobilizon group, a
// Gancio instance) that follows a group. Only what delivery needs is kept:
// the actor's id and inboxes, never a name or a profile.
type Follower struct {
	ID          int64
	GroupID     int64
	ActorID     string
	Inbox       string
	SharedInbox string
	Domain      string
	CreatedAt   time.Time
}

// DeliveryInbox is where activities for f go: the shared inbox of its
// server when it has one, so that a server hears each activity once.
func (f *Follower) DeliveryInbox() string {
	if f.SharedInbox != "" {
		return f.SharedInbox
	}
	return f.Inbox
}

// Announcement is one activity a group owes its followers about an event:
// a Create when the event is first published, an Update when it changes in
// a way calendars care about (its SEQUENCE rose, or it was cancelled), a
// Delete when it is deleted or no longer public. Event is nil for a Delete.
type Announcement struct {
	Kind     string
	EventID  int64
	GroupID  int64
	EventUID string
	Group    *Group
	Event    *Event
}

// Delivery is one signed POST of an activity to one inbox, sent by the
// delivery worker with retries.
type Delivery struct {
	ID        int64
	GroupID   int64 // whose key signs it
	GroupSlug string
	Inbox     string
	Body      []byte
	Attempts  int
}

// ActorKey is an actor's RSA key pair: the public key as PEM, the private
// key sealed with the instance's secret (TURNOUT_SECRET_KEY).
type ActorKey struct {
	PublicPEM  string
	SealedPriv string
}

// FederationService stores what ActivityPub needs: keys, followers, what
// has been announced, and the deliveries waiting to go out.
type FederationService interface {
	// ActorKey returns the key of owner ("instance" or GroupKeyOwner),
	// storing the one newKey makes if owner has none yet.
	ActorKey(ctx context.Context, owner string, newKey func() (*ActorKey, error)) (*ActorKey, error)

	// AddFollower records f, or refreshes its inboxes if it already follows.
	AddFollower(ctx context.Context, f *Follower) error
	// RemoveFollower stops actorID following the group; no error if it did not.
	RemoveFollower(ctx context.Context, groupID int64, actorID string) error
	// FindFollowers lists a group's followers, oldest first.
	FindFollowers(ctx context.Context, groupID int64) ([]*Follower, error)
	// CountFollowers counts a group's followers.
	CountFollowers(ctx context.Context, groupID int64) (int, error)
	// BlockDomain refuses follows and deliveries from domain for the group
	// and removes the followers it has there.
	BlockDomain(ctx context.Context, groupID int64, domain string) error
	// UnblockDomain lifts a block.
	UnblockDomain(ctx context.Context, groupID int64, domain string) error
	// FindBlockedDomains lists a group's blocked domains.
	FindBlockedDomains(ctx context.Context, groupID int64) ([]string, error)
	// DomainBlocked reports whether domain is blocked for the group.
	DomainBlocked(ctx context.Context, groupID int64, domain string) (bool, error)
	// SetFederation turns federation of a group on or off.
	SetFederation(ctx context.Context, groupID int64, on bool) error
	// FederationOn reports whether a group federates.
	FederationOn(ctx context.Context, groupID int64) (bool, error)

	// Announce finds up to limit announcements owed to followers and, in
	// one transaction each, records them and queues one delivery of the
	// body render makes to every inbox of the group's followers. Several
	// instances may call it at once: each announcement is queued once.
	Announce(ctx context.Context, now time.Time, limit int, render func(*Announcement) ([]byte, error)) (int, error)
	// QueueDelivery queues one delivery (an Accept, for example).
	QueueDelivery(ctx context.Context, d *Delivery, due time.Time) error
	// ClaimDeliveries takes up to limit due deliveries for lease, as
	// ClaimMail does for mail.
	ClaimDeliveries(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]*Delivery, error)
	// DeliverySent deletes a delivered activity.
	DeliverySent(ctx context.Context, id int64) error
	// DeliveryRetry releases a delivery to be tried again at at.
	DeliveryRetry(ctx context.Context, id int64, at time.Time, why string) error
	// DeliveryFailed gives a delivery up for good, keeping the reason.
	DeliveryFailed(ctx context.Context, id int64, why string) error
	// CountDeliveries counts deliveries waiting and given up.
	CountDeliveries(ctx context.Context) (waiting, failed int, err error)

	// FindEventByUID returns a published or cancelled event by its UID.
	FindEventByUID(ctx context.Context, uid string) (*Event, error)
}

// InstanceKeyOwner owns the instance actor's key.
const InstanceKeyOwner = "instance"

// GroupKeyOwner names the owner of a group's key.
func GroupKeyOwner(groupID int64) string {
	return "group:" + strconv.FormatInt(groupID, 10)
}
