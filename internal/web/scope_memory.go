package web

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/turnout-org/turnout/internal/turnout"
)

// scopeMemory is this instance's memory of the versions of public scopes
// ("site", "group:ID", "event:ID"), which key the public responses held in
// memory (pageCache, feedCache).
//
// A version is trusted only while the listener is in place: from its
// ScopesListening until its ScopesDeaf. Then a version read from the
// database stays until a notification names its scope, and a request whose
// scopes are all known needs no database round trip. Otherwise (no listener
// started, listener down, or reconnecting) every lookup reads the versions
// from the database, so answers stay exact, only slower. A read that was
// under way when a notification, a loss or a return of the listener arrived
// is used for its own request but not kept (epoch).
type scopeMemory struct {
	store turnout.ScopeService
	log   *slog.Logger

	mu       sync.Mutex
	trusted  bool
	epoch    uint64
	versions map[string]int64

	// pid is the listener's Postgres backend (for tests and logs).
	pid atomic.Uint32
	// ready is closed when the listener is first in place.
	ready     chan struct{}
	readyOnce sync.Once
	// observe, when set before the listener starts, is told of each
	// event ("listening", "changed", "deaf"); tests await notifications
	// with it.
	observe func(event string, scopes []string)
}

func newScopeMemory(st turnout.ScopeService, log *slog.Logger) *scopeMemory {
	m := &scopeMemory{store: st, log: log, versions: map[string]int64{}, ready: make(chan struct{})}
	st.OnScopesChanged(m.drop)
	return m
}

// lookup returns the current versions of scopes, from memory when it is
// trusted and holds them all, else from the database.
func (m *scopeMemory) lookup(ctx context.Context, scopes []string) (map[string]int64, error) {
	m.mu.Lock()
	if m.trusted {
		out := make(map[string]int64, len(scopes))
		for _, sc := range scopes {
			v, ok := m.versions[sc]
			if !ok {
				break
			}
			out[sc] = v
		}
		if len(out) == len(scopes) {
			m.mu.Unlock()
			return out, nil
		}
	}
	epoch := m.epoch
	m.mu.Unlock()
	got, err := m.store.FindScopeVersions(ctx, scopes)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if m.trusted && m.epoch == epoch {
		for sc, v := range got {
			m.versions[sc] = v
		}
	}
	m.mu.Unlock()
	return got, nil
}

// known returns a scope's version only if memory holds it and is trusted:
// the lookup of a request that must not wait on the database.
func (m *scopeMemory) known(scope string) (int64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.trusted {
		return 0, false
	}
	v, ok := m.versions[scope]
	return v, ok
}

// drop forgets the versions of scopes that changed.
func (m *scopeMemory) drop(scopes []string) {
	m.mu.Lock()
	m.epoch++
	for _, sc := range scopes {
		delete(m.versions, sc)
	}
	m.mu.Unlock()
}

// reset forgets every version and sets whether memory may be trusted.
func (m *scopeMemory) reset(trusted bool) {
	m.mu.Lock()
	m.epoch++
	m.trusted = trusted
	clear(m.versions)
	m.mu.Unlock()
}

// ScopesListening implements turnout.ScopeListener: what was known before
// may have changed unheard, so memory starts empty, and is trusted from now.
func (m *scopeMemory) ScopesListening(pid uint32) {
	m.pid.Store(pid)
	m.reset(true)
	m.readyOnce.Do(func() { close(m.ready) })
	m.log.Info("scope listener in place: public pages served from memory", "pid", pid)
	m.tell("listening", nil)
}

// ScopesChanged implements turnout.ScopeListener.
func (m *scopeMemory) ScopesChanged(scopes []string) {
	m.drop(scopes)
	m.tell("changed", scopes)
}

// ScopesDeaf implements turnout.ScopeListener: from now every lookup reads
// the database, until the listener is back.
func (m *scopeMemory) ScopesDeaf(err error) {
	m.pid.Store(0)
	m.reset(false)
	m.log.Warn("scope listener lost: public pages read their versions from the database until it is back", "err", err)
	m.tell("deaf", nil)
}

func (m *scopeMemory) tell(event string, scopes []string) {
	if m.observe != nil {
		m.observe(event, scopes)
	}
}

// isTrusted reports whether the listener is in place.
func (m *scopeMemory) isTrusted() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.trusted
}
