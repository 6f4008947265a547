package web

import (
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
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "metrics")
		e := seedEvent(t, st, g.ID, "Counted march", 24*time.Hour, nil)
		for i := 0; i < 3; i++ {
			do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil))
		}
		do(t, app, httptest.NewRequest("GET", "/events/no-such-thing", nil))
		do(t, app, httptest.NewRequest("GET", "/random/"+strings.Repeat("z", 50), nil))
		do(t, app, httptest.NewRequest("BREW", "/", nil))
		resp, body := do(t, app, httptest.NewRequest("GET", "/metrics", nil))
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
		for _, name := range []string{"turnout_db_open_connections", "turnout_db_in_use_connections", "turnout_db_wait_count_total", "turnout_goroutines"} {
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
