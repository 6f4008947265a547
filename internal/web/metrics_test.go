package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// sampleLine is one sample of the Prometheus text format.
var sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.eE+-]+|\+Inf|NaN)$`)

// parseMetrics checks every line of a /metrics body and returns samples by
// their name and labels as written.
func parseMetrics(t *testing.T, body string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	types := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(body), "\n") {
		if strings.HasPrefix(line, "# TYPE ") {
			f := strings.Fields(line)
			if len(f) != 4 || types[f[2]] {
				t.Errorf("bad or repeated TYPE line %q", line)
			}
			types[f[2]] = true
			continue
		}
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("not a sample line: %q", line)
			continue
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Errorf("value of %q: %v", line, err)
		}
		out[m[1]+m[2]] = v
	}
	return out
}

func TestMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg := testConfig(t)
		cfg.MetricsToken = testMetricsToken
		app := newTestApp(t, cfg, st)
		g, _ := seedGroup(t, st, "metrics")
		e := seedEvent(t, st, g.ID, "Counted march", 24*time.Hour, nil)
		for i := 0; i < 3; i++ {
			do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil))
		}
		do(t, app, httptest.NewRequest("GET", "/events/no-such-thing", nil))
		do(t, app, httptest.NewRequest("GET", "/random/"+strings.Repeat("z", 50), nil))
		do(t, app, httptest.NewRequest("BREW", "/", nil))
		req := httptest.NewRequest("GET", "/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+testMetricsToken)
		resp, body := do(t, app, req)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
			t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		m := parseMetrics(t, body)
		want := map[string]float64{
			`turnout_http_requests_total{method="GET",route="/events/:slug",status="200"}`:               3,
			`turnout_http_requests_total{method="GET",route="/events/:slug",status="404"}`:               1,
			`turnout_http_requests_total{method="GET",route="unmatched",status="404"}`:                   1,
			`turnout_http_request_duration_seconds_count{method="GET",route="/events/:slug"}`:            4,
			`turnout_http_request_duration_seconds_bucket{method="GET",route="/events/:slug",le="+Inf"}`: 4,
			`turnout_db_max_open_connections`:                                                            float64(st.SQLDB().Stats().MaxOpenConnections),
		}
		for k, v := range want {
			if got, ok := m[k]; !ok || got != v {
				t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
			}
		}
		if m["turnout_http_requests_in_flight"] != 1 {
			t.Errorf("in flight %v, want 1 (the /metrics request)", m["turnout_http_requests_in_flight"])
		}
		for _, name := range []string{"turnout_password_hashes_total", "turnout_db_open_connections", "turnout_db_in_use_connections", "turnout_db_wait_count_total", "turnout_goroutines"} {
			if _, ok := m[name]; !ok {
				t.Errorf("no %s", name)
			}
		}
		for k := range m {
			if strings.Contains(k, "zzzz") || strings.Contains(k, "BREW") {
				t.Errorf("client-chosen path or method became a label: %s", k)
			}
		}
	})
}

const testMetricsToken = "metrics-token-for-tests-0123456789"

// TestMetricsNeedToken: over HTTP, /metrics does not exist without
// TURNOUT_METRICS_TOKEN, and with it answers only the right bearer token.
func TestMetricsNeedToken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, tc := range []struct {
			name, setting, auth string
			status              int
		}{
			{"Unset", "", "", 404},
			{"UnsetWithSomeToken", "", "Bearer anything-at-all-here", 404},
			{"NoHeader", testMetricsToken, "", 401},
			{"WrongToken", testMetricsToken, "Bearer " + testMetricsToken + "x", 401},
			{"NotBearer", testMetricsToken, testMetricsToken, 401},
			{"RightToken", testMetricsToken, "Bearer " + testMetricsToken, 200},
		} {
			t.Run(tc.name, func(t *testing.T) {
				cfg := testConfig(t)
				cfg.MetricsToken = tc.setting
				base := serve(t, newTestApp(t, cfg, st))
				req, _ := http.NewRequest("GET", base+"/metrics", nil)
				if tc.auth != "" {
					req.Header.Set("Authorization", tc.auth)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
				}
				if leaked := strings.Contains(string(body), "turnout_http_requests_total"); leaked != (tc.status == 200) {
					t.Fatalf("metrics in the body: %v", leaked)
				}
			})
		}
	})
}

// TestRSVPRoutesExist: every route counted in turnout_rsvp_requests_total
// is a POST route of the table, so none is counted under a wrong name.
func TestRSVPRoutesExist(t *testing.T) {
	app := newTestApp(t, testConfig(t), storetest.Open(t, storetest.SQLiteTarget(t)))
	posts := map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		if r.Method == "POST" {
			posts[r.Path] = true
		}
	}
	for route := range rsvpRoutes {
		if !posts[route] {
			t.Errorf("rsvpRoutes names %s, which is no POST route", route)
		}
	}
}
