package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// scopeEvent is one thing an instance's scope listener reported.
type scopeEvent struct {
	kind   string
	scopes []string
	at     time.Time
}

// instance is one Turnout server with its own store (connection pool) and
// its scope listener running, as a process of a scaled-out deployment is.
type instance struct {
	srv    *Server
	app    *fiber.App
	st     *store.Store
	events chan scopeEvent
	// holdDeaf, while set, keeps the listener from reconnecting after it
	// reported "deaf" until release receives.
	holdDeaf atomic.Bool
	release  chan struct{}
}

func startInstance(t *testing.T, st *store.Store) *instance {
	t.Helper()
	in := &instance{st: st, events: make(chan scopeEvent, 8192), release: make(chan struct{})}
	in.srv = newServer(testConfig(t), slog.New(slog.NewTextHandler(io.Discard, nil)), st)
	in.srv.scopes.observe = func(kind string, scopes []string) {
		in.events <- scopeEvent{kind: kind, scopes: scopes, at: time.Now()}
		if kind == "deaf" && in.holdDeaf.Load() {
			<-in.release
		}
	}
	app, err := in.srv.app()
	if err != nil {
		t.Fatal(err)
	}
	in.app = app
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); in.srv.ListenScopes(ctx) }()
	t.Cleanup(func() {
		cancel()
		if in.holdDeaf.Swap(false) {
			close(in.release)
		}
		<-done
	})
	in.await(t, "listening", "")
	return in
}

// await waits for the listener to report kind (and, for "changed", a
// notification naming scope), skipping other reports.
func (in *instance) await(t *testing.T, kind, scope string) scopeEvent {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case ev := <-in.events:
			if ev.kind == kind && (scope == "" || containsString(ev.scopes, scope)) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %q %s from the scope listener within 15 s", kind, scope)
		}
	}
}

// get requests path from the instance, with extra headers as name, value.
func (in *instance) get(t *testing.T, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return do(t, in.app, req)
}

// fromMemory requests path and reports whether the page cache answered it.
func (in *instance) fromMemory(t *testing.T, path string) (bool, string) {
	t.Helper()
	before := in.srv.pageHits.Load()
	resp, body := in.get(t, path)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	return in.srv.pageHits.Load() > before, body
}

// twoInstances opens two stores on one fresh Postgres schema and starts an
// instance on each.
func twoInstances(t *testing.T) (*instance, *instance) {
	t.Helper()
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
	return startInstance(t, one), startInstance(t, two)
}

// TestPagesFromMemoryFollowEditsOnOtherInstance edits an event through
// instance A, 1,000 times (100 with -short), and after each edit's notification reaches instance
// B checks that B's next answers show it: event page, event JSON, group
// page, home page and group feed. Between edits B answers from memory.
func TestPagesFromMemoryFollowEditsOnOtherInstance(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	g, _ := seedGroup(t, a.st, "memory")
	e := seedEvent(t, a.st, g.ID, "Edit 0", 48*time.Hour, nil)
	scope := "event:" + strconv.FormatInt(e.ID, 10)
	b.await(t, "changed", scope) // the creation's: later ones are the edits'
	pages := []string{"/events/" + e.Slug, "/api/v1/events/" + e.Slug, "/groups/memory", "/"}
	feed := "/groups/memory/events.ics"
	for _, p := range append(pages, feed) {
		b.get(t, p) // the first request learns the scopes, the second keeps the bytes
		b.get(t, p)
	}
	var worst time.Duration
	edits := 1000 // as the issue measures it
	if testing.Short() {
		edits = 100
	}
	for i := 1; i <= edits; i++ {
		for _, p := range pages {
			if hit, _ := b.fromMemory(t, p); !hit {
				t.Fatalf("edit %d: %s not answered from memory", i, p)
			}
		}
		_, etag := feedETag(t, b, feed)
		if resp, _ := b.get(t, feed, "If-None-Match", etag); resp.StatusCode != 304 {
			t.Fatalf("edit %d: feed revalidation %d", i, resp.StatusCode)
		}
		title := "Edit " + strconv.Itoa(i)
		if _, err := a.st.UpdateEvent(ctx, e.ID, turnout.EventInput{Title: &title}); err != nil {
			t.Fatal(err)
		}
		committed := time.Now()
		heard := b.await(t, "changed", scope)
		if d := heard.at.Sub(committed); d > worst {
			worst = d
		}
		for _, p := range pages {
			before := b.srv.pageHits.Load()
			if _, body := b.get(t, p); !strings.Contains(body, title) {
				t.Fatalf("edit %d: %s on the other instance, after the notification %v, does not show %q (from memory %v): %.300s", i, p, heard.scopes, title, b.srv.pageHits.Load() > before, body[strings.Index(body, "<h1"):])
			}
		}
		if body, _ := feedETag(t, b, feed); !strings.Contains(body, title) {
			t.Fatalf("edit %d: feed does not show %q", i, title)
		}
	}
	t.Logf("%d edits: largest delay from commit on A to the notification on B: %s", edits, worst)
}

