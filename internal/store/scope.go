package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Scope versions: what keeps public pages held in memory exact.
//
// Every public scope ("site", "group:ID", "event:ID"; see turnout.FeedScopes)
// has a version in feed_versions. Instances keep rendered public responses
// (feeds, event and group pages, the home page, event JSON) keyed by these
// versions, so a write the public can see must move them, and every instance
// must hear that it did.
//
// The rule for every write in this package:
//
//   - Open transactions with s.transaction, never gorm's Transaction
//     (TestStoreTransactionsCollectScopes fails the build's tests otherwise).
//     It collects the scopes a transaction bumped and, once it has committed,
//     tells this process (OnScopesChanged); on Postgres the bump also sends
//     NOTIFY from inside the transaction, so other instances hear it on
//     commit and never on rollback.
//   - A change to an event as the public sees it (create, edit, publish,
//     cancel, delete, its articles) calls bumpFeedVersions(tx, event, t).
//   - A change to a group the public sees (name, description, website,
//     contact email, deletion) calls bumpGroupFeeds, or bumpFeedVersions
//     with the group alone when no event shows it.
//   - A change of an event's going count (RSVPs, waitlist promotion,
//     releases) goes through addGoing, which bumps that event's scope only:
//     never the site or group row, which every RSVP would then contend on.
//   - A new kind of public data (images, series, a meeting point shown on
//     the event page ...) bumps the scope of every page that shows it, in
//     the transaction that writes it, with bumpScopes.
//
// A bump outside s.transaction fails with errNoScopeCollector, so a missed
// wrapper shows in the first test that exercises the write.

// scopeChannel is the SQL of the Postgres NOTIFY channel of scope changes,
// one per schema (turnout_scopes_ and the start of the schema name's MD5),
// so that deployments or tests sharing one database in schemas of their own
// never hear each other's changes. Its payload is a comma-separated list of
// scope=version.
const scopeChannel = `'turnout_scopes_' || left(md5(current_schema()), 16)`

// errNoScopeCollector is returned by a bump made outside s.transaction.
var errNoScopeCollector = errors.New("store: scope version bumped outside Store.transaction; see the rule in scope.go")

// collectors maps the connection of each open s.transaction (its *sql.Tx,
// gorm's Statement.ConnPool, which tx.WithContext and nested transactions
// keep) to the scopeCollector of that transaction.
var collectors sync.Map

// scopeCollector gathers the scopes one transaction bumped.
type scopeCollector struct {
	mu     sync.Mutex
	scopes []string
}

func (c *scopeCollector) add(scopes []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.scopes = append(c.scopes, scopes...)
}

// scopeSubscribers are the functions told of committed scope changes.
type scopeSubscribers struct {
	mu  sync.RWMutex
	fns []func(scopes []string)
}

// OnScopesChanged registers fn to be called, in the writing goroutine, with
// the scopes of each transaction of this store that committed a bump. fn must
// be quick (drop entries from memory) and must not write to the store.
func (s *Store) OnScopesChanged(fn func(scopes []string)) {
	s.subs.mu.Lock()
	defer s.subs.mu.Unlock()
	s.subs.fns = append(s.subs.fns, fn)
}

func (s *Store) publishScopes(scopes []string) {
	s.subs.mu.RLock()
	defer s.subs.mu.RUnlock()
	for _, fn := range s.subs.fns {
		fn(scopes)
	}
}

// transaction runs fn in one database transaction and, when it committed,
// tells this process's subscribers which scopes it bumped. Every transaction
// of the store goes through here (see the rule above).
func (s *Store) transaction(ctx context.Context, fn func(tx *gorm.DB) error, opts ...*sql.TxOptions) error {
	col := &scopeCollector{}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		collectors.Store(tx.Statement.ConnPool, col)
		defer collectors.Delete(tx.Statement.ConnPool)
		return fn(tx)
	}, opts...)
	if err != nil {
		return err
	}
	if len(col.scopes) > 0 {
		s.publishScopes(dedupe(col.scopes))
	}
	return nil
}

func dedupe(list []string) []string {
	seen := make(map[string]bool, len(list))
	out := list[:0:0]
	for _, v := range list {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// bumpScopes advances the versions of scopes inside tx, a transaction opened
// by s.transaction. On Postgres the same statement sends NOTIFY, which the
// database delivers only if the transaction commits.
func bumpScopes(tx *gorm.DB, t time.Time, scopes ...string) error {
	if len(scopes) == 0 {
		return nil
	}
	c, ok := collectors.Load(tx.Statement.ConnPool)
	if !ok {
		return errNoScopeCollector
	}
	col := c.(*scopeCollector)
	rows := make([]string, len(scopes))
	args := make([]any, 0, 2*len(scopes)+1)
	for i, scope := range scopes {
		rows[i] = "(?, 1, ?)"
		args = append(args, scope, t)
	}
	upsert := `INSERT INTO feed_versions (scope, version, updated_at) VALUES ` + strings.Join(rows, ", ") + `
		ON CONFLICT (scope) DO UPDATE SET version = feed_versions.version + 1, updated_at = excluded.updated_at`
	var err error
	if tx.Dialector.Name() == Postgres {
		err = tx.Exec(`WITH bumped AS (`+upsert+` RETURNING scope, version)
			SELECT pg_notify(`+scopeChannel+`, string_agg(scope || '=' || version, ',')) FROM bumped`, args...).Error
	} else {
		err = tx.Exec(upsert, args...).Error
	}
	if err != nil {
		return err
	}
	col.add(scopes)
	return nil
}

// eventScope is the scope of one event's own pages.
func eventScope(id int64) string { return "event:" + strconv.FormatInt(id, 10) }

// FindScopeVersions returns the current versions of scopes in one query; a
// scope that has never changed has version 0.
func (s *Store) FindScopeVersions(ctx context.Context, scopes []string) (map[string]int64, error) {
	out := make(map[string]int64, len(scopes))
	if len(scopes) == 0 {
		return out, nil
	}
	var rows []struct {
		Scope   string
		Version int64
	}
	if err := s.db.WithContext(ctx).Table("feed_versions").Select("scope, version").
		Where("scope IN ?", scopes).Scan(&rows).Error; err != nil {
		return nil, markOutage(err) // Scan's errors skip the dialector's translation
	}
	for _, sc := range scopes {
		out[sc] = 0
	}
	for _, r := range rows {
		out[r.Scope] = r.Version
	}
	return out, nil
}

// ParseScopePayload reads the payload of a scope channel notification into
// its scopes (versions, after '=', are ignored: a receiver re-reads them).
func ParseScopePayload(payload string) []string {
	var scopes []string
	for _, part := range strings.Split(payload, ",") {
		scope, _, _ := strings.Cut(strings.TrimSpace(part), "=")
		if scope != "" {
			scopes = append(scopes, scope)
		}
	}
	return scopes
}
