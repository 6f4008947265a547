package web

import (
	"crypto/subtle"
	"database/sql"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// latencyBuckets are the upper bounds, in seconds, of the request duration histogram.
var latencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// metrics counts requests by route for /metrics, in memory: each instance
// reports its own, and Prometheus adds them up.
type metrics struct {
	inFlight atomic.Int64 // requests being answered now
	mu       sync.Mutex
	started  time.Time
	requests map[requestKey]int64       // by method, route, status
	latency  map[routeKey]*latencyStats // by method, route
}

type routeKey struct{ method, route string }

type requestKey struct {
	routeKey
	status int
}

type latencyStats struct {
	buckets []int64 // cumulative counts per latencyBuckets, then +Inf as count
	count   int64
	sum     float64
}

func newMetrics() *metrics {
	return &metrics{started: time.Now(), requests: map[requestKey]int64{}, latency: map[routeKey]*latencyStats{}}
}

// knownMethods bounds the method label: anything else is "OTHER".
var knownMethods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "OPTIONS": true}

// routeLabel names the route template that answered, so that labels stay
// few whatever paths clients invent. When no route matched, the last route
// Fiber saw is a middleware's prefix: a route without parameters whose path
// is not the request's.
func routeLabel(c *fiber.Ctx) string {
	r := c.Route()
	switch {
	case strings.HasPrefix(c.Path(), "/static/"):
		return "/static"
	case r == nil, len(r.Params) == 0 && r.Path != c.Path():
		return "unmatched"
	}
	return r.Path
}

// observe records one finished request.
func (m *metrics) observe(method, route string, status int, d time.Duration) {
	if !knownMethods[method] {
		method = "OTHER"
	}
	k := routeKey{method, route}
	secs := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[requestKey{k, status}]++
	l := m.latency[k]
	if l == nil {
		l = &latencyStats{buckets: make([]int64, len(latencyBuckets))}
		m.latency[k] = l
	}
	for i, b := range latencyBuckets {
		if secs <= b {
			l.buckets[i]++
		}
	}
	l.count++
	l.sum += secs
}

// rsvpRoutes are the routes that take an RSVP, counted apart in turnout_rsvp_requests_total.
var rsvpRoutes = map[string]bool{"/api/v1/events/:slug/rsvps": true, "/events/:slug/rsvp": true}

// write renders the metrics in the Prometheus text exposition format.
func (m *metrics) write(w io.Writer, db sql.DBStats) {
	m.mu.Lock()
	reqKeys := make([]requestKey, 0, len(m.requests))
	for k := range m.requests {
		reqKeys = append(reqKeys, k)
	}
	sort.Slice(reqKeys, func(i, j int) bool { return lessRequest(reqKeys[i], reqKeys[j]) })
	fmt.Fprintln(w, "# HELP turnout_http_requests_total HTTP requests answered, by method, route template and status.")
	fmt.Fprintln(w, "# TYPE turnout_http_requests_total counter")
	for _, k := range reqKeys {
		fmt.Fprintf(w, "turnout_http_requests_total{method=%q,route=%q,status=\"%d\"} %d\n", k.method, escapeLabel(k.route), k.status, m.requests[k])
	}
	fmt.Fprintln(w, "# HELP turnout_rsvp_requests_total RSVP submissions (API and form), by status answered.")
	fmt.Fprintln(w, "# TYPE turnout_rsvp_requests_total counter")
	rsvps := map[int]int64{}
	for _, k := range reqKeys {
		if k.method == "POST" && rsvpRoutes[k.route] {
			rsvps[k.status] += m.requests[k]
		}
	}
	for _, status := range sortedInts(rsvps) {
		fmt.Fprintf(w, "turnout_rsvp_requests_total{status=\"%d\"} %d\n", status, rsvps[status])
	}
	m.writeLatency(w)
	m.mu.Unlock()
	writeProcess(w, m.started, m.inFlight.Load())
	fmt.Fprintln(w, "# HELP turnout_password_hashes_total Password hash computations (argon2id) this process ran.")
	fmt.Fprintln(w, "# TYPE turnout_password_hashes_total counter")
	fmt.Fprintf(w, "turnout_password_hashes_total %d\n", turnout.PasswordHashes())
	writeDBStats(w, db)
}

