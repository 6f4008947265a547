package store_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestStoreTransactionsCollectScopes enforces the rule of scope.go: every
// transaction goes through Store.transaction, and a bump outside one fails.
func TestStoreTransactionsCollectScopes(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "scope.go" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			if strings.Contains(line, ".Transaction(") {
				t.Errorf("%s:%d opens a transaction without s.transaction, so its scope bumps reach no instance: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if err := st.BumpOutsideTransactionForTest(context.Background(), "site"); err == nil {
			t.Error("a bump outside Store.transaction succeeded")
		}
	})
}

// recorder collects what OnScopesChanged publishes.
type recorder struct {
	mu  sync.Mutex
	got [][]string
}

func (r *recorder) add(scopes []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := append([]string(nil), scopes...)
	sort.Strings(s)
	r.got = append(r.got, s)
}

// take returns what was published since the last take.
func (r *recorder) take() [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got = nil
	return got
}

func scopesOf(ids ...int64) []string {
	var out []string
	for _, id := range ids {
		out = append(out, "event:"+strconv.FormatInt(id, 10))
	}
	return out
}

// TestScopeVersionsOfPublicWrites checks which scopes each public write
// bumps and announces: event writes their site, group and event; RSVPs that
// change the going count their event alone; a group edit everything it shows
// in.
func TestScopeVersionsOfPublicWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		rec := &recorder{}
		st.OnScopesChanged(rec.add)
		a := newEvent(t, st, "scopes", 48*time.Hour, intp(10))
		g := "group:" + strconv.FormatInt(a.GroupID, 10)
		ea := scopesOf(a.ID)[0]
		if got := rec.take(); len(got) != 1 || !reflect.DeepEqual(got[0], sorted("site", g, ea)) {
			t.Fatalf("create event published %v", got)
		}
		title, start, end := "Second", time.Now().Add(72*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(74*time.Hour).UTC().Format(time.RFC3339)
		published := turnout.StatusPublished
		b, err := st.CreateEvent(ctx, a.GroupID, turnout.EventInput{Title: &title, StartsAt: &start, EndsAt: &end, Status: &published})
		if err != nil {
			t.Fatal(err)
		}
		eb := scopesOf(b.ID)[0]
		rec.take()
		all := []string{"site", g, ea, eb}
		before, err := st.FindScopeVersions(ctx, all)
		if err != nil {
			t.Fatal(err)
		}

		step := func(name string, want []string, write func() error) {
			t.Helper()
			if err := write(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got := rec.take()
			var flat []string
			for _, s := range got {
				flat = append(flat, s...)
			}
			sort.Strings(flat)
			if !reflect.DeepEqual(flat, sorted(want...)) {
				t.Errorf("%s published %v, want %v", name, got, want)
			}
			after, err := st.FindScopeVersions(ctx, all)
			if err != nil {
				t.Fatal(err)
			}
			for _, sc := range all {
				moved := after[sc] != before[sc]
				if moved != contains(want, sc) {
					t.Errorf("%s: version of %s went %d -> %d", name, sc, before[sc], after[sc])
				}
			}
			before = after
		}
		var token string
		step("RSVP going", []string{ea}, func() error {
			_, tok, err := st.CreateRSVP(ctx, a.ID, turnout.RSVPInput{Name: "Ana", Status: turnout.RSVPGoing})
			token = tok
			return err
		})
		step("RSVP maybe", nil, func() error {
			_, _, err := st.CreateRSVP(ctx, a.ID, turnout.RSVPInput{Name: "Bo", Status: turnout.RSVPMaybe})
			return err
		})
		step("RSVP more guests", []string{ea}, func() error {
			_, err := st.UpdateRSVP(ctx, token, turnout.RSVPUpdate{Guests: intp(2)})
			return err
		})
		step("RSVP cancelled", []string{ea}, func() error { return st.CancelRSVP(ctx, token) })
		step("event edited", []string{"site", g, ea}, func() error {
			venue := "The square"
			_, err := st.UpdateEvent(ctx, a.ID, turnout.EventInput{Venue: &venue})
			return err
		})
		step("event cancelled", []string{"site", g, eb}, func() error {
			_, err := st.CancelEvent(ctx, b.ID, "Rain")
			return err
		})
		step("group renamed", []string{"site", g, ea, eb}, func() error {
			name := "Renamed"
			_, err := st.UpdateGroup(ctx, a.GroupID, turnout.GroupInput{Name: &name})
			return err
		})
	})
}

