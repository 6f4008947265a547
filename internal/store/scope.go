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
//     Its notification is not sent from the transaction: Postgres takes one
//     database-wide lock to commit a transaction that notified, which would
//     serialise every RSVP commit. The version moves in the transaction;
//     this process drops it at once after commit, and a notifier sends the
//     count scopes of many commits in one NOTIFY just after (countNotifier).
//     The one gap: an instance that dies between an RSVP's commit and that
//     NOTIFY leaves other instances showing the previous count of that
//     event until its next change or their next listener reconnect.
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
// scope or scope=version.
const scopeChannel = `'turnout_scopes_' || left(md5(current_schema()), 16)`

// errNoScopeCollector is returned by a bump made outside s.transaction.
var errNoScopeCollector = errors.New("store: scope version bumped outside Store.transaction; see the rule in scope.go")

// collectors maps the connection of each open s.transaction (its *sql.Tx,
// gorm's Statement.ConnPool, which tx.WithContext and nested transactions
// keep) to the scopeCollector of that transaction.
var collectors sync.Map

// scopeCollector gathers the scopes one transaction bumped; counts are
// those whose NOTIFY is left to the countNotifier.
type scopeCollector struct {
	mu     sync.Mutex
	scopes []string
	counts []string
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
	if len(col.counts) > 0 && s.dialect == Postgres {
		s.counts.add(s, col.counts)
	}
	return nil
}

// bumpCountScope moves the version of an event whose going count changed,
// without NOTIFY (see the rule above); SQLite, whose one process hears it
// in process.
func bumpCountScope(tx *gorm.DB, eventID int64) error {
	col, err := collectorOf(tx)
	if err != nil {
		return err
	}
	if err := tx.Exec(`INSERT INTO feed_versions (scope, version, updated_at) VALUES (?, 1, ?)
		ON CONFLICT (scope) DO UPDATE SET version = feed_versions.version + 1, updated_at = excluded.updated_at`,
		eventScope(eventID), now()).Error; err != nil {
		return err
	}
	col.add([]string{eventScope(eventID)})
	return nil
}

// countBumped records that tx moved an event's version for its count (the
// statement did it), to be told in process and, batched, to other instances.
func countBumped(tx *gorm.DB, eventID int64) error {
	col, err := collectorOf(tx)
	if err != nil {
		return err
	}
	col.add([]string{eventScope(eventID)})
	col.mu.Lock()
	col.counts = append(col.counts, eventScope(eventID))
	col.mu.Unlock()
	return nil
}

func collectorOf(tx *gorm.DB) (*scopeCollector, error) {
	c, ok := collectors.Load(tx.Statement.ConnPool)
	if !ok {
		return nil, errNoScopeCollector
	}
	return c.(*scopeCollector), nil
}

// countNotifier sends the count scopes committed by this process in
// batches: one NOTIFY in flight at a time, carrying every scope queued while
// the previous one was sent, so that RSVP commits never wait on each other
// for it. Failed sends are retried; the scopes stay queued.
type countNotifier struct {
	mu      sync.Mutex
	pending map[string]bool
	running bool
}

// notifyPayloadMax keeps a NOTIFY payload under Postgres's 8000 bytes.
const notifyPayloadMax = 7000

func (n *countNotifier) add(s *Store, scopes []string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.pending == nil {
		n.pending = map[string]bool{}
	}
	for _, sc := range scopes {
		n.pending[sc] = true
	}
	if !n.running {
		n.running = true
		go n.run(s)
	}
}

// run sends what is pending until nothing is, then stops.
func (n *countNotifier) run(s *Store) {
	delay := listenRetryMin
	for {
		n.mu.Lock()
		if len(n.pending) == 0 {
			n.running = false
			n.mu.Unlock()
			return
		}
		var batch []string
		size := 0
		for sc := range n.pending {
			if size+len(sc)+1 > notifyPayloadMax {
				break
			}
			batch = append(batch, sc)
			size += len(sc) + 1
			delete(n.pending, sc)
		}
		n.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := s.db.WithContext(ctx).Exec("SELECT pg_notify("+scopeChannel+", ?)", strings.Join(batch, ",")).Error
		cancel()
		if err == nil {
			delay = listenRetryMin
			continue
		}
		if s.closed.Load() {
			return
		}
		n.mu.Lock()
		for _, sc := range batch {
			n.pending[sc] = true
		}
		n.mu.Unlock()
		time.Sleep(delay)
		if delay *= 2; delay > listenRetryMax {
			delay = listenRetryMax
		}
	}
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
	col, err := collectorOf(tx)
	if err != nil {
		return err
	}
	rows := make([]string, len(scopes))
	args := make([]any, 0, 2*len(scopes)+1)
	for i, scope := range scopes {
		rows[i] = "(?, 1, ?)"
		args = append(args, scope, t)
	}
	upsert := `INSERT INTO feed_versions (scope, version, updated_at) VALUES ` + strings.Join(rows, ", ") + `
		ON CONFLICT (scope) DO UPDATE SET version = feed_versions.version + 1, updated_at = excluded.updated_at`
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
