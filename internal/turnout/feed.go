package turnout

import (
	"context"
	"time"
)

// FeedWindow is how long an event stays in the site and group feeds after it
// ends, so that subscribers keep seeing a cancellation or a late change.
const FeedWindow = 30 * 24 * time.Hour

// MaxFeedEvents caps how many events one feed query returns. The encoder caps
// the feed again by size (see the feed package), nearest events first.
const MaxFeedEvents = 1000

// FeedQuery selects the events of one calendar feed: every listed (published
// or cancelled) event that ends after Now-FeedWindow, in one group or the
// whole site, of the given kinds.
type FeedQuery struct {
	GroupID int64     // only this group's events; 0 for the whole site
	Kinds   []string  // only these kinds; empty for all
	Now     time.Time // the instant the window is measured from
	Limit   int       // at most this many; 0 or more than MaxFeedEvents means MaxFeedEvents
}

// FeedVersion is the version of one feed scope ("site", "group:ID",
// "event:ID"; see FeedScopes). It rises in the same transaction as any change
// to an event in the scope, so a cached feed keyed by it is never stale.
type FeedVersion struct {
	Scope     string
	Version   int64     // 0 when nothing in the scope has ever changed
	UpdatedAt time.Time // when Version last rose; zero when Version is 0
}

// FeedService finds what calendar feeds need.
//
// The rule every writer must follow: any change to an event that shows in a
// feed (create, update, cancel, delete, a change of
// its group's name or contact email) bumps the feed versions of every scope
// in FeedScopes(event) in the same transaction as the change itself.
type FeedService interface {
	// FindFeedEvents returns the events of a feed with their groups and
	// linked articles, nearest first (see SortFeedEvents).
	FindFeedEvents(ctx context.Context, q FeedQuery) ([]*Event, error)
	// FindFeedVersion returns the current version of a feed scope.
	FindFeedVersion(ctx context.Context, scope string) (FeedVersion, error)
	// FindGroupFeedVersion returns a group and its feed's version at once.
	FindGroupFeedVersion(ctx context.Context, slug string) (*Group, FeedVersion, error)
}

// ScopeService keeps each instance's memory of scope versions exact: the
// versions themselves, the changes this process commits, and a listener for
// the changes every instance commits (Postgres LISTEN/NOTIFY).
type ScopeService interface {
	// FindScopeVersions returns the current version of each scope (0 for
	// one that never changed) in one round trip.
	FindScopeVersions(ctx context.Context, scopes []string) (map[string]int64, error)
	// OnScopesChanged registers fn to hear the scopes of each transaction
	// of this process once it has committed.
	OnScopesChanged(fn func(scopes []string))
	// ListenScopes tells l of every committed change, from any instance,
	// until ctx ends, reconnecting when the connection drops.
	ListenScopes(ctx context.Context, l ScopeListener)
}

// ScopeListener is told what the listening connection of ListenScopes hears.
type ScopeListener interface {
	// ScopesListening says the listener is in place (on the Postgres
	// backend pid; 0 on SQLite): every commit from now on will be heard, so
	// versions read after this call may be trusted until ScopesDeaf.
	ScopesListening(pid uint32)
	// ScopesChanged names the scopes of one committed transaction, of any
	// instance.
	ScopesChanged(scopes []string)
	// ScopesDeaf says the connection dropped: changes may go unheard until
	// the next ScopesListening.
	ScopesDeaf(err error)
}

// FeedRank orders feed events nearest first: events that have not ended yet,
// soonest start first, then events that ended within the window, most recently
// ended first. The order changes only at the instant an event ends, so a
// feed capped by it stays the same between those instants.
func FeedRank(a, b *Event, now time.Time) bool {
	aUp, bUp := a.EndsAt.After(now), b.EndsAt.After(now)
	switch {
	case aUp != bUp:
		return aUp
	case aUp:
		if !a.StartsAt.Equal(b.StartsAt) {
			return a.StartsAt.Before(b.StartsAt)
		}
	default:
		if !a.EndsAt.Equal(b.EndsAt) {
			return a.EndsAt.After(b.EndsAt)
		}
	}
	return a.ID < b.ID
}

// NextFeedChange is the first instant after now at which the content of a
// windowed feed holding events can change with no write to the database: when
// one of them ends (its rank moves) or leaves the window. It returns the zero
// time when no such instant exists.
func NextFeedChange(events []*Event, now time.Time) time.Time {
	var next time.Time
	consider := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, e := range events {
		consider(e.EndsAt)
		consider(e.EndsAt.Add(FeedWindow))
	}
	return next
}