func feedETag(t *testing.T, in *instance, path string) (string, string) {
	t.Helper()
	resp, body := in.get(t, path)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	return body, resp.Header.Get("ETag")
}

// TestPagesReadThroughWhileListenerDown terminates instance B's LISTEN
// connection and keeps it from reconnecting: an edit through A, whose
// notification B cannot hear, shows on B's next request all the same (B
// reads versions from the database while deaf). Once B listens again it
// answers from memory and follows notifications again.
func TestPagesReadThroughWhileListenerDown(t *testing.T) {
	a, b := twoInstances(t)
	ctx := context.Background()
	g, _ := seedGroup(t, a.st, "deaf")
	e := seedEvent(t, a.st, g.ID, "Before", 48*time.Hour, nil)
	b.await(t, "changed", "event:"+strconv.FormatInt(e.ID, 10))
	path := "/events/" + e.Slug
	b.get(t, path)
	if hit, _ := b.fromMemory(t, path); hit {
		t.Fatal("second request from memory: the first only learns the scopes")
	}
	if hit, _ := b.fromMemory(t, path); !hit {
		t.Fatal("third request not from memory")
	}

	b.holdDeaf.Store(true)
	pid := b.srv.scopes.pid.Load()
	killed := time.Now()
	terminate(t, a.st, pid)
	deaf := b.await(t, "deaf", "")
	t.Logf("listener reported deaf %s after pg_terminate_backend", deaf.at.Sub(killed))
	title := "During"
	if _, err := a.st.UpdateEvent(ctx, e.ID, turnout.EventInput{Title: &title}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		hit, body := b.fromMemory(t, path)
		if !strings.Contains(body, title) {
			t.Fatalf("request %d while deaf shows a stale page", i)
		}
		if i > 0 && !hit {
			t.Errorf("request %d while deaf: bytes re-rendered although the version read from the database had not moved", i)
		}
	}
	b.holdDeaf.Store(false)
	released := time.Now()
	b.release <- struct{}{}
	back := b.await(t, "listening", "")
	t.Logf("listener reconnected and listening %s after it was let go", back.at.Sub(released))
	if hit, _ := b.fromMemory(t, path); !hit {
		t.Error("first request after reconnecting: the page held for the current version was not used")
	}
	title = "After"
	if _, err := a.st.UpdateEvent(ctx, e.ID, turnout.EventInput{Title: &title}); err != nil {
		t.Fatal(err)
	}
	b.await(t, "changed", "event:"+strconv.FormatInt(e.ID, 10))
	if _, body := b.get(t, path); !strings.Contains(body, title) {
		t.Fatal("after reconnecting, an edit is not followed")
	}
}

// terminate ends a Postgres backend, as a failover or an administrator would.
func terminate(t *testing.T, st *store.Store, pid uint32) {
	t.Helper()
	if pid == 0 {
		t.Fatal("no listener pid")
	}
	var ok bool
	if err := st.SQLDB().QueryRow("SELECT pg_terminate_backend($1)", int(pid)).Scan(&ok); err != nil || !ok {
		t.Fatalf("pg_terminate_backend(%d): %v %v", pid, ok, err)
	}
}

