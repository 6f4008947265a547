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
