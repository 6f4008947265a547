package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
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
