package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/turnout-org/turnout/internal/proctest"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// withAppName tags a Postgres URL with an application_name, so that a test
// can find the connections of one Turnout process in pg_stat_activity.
func withAppName(t *testing.T, rawURL string) (string, string) {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "turnout_test_" + hex.EncodeToString(b)
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String(), name
}

// backends counts the Postgres connections of application name, and how
// many of them wait for a lock.
func backends(t *testing.T, conn *pgx.Conn, name string) (all, waiting int) {
	t.Helper()
	err := conn.QueryRow(context.Background(), `SELECT count(*), count(*) FILTER (WHERE wait_event_type = 'Lock')
		FROM pg_stat_activity WHERE application_name = $1`, name).Scan(&all, &waiting)
	if err != nil {
		t.Fatal(err)
	}
	return all, waiting
}

// seedListedEvent migrates target through a store and adds one published event.
func seedListedEvent(t *testing.T, target storetest.Target) string {
	t.Helper()
	st := storetest.Open(t, target)
	ctx := context.Background()
	if _, err := st.AddOrganiser(ctx, turnout.OrganiserInput{Email: "s@example.org", Name: "S", GroupSlug: "sig", Timezone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	g, err := st.FindGroupBySlug(ctx, "sig")
	if err != nil {
		t.Fatal(err)
	}
	title, status := "Slow march", turnout.StatusPublished
	start, end := time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(50*time.Hour).UTC().Format(time.RFC3339)
	e, err := st.CreateEvent(ctx, g.ID, turnout.EventInput{Title: &title, StartsAt: &start, EndsAt: &end, Status: &status})
	if err != nil {
		t.Fatal(err)
	}
	return e.Slug
}

// TestSIGTERMFinishesInFlight holds a lock on the events table so that a
// page request stalls inside the database, sends SIGTERM, and checks that
// the process stops accepting connections at once, still answers the
// request in flight once the lock goes, exits cleanly, and closes its
// database connections.
func TestSIGTERMFinishesInFlight(t *testing.T) {
	target, ok := storetest.PostgresTarget(t)
	if !ok {
		t.Skip("needs Postgres: set " + storetest.EnvPostgres)
	}
	slug := seedListedEvent(t, target)
	dbURL, app := withAppName(t, target.URL)
	p := proctest.Start(t, "TURNOUT_DATABASE_URL="+dbURL, "TURNOUT_SHUTDOWN_TIMEOUT=30s")

	ctx := context.Background()
	tx := lockEvents(t, target.URL)
	locker := tx.Conn()
	type answer struct {
		status int
		body   string
		err    error
	}
	inflight := make(chan answer, 1)
	go func() {
		resp, err := http.Get(p.Base + "/events/" + slug)
		if err != nil {
			inflight <- answer{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		inflight <- answer{resp.StatusCode, string(b), nil}
	}()
	proctest.Await(t, "the request to wait on the lock", 30*time.Second, func() bool { _, w := backends(t, locker, app); return w > 0 })

	stopAccepting(t, p)
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	a := <-inflight
	if a.err != nil || a.status != 200 || !strings.Contains(a.body, "Slow march") {
		t.Fatalf("request in flight: status %d, err %v", a.status, a.err)
	}
	select {
	case <-p.Exited:
	case <-time.After(20 * time.Second):
		t.Fatal("process still running 20s after its last request finished")
	}
	if p.Err != nil {
		t.Fatalf("exit: %v\n%s", p.Err, p.Stderr.String())
	}
	// The server ends a backend a moment after its client has gone: wait
	// for that, boundedly, rather than read the count at one instant.
	proctest.Await(t, "the exited process's database connections to close", 10*time.Second, func() bool {
		all, _ := backends(t, locker, app)
		return all == 0
	})
	if !strings.Contains(p.Stderr.String(), "shutting down") {
		t.Errorf("no shutdown log:\n%s", p.Stderr.String())
	}
}

// TestSIGTERMGraceIsBounded checks that a request stuck longer than
// TURNOUT_SHUTDOWN_TIMEOUT does not keep the process alive.
func TestSIGTERMGraceIsBounded(t *testing.T) {
	target, ok := storetest.PostgresTarget(t)
	if !ok {
		t.Skip("needs Postgres: set " + storetest.EnvPostgres)
	}
	slug := seedListedEvent(t, target)
	dbURL, app := withAppName(t, target.URL)
	p := proctest.Start(t, "TURNOUT_DATABASE_URL="+dbURL, "TURNOUT_SHUTDOWN_TIMEOUT=1s")
	locker := lockEvents(t, target.URL).Conn()
	go func() {
		if resp, err := http.Get(p.Base + "/events/" + slug); err == nil {
			resp.Body.Close()
		}
	}()
	proctest.Await(t, "the request to wait on the lock", 30*time.Second, func() bool { _, w := backends(t, locker, app); return w > 0 })
	sent := time.Now()
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Exited:
		if took := time.Since(sent); took < 900*time.Millisecond {
			t.Errorf("exited after %s, before the 1s grace", took)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("process still running 15s after SIGTERM with a 1s grace\n%s", p.Stderr.String())
	}
}

// TestSIGTERMFinishesInFlightSQLite is the SQLite side: another connection
// holds the write lock, so an RSVP waits inside its transaction; SIGTERM
// arrives; once the lock goes the RSVP is stored and answered 201, and the
// process exits cleanly.
func TestSIGTERMFinishesInFlightSQLite(t *testing.T) {
	target := storetest.SQLiteTarget(t)
	st := storetest.Open(t, target)
	e := seedCapacityEvent(t, st, 10)
	p := proctest.Start(t, "TURNOUT_DATABASE_URL="+target.URL, "TURNOUT_SHUTDOWN_TIMEOUT=30s", "TURNOUT_RSVP_RATE_LIMIT=0",
		"TURNOUT_METRICS_TOKEN="+metricsToken)
	ctx := context.Background()
	conn, err := st.SQLDB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	type answer struct {
		a  crashAck
		ok bool
	}
	inflight := make(chan answer, 1)
	go func() {
		a, outcome := postRSVP(&http.Client{Timeout: 30 * time.Second}, p.Base, e.Slug, "Late arrival", 1)
		inflight <- answer{a, outcome == acknowledged}
	}()
	proctest.Await(t, "the RSVP to be in flight", 10*time.Second, func() bool { return inFlight(t, p.Base) >= 2 })
	stopAccepting(t, p)
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	a := <-inflight
	if !a.ok || a.a.status != "going" {
		t.Fatalf("RSVP in flight was not answered 201 going: %+v", a)
	}
	select {
	case <-p.Exited:
	case <-time.After(20 * time.Second):
		t.Fatal("process still running 20s after its last request finished")
	}
	if p.Err != nil {
		t.Fatalf("exit: %v\n%s", p.Err, p.Stderr.String())
	}
	checkAcknowledged(t, st, []crashAck{a.a})
}

// metricsToken is the TURNOUT_METRICS_TOKEN of servers whose /metrics tests read.
const metricsToken = "cmd-test-metrics-token-0123456789"

// getMetrics reads a server's /metrics with metricsToken.
func getMetrics(t *testing.T, base string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+metricsToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: status %d", resp.StatusCode)
	}
	return string(b)
}

// inFlight reads turnout_http_requests_in_flight from a server's /metrics.
func inFlight(t *testing.T, base string) int {
	t.Helper()
	body := getMetrics(t, base)
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, "turnout_http_requests_in_flight "); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	t.Fatal("no turnout_http_requests_in_flight in /metrics")
	return 0
}

// lockEvents takes an exclusive lock on the events table in a transaction
// of its own, so that any request reading events stalls until the returned
// transaction ends (it is rolled back when the test ends at the latest).
func lockEvents(t *testing.T, url string) pgx.Tx {
	t.Helper()
	ctx := context.Background()
	locker, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { locker.Close(ctx) })
	tx, err := locker.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback(ctx) })
	if _, err := tx.Exec(ctx, "LOCK TABLE events IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	return tx
}

// stopAccepting sends SIGTERM and waits for the listener to close, checking
// that the process is still running to finish the request in flight.
func stopAccepting(t *testing.T, p *proctest.Process) {
	t.Helper()
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(p.Base, "http://")
	proctest.Await(t, "the listener to close", 10*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	if !p.Running() {
		t.Fatalf("process exited with a request in flight: %v\n%s", p.Err, p.Stderr.String())
	}
}
