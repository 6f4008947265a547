package web

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/store/storetest"
)

// decoratedStore is a Store behind another layer (as instrumentation would
// put it): only the Store interface's methods show through. It counts pings.
type decoratedStore struct {
	Store
	pings atomic.Int64
}

func (d *decoratedStore) Ping(ctx context.Context) error {
	d.pings.Add(1)
	return d.Store.Ping(ctx)
}

// TestOutageFromStoreError: a write while SQLite's write lock is held
// elsewhere fails busy; the store's error says EUNAVAILABLE, so the answer is
// 503 with Retry-After, even through a store decorator, without pinging.
func TestOutageFromStoreError(t *testing.T) {
	target := storetest.SQLiteTarget(t)
	direct := storetest.Open(t, target)
	g, _ := seedGroup(t, direct, "busy")
	e := seedEvent(t, direct, g.ID, "Busy march", 24*time.Hour, nil)
	st := storetest.LockedSQLite(t, target)
	dec := &decoratedStore{Store: st}
	app, err := New(testConfig(t), slog.New(slog.DiscardHandler), dec)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"name": {"Ash"}, "status": {"going"}, "guests": {"0"}}
	req := httptest.NewRequest("POST", "/events/"+e.Slug+"/rsvp", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := do(t, app, req)
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "cannot reach its database") {
		t.Errorf("status %d, Retry-After %q: %.300s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if n := dec.pings.Load(); n != 0 {
		t.Errorf("the error path pinged the database %d times", n)
	}
}

// TestPanicAnsweredOnceAndLogged: a handler that panics gets one 500 page
// and, like every request, one request log line with its status.
func TestPanicAnsweredOnceAndLogged(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	var logs lockedBuffer
	app, err := New(testConfig(t), slog.New(slog.NewJSONHandler(&logs, nil)), st)
	if err != nil {
		t.Fatal(err)
	}
	app.Get("/boom", func(*fiber.Ctx) error { panic("boom") })
	resp, body := do(t, app, httptest.NewRequest("GET", "/boom", nil))
	if resp.StatusCode != 500 || strings.Contains(body, "boom") || resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("status %d, CSP %q: %.300s", resp.StatusCode, resp.Header.Get("Content-Security-Policy"), body)
	}
	count := map[string]int{}
	for _, l := range logs.lines() {
		count[l["msg"].(string)]++
		if l["msg"] == "request" && l["status"] != float64(500) {
			t.Errorf("request logged with status %v, want 500", l["status"])
		}
	}
	if count["request"] != 1 || count["panic"] != 1 {
		t.Errorf("log lines %v, want one request and one panic", count)
	}
}

// TestMetricsThroughDecoratedStore: /metrics reports the database pool of
// any Store, decorated or not: the web layer asks the Store interface, not
// the store's concrete type.
func TestMetricsThroughDecoratedStore(t *testing.T) {
	dec := &decoratedStore{Store: storetest.Open(t, storetest.SQLiteTarget(t))}
	cfg := testConfig(t)
	cfg.MetricsToken = testMetricsToken
	app, err := New(cfg, slog.New(slog.DiscardHandler), dec)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+testMetricsToken)
	resp, body := do(t, app, req)
	if resp.StatusCode != 200 || !strings.Contains(body, "turnout_db_open_connections ") {
		t.Errorf("status %d, no pool statistics: %.500s", resp.StatusCode, body)
	}
}