// TestRSVPMovesOnlyItsEventPage RSVPs to one event through instance A: B's
// page of that event shows the new count after the notification, while B
// keeps answering another event's page, the group page and the home page
// from memory.
func TestRSVPMovesOnlyItsEventPage(t *testing.T) {
	a, b := twoInstances(t)
	g, _ := seedGroup(t, a.st, "counts")
	one := seedEvent(t, a.st, g.ID, "One", 48*time.Hour, nil)
	other := seedEvent(t, a.st, g.ID, "Other", 72*time.Hour, nil)
	b.await(t, "changed", "event:"+strconv.FormatInt(other.ID, 10)) // the last write's
	paths := []string{"/events/" + one.Slug, "/events/" + other.Slug, "/groups/counts", "/"}
	for _, p := range paths {
		b.get(t, p)
		b.get(t, p)
	}
	if _, _, err := a.st.CreateRSVP(context.Background(), one.ID, turnout.RSVPInput{Name: "Ana", Status: turnout.RSVPGoing, Guests: 2}); err != nil {
		t.Fatal(err)
	}
	ev := b.await(t, "changed", "event:"+strconv.FormatInt(one.ID, 10))
	if len(ev.scopes) != 1 {
		t.Errorf("the RSVP notified %v, want its event alone", ev.scopes)
	}
	hit, body := b.fromMemory(t, paths[0])
	if hit || !strings.Contains(body, "3 people") {
		t.Errorf("event page after the RSVP: from memory %v, shows 3 people %v", hit, strings.Contains(body, "3 people"))
	}
	for _, p := range paths[1:] {
		if hit, _ := b.fromMemory(t, p); !hit {
			t.Errorf("%s was dropped from memory by an RSVP to another event", p)
		}
	}
}

// TestPagesFromMemoryOnOneInstance runs one instance with its listener on
// each database (SQLite: changes are told in process): writes show on the
// next request, anonymous revalidation is answered 304 from memory, and a
// signed-in or filtered request never uses the memory.
func TestPagesFromMemoryOnOneInstance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		in := startInstance(t, st)
		g, _ := seedGroup(t, st, "solo")
		e := seedEvent(t, st, g.ID, "Solo", 48*time.Hour, nil)
		path := "/events/" + e.Slug
		in.get(t, path)
		resp, _ := in.get(t, path)
		etag := resp.Header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag on a public page")
		}
		before := in.srv.pageHits.Load()
		if resp, _ := in.get(t, path, "If-None-Match", etag); resp.StatusCode != 304 || in.srv.pageHits.Load() != before+1 {
			t.Errorf("revalidation: %d, from memory %v", resp.StatusCode, in.srv.pageHits.Load() == before+1)
		}
		before = in.srv.pageHits.Load()
		if resp, _ := in.get(t, path, "Accept-Encoding", "gzip"); resp.Header.Get("Content-Encoding") != "gzip" || in.srv.pageHits.Load() != before+1 {
			t.Errorf("page from memory to a gzip client: Content-Encoding %q, from memory %v", resp.Header.Get("Content-Encoding"), in.srv.pageHits.Load() == before+1)
		}
		for _, h := range [][]string{{"Cookie", sessionCookie + "=x"}, {"Cookie", flashCookie + "=Saved"}, {"Authorization", "Bearer x"}} {
			before := in.srv.pageHits.Load()
			in.get(t, path, h...)
			if in.srv.pageHits.Load() != before {
				t.Errorf("request with %s answered from memory", h[0])
			}
		}
		before = in.srv.pageHits.Load()
		in.get(t, "/?kind=march")
		in.get(t, "/?kind=march")
		if in.srv.pageHits.Load() != before {
			t.Error("a filtered home page was answered from memory")
		}
		venue := "Town hall steps"
		if _, err := st.UpdateEvent(context.Background(), e.ID, turnout.EventInput{Venue: &venue}); err != nil {
			t.Fatal(err)
		}
		if _, body := in.get(t, path); !strings.Contains(body, venue) {
			t.Error("the edit does not show on the next request")
		}
		if _, err := st.CancelEvent(context.Background(), e.ID, "Storm warning"); err != nil {
			t.Fatal(err)
		}
		if _, body := in.get(t, "/api/v1/events/"+e.Slug); !strings.Contains(body, "Storm warning") {
			t.Error("the cancellation does not show in the event JSON")
		}
	})
}

// TestPageCacheStaysWithinBudget fills a small page cache past its byte
// budget: it evicts the least recently used entries and never holds more.
func TestPageCacheStaysWithinBudget(t *testing.T) {
	c := newPageCache(10_000)
	for i := 0; i < 100; i++ {
		c.put(&pageEntry{key: "k" + strconv.Itoa(i), deps: map[string]int64{"site": 1}, body: make([]byte, 1000)})
		if _, n := c.stats(); n > 10_000 {
			t.Fatalf("after %d puts the cache holds %d bytes", i+1, n)
		}
	}
	if c.get("k99") == nil || c.get("k0") != nil {
		t.Error("eviction is not least recently used first")
	}
	c.put(&pageEntry{key: "huge", body: make([]byte, 20_000)})
	if c.get("huge") != nil {
		t.Error("an entry larger than the whole budget was kept")
	}
}
