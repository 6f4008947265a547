package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// TestRateLimitNotDodgedByForwardedFor sends RSVPs with a changing
// X-Forwarded-For: a client may not pick its own bucket of the per-address
// rate limit, whether Turnout trusts no proxy or a proxy that appends to
// the header; real clients behind a trusted proxy still get their own.
func TestRateLimitNotDodgedByForwardedFor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		g, _ := seedGroup(t, st, "limits")
		e := seedEvent(t, st, g.ID, "Limited vigil", 48*time.Hour, nil)
		tests := []struct {
			name    string
			trusted []string
			xff     func(i int) string
			want429 bool
		}{
			{"UntrustedPeerSpoofs", []string{"10.0.0.1"}, func(i int) string { return fmt.Sprintf("198.51.100.%d", i) }, true},
			{"NoProxyConfigured", nil, func(i int) string { return fmt.Sprintf("198.51.100.%d", i) }, true},
			{"SpoofBehindAppendingProxy", []string{"127.0.0.1"}, func(i int) string { return fmt.Sprintf("198.51.100.%d, 203.0.113.7", i) }, true},
			{"RealClientsBehindProxy", []string{"127.0.0.1"}, func(i int) string { return fmt.Sprintf("203.0.113.%d", 100+i) }, false},
		}
		for n, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				cfg := testConfig(t)
				cfg.RSVPRateLimit, cfg.TrustedProxies = 3, tc.trusted
				s := newServer(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), st)
				// One rate-limit window for the whole case, another for each case.
				window := time.Now().UTC().Truncate(time.Minute).Add(time.Duration(n+1) * time.Hour)
				s.now = func() time.Time { return window.Add(30 * time.Second) }
				app, err := s.app()
				if err != nil {
					t.Fatal(err)
				}
				base := serve(t, app)
				limited := 0
				for i := 0; i < 6; i++ {
					req, _ := http.NewRequest("POST", base+"/api/v1/events/"+e.Slug+"/rsvps",
						strings.NewReader(fmt.Sprintf(`{"name": "%s %d", "status": "maybe"}`, tc.name, i)))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("X-Forwarded-For", tc.xff(i))
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					switch resp.StatusCode {
					case 201:
					case 429:
						limited++
					default:
						t.Fatalf("RSVP %d: status %d", i, resp.StatusCode)
					}
				}
				want := 0
				if tc.want429 {
					want = 3
				}
				if limited != want {
					t.Errorf("%d of 6 RSVPs refused with 429 at 3 a minute, want %d", limited, want)
				}
			})
		}
	})
}

// TestRateLimitSlidesAcrossWindowBoundary spends the RSVP allowance just
// before a minute ends and tries again just after: a fixed window would
// grant a fresh allowance at the boundary; the sliding count refuses until
// the earlier hits have aged out, and says how long that is.
func TestRateLimitSlidesAcrossWindowBoundary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		g, _ := seedGroup(t, st, "sliding")
		e := seedEvent(t, st, g.ID, "Sliding vigil", 48*time.Hour, nil)
		cfg := testConfig(t)
		cfg.RSVPRateLimit = 3
		s := newServer(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), st)
		boundary := time.Now().UTC().Truncate(time.Minute).Add(7 * time.Hour)
		clock := boundary.Add(-2 * time.Second)
		s.now = func() time.Time { return clock }
		app, err := s.app()
		if err != nil {
			t.Fatal(err)
		}
		base := serve(t, app)
		rsvp := func(i int) *http.Response {
			t.Helper()
			req, _ := http.NewRequest("POST", base+"/api/v1/events/"+e.Slug+"/rsvps",
				strings.NewReader(fmt.Sprintf(`{"name": "Slider %d", "status": "maybe"}`, i)))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp
		}
		for i := 0; i < 3; i++ {
			if resp := rsvp(i); resp.StatusCode != 201 {
				t.Fatalf("RSVP %d within the allowance: status %d", i, resp.StatusCode)
			}
		}
		clock = boundary.Add(2 * time.Second)
		resp := rsvp(3)
		if resp.StatusCode != 429 {
			t.Fatalf("RSVP 2 s after the boundary, 3 in the last 4 s: status %d, want 429", resp.StatusCode)
		}
		if wait, _ := strconv.Atoi(resp.Header.Get("Retry-After")); wait < 50 || wait > 60 {
			t.Errorf("Retry-After %q, want the rest of the minute the earlier hits still weigh on", resp.Header.Get("Retry-After"))
		}
		clock = boundary.Add(time.Minute + 2*time.Second)
		if resp := rsvp(4); resp.StatusCode != 201 {
			t.Fatalf("RSVP a minute later: status %d, want 201", resp.StatusCode)
		}
	})
}