func sorted(v ...string) []string {
	out := append([]string(nil), v...)
	sort.Strings(out)
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// heard is a ScopeListener that passes what it hears to channels.
type heard struct {
	listening chan uint32
	changed   chan []string
	deaf      chan error
}

func newHeard() *heard {
	return &heard{listening: make(chan uint32, 16), changed: make(chan []string, 1024), deaf: make(chan error, 16)}
}

func (h *heard) ScopesListening(pid uint32)    { h.listening <- pid }
func (h *heard) ScopesChanged(scopes []string) { h.changed <- scopes }
func (h *heard) ScopesDeaf(err error)          { h.deaf <- err }

// listen starts ListenScopes on st and waits until it listens.
func listen(t *testing.T, st *store.Store) *heard {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h := newHeard()
	done := make(chan struct{})
	go func() { defer close(done); st.ListenScopes(ctx, h) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-h.listening:
	case err := <-h.deaf:
		t.Fatalf("listen: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("not listening after 10 s")
	}
	return h
}

func nextHeard(t *testing.T, h *heard) []string {
	t.Helper()
	select {
	case s := <-h.changed:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no notification within 10 s")
		return nil
	}
}

// TestScopeRollbackNotifiesNothing bumps in a transaction that rolls back:
// no version moves, nothing is published in process and, on Postgres,
// nothing reaches a listener (the next notification it hears is that of a
// later committed bump).
func TestScopeRollbackNotifiesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		rec := &recorder{}
		st.OnScopesChanged(rec.add)
		var h *heard
		if st.Dialect() == store.Postgres {
			h = listen(t, st)
		}
		if err := st.BumpThenFailForTest(ctx, "event:999", "site"); err == nil {
			t.Fatal("the failing transaction succeeded")
		}
		if got := rec.take(); len(got) != 0 {
			t.Errorf("rolled-back transaction published %v", got)
		}
		v, err := st.FindScopeVersions(ctx, []string{"event:999", "site"})
		if err != nil {
			t.Fatal(err)
		}
		if v["event:999"] != 0 || v["site"] != 0 {
			t.Errorf("rolled-back bump left versions %v", v)
		}
		if err := st.BumpForTest(ctx, "event:1000"); err != nil {
			t.Fatal(err)
		}
		if got := rec.take(); len(got) != 1 || !reflect.DeepEqual(got[0], []string{"event:1000"}) {
			t.Errorf("committed bump published %v", got)
		}
		if h != nil {
			if got := nextHeard(t, h); !reflect.DeepEqual(got, []string{"event:1000"}) {
				t.Errorf("listener heard %v first, want the committed [event:1000] only", got)
			}
		}
	})
}

// TestScopeNotifyReachesOtherStore writes through one store and hears the
// change on the LISTEN connection of another store on the same database; an
// RSVP names its event only.
func TestScopeNotifyReachesOtherStore(t *testing.T) {
	target, ok := storetest.PostgresTarget(t)
	if !ok {
		t.Skip("needs Postgres: set " + storetest.EnvPostgres)
	}
	one := storetest.Open(t, target)
	two, err := store.Open(context.Background(), target.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { two.Close() })
	local := &recorder{}
	two.OnScopesChanged(local.add)
	h := listen(t, two)
	e := newEvent(t, one, "notify", 24*time.Hour, nil)
	if got := nextHeard(t, h); !reflect.DeepEqual(sorted(got...), sorted("site", "group:"+strconv.FormatInt(e.GroupID, 10), scopesOf(e.ID)[0])) {
		t.Errorf("create event: heard %v", got)
	}
	rsvp(t, one, e, "Ana", 0)
	if got := nextHeard(t, h); !reflect.DeepEqual(got, scopesOf(e.ID)) {
		t.Errorf("RSVP: heard %v, want %v only", got, scopesOf(e.ID))
	}
	if got := local.take(); len(got) != 0 {
		t.Errorf("the other store's in-process subscribers were told %v", got)
	}
}

// TestScopeNotifyStaysInItsSchema runs two stores in two schemas of one
// Postgres database, as two deployments (or two tests) sharing a database
// do: a change in one schema is never heard by the other's listener, whose
// first notification is its own schema's.
func TestScopeNotifyStaysInItsSchema(t *testing.T) {
	here, ok := storetest.PostgresTarget(t)
	if !ok {
		t.Skip("needs Postgres: set " + storetest.EnvPostgres)
	}
	there, _ := storetest.PostgresTarget(t)
	mine, theirs := storetest.Open(t, here), storetest.Open(t, there)
	h := listen(t, mine)
	ctx := context.Background()
	if err := theirs.BumpForTest(ctx, "event:41"); err != nil {
		t.Fatal(err)
	}
	if err := mine.BumpForTest(ctx, "event:42"); err != nil {
		t.Fatal(err)
	}
	if got := nextHeard(t, h); !reflect.DeepEqual(got, []string{"event:42"}) {
		t.Errorf("heard %v first, want this schema's [event:42] only", got)
	}
}