// writeLatency writes the duration histograms; the caller holds m.mu.
func (m *metrics) writeLatency(w io.Writer) {
	keys := make([]routeKey, 0, len(m.latency))
	for k := range m.latency {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].route < keys[j].route || (keys[i].route == keys[j].route && keys[i].method < keys[j].method)
	})
	fmt.Fprintln(w, "# HELP turnout_http_request_duration_seconds Time to answer HTTP requests, by method and route template.")
	fmt.Fprintln(w, "# TYPE turnout_http_request_duration_seconds histogram")
	for _, k := range keys {
		l := m.latency[k]
		labels := fmt.Sprintf("method=%q,route=%q", k.method, escapeLabel(k.route))
		for i, b := range latencyBuckets {
			fmt.Fprintf(w, "turnout_http_request_duration_seconds_bucket{%s,le=\"%s\"} %d\n", labels, strconv.FormatFloat(b, 'g', -1, 64), l.buckets[i])
		}
		fmt.Fprintf(w, "turnout_http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", labels, l.count)
		fmt.Fprintf(w, "turnout_http_request_duration_seconds_sum{%s} %g\n", labels, l.sum)
		fmt.Fprintf(w, "turnout_http_request_duration_seconds_count{%s} %d\n", labels, l.count)
	}
}

func writeProcess(w io.Writer, started time.Time, inFlight int64) {
	fmt.Fprintln(w, "# HELP turnout_http_requests_in_flight Requests being answered now, this one included.")
	fmt.Fprintln(w, "# TYPE turnout_http_requests_in_flight gauge")
	fmt.Fprintf(w, "turnout_http_requests_in_flight %d\n", inFlight)
	fmt.Fprintln(w, "# HELP turnout_start_time_seconds When this process started, in Unix seconds.")
	fmt.Fprintln(w, "# TYPE turnout_start_time_seconds gauge")
	fmt.Fprintf(w, "turnout_start_time_seconds %d\n", started.Unix())
	fmt.Fprintln(w, "# HELP turnout_goroutines Goroutines now running.")
	fmt.Fprintln(w, "# TYPE turnout_goroutines gauge")
	fmt.Fprintf(w, "turnout_goroutines %d\n", runtime.NumGoroutine())
}

// writeDBStats writes the database pool statistics of database/sql.
func writeDBStats(w io.Writer, st sql.DBStats) {
	gauge := func(name, help string, v int64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", name, help, name, name, v)
	}
	counter := func(name, help string, v float64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %g\n", name, help, name, name, v)
	}
	gauge("turnout_db_max_open_connections", "Most database connections the pool may open.", int64(st.MaxOpenConnections))
	gauge("turnout_db_open_connections", "Database connections open, in use or idle.", int64(st.OpenConnections))
	gauge("turnout_db_in_use_connections", "Database connections in use.", int64(st.InUse))
	gauge("turnout_db_idle_connections", "Idle database connections.", int64(st.Idle))
	counter("turnout_db_wait_count_total", "Times a request waited for a free database connection.", float64(st.WaitCount))
	counter("turnout_db_wait_duration_seconds_total", "Time spent waiting for a free database connection.", st.WaitDuration.Seconds())
	counter("turnout_db_max_idle_closed_total", "Connections closed because the idle pool was full.", float64(st.MaxIdleClosed))
	counter("turnout_db_max_lifetime_closed_total", "Connections closed because they reached their lifetime or idle time.", float64(st.MaxLifetimeClosed+st.MaxIdleTimeClosed))
}

func lessRequest(a, b requestKey) bool {
	if a.route != b.route {
		return a.route < b.route
	}
	if a.method != b.method {
		return a.method < b.method
	}
	return a.status < b.status
}

func sortedInts(m map[int]int64) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// escapeLabel keeps a label value printable; %q does the quoting.
func escapeLabel(s string) string {
	if len(s) > 200 {
		s = s[:200]
	}
	return strings.ToValidUTF8(s, "?")
}

// metricsPage is GET /metrics, in the Prometheus text format, for a scraper
// that sends Authorization: Bearer TURNOUT_METRICS_TOKEN. Without the
// setting the page does not exist (404); a wrong or missing token is 401.
func (s *Server) metricsPage(c *fiber.Ctx) error {
	want := s.cfg.MetricsToken
	if want == "" {
		return fiber.ErrNotFound
	}
	got, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
		// Plain 401, not the error page: a scraper is not sent to /login.
		return c.Status(fiber.StatusUnauthorized).SendString("Send the metrics token as Authorization: Bearer.\n")
	}
	c.Set(fiber.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "no-store")
	var b strings.Builder
	s.metrics.write(&b, s.store.PoolStats())
	return c.SendString(b.String())
}
