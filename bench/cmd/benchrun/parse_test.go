package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestPGBenchResult(t *testing.T) {
	dir := t.TempDir()
	var log strings.Builder
	for i := 1; i <= 100; i++ { // latencies 100..10000 µs
		log.WriteString("0 " + strconv.Itoa(i) + " " + strconv.Itoa(i*100) + " 0 1764140000 123456\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "tx.123"), []byte(log.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	summary := "transaction type: pgbench.sql\nnumber of transactions actually processed: 100\n" +
		"latency average = 1.0 ms\ninitial connection time = 3.2 ms\ntps = 50.000000 (without initial connection time)\n"
	r, err := pgbenchResult(summary, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.RPS(); got < 49.99 || got > 50.01 {
		t.Errorf("RPS %v, want 50", got)
	}
	if r.P50US != 5100 || r.P99US != 10000 || r.MaxUS != 10000 {
		t.Errorf("p50 %d p99 %d max %d", r.P50US, r.P99US, r.MaxUS)
	}
	if _, err := pgbenchResult("pgbench: error: connection refused", dir); err == nil {
		t.Error("a summary without tps was accepted")
	}
	if _, err := pgbenchResult(summary, t.TempDir()); err == nil {
		t.Error("an empty log directory was accepted")
	}
}

func TestScripts(t *testing.T) {
	s := rsvpScript([]string{"bench-rsvp-001", `odd"slug`}, "n0nce")
	for _, want := range []string{`local slugs = {"bench-rsvp-001", "odd\"slug"}`, `local nonce = "n0nce"`, "function done("} {
		if !strings.Contains(s, want) {
			t.Errorf("RSVP script lacks %q", want)
		}
	}
	g := getScript(map[string]string{"If-None-Match": `"abc"`})
	if !strings.Contains(g, `local headers = {["If-None-Match"] = "\"abc\""}`) || !strings.Contains(g, "function done(") {
		t.Errorf("GET script:\n%s", g)
	}
}

// TestRPSCountsSuccessesOnly: error responses and timeouts, however fast,
// are left out of the rate.
func TestRPSCountsSuccessesOnly(t *testing.T) {
	r := wrkResult{Requests: 1000, DurationUS: 2e6, StatusErrors: 300, Timeouts: 100}
	if got := r.RPS(); got != 300 {
		t.Errorf("RPS %v, want 300 (600 successes in 2 s)", got)
	}
	if got := (wrkResult{Requests: 10, DurationUS: 1e6, StatusErrors: 10}).Successes(); got != 0 {
		t.Errorf("all errors: %d successes", got)
	}
}

// TestProbesFailOnMissingRoutes: a route answering 404 or 405 breaks the run
// instead of being reported as a feature that is not there.
func TestProbesFailOnMissingRoutes(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusMethodNotAllowed} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "no such route", status)
		}))
		ctx := context.Background()
		feed := probeFeed(ctx, srv.URL)
		if feed.err == nil {
			t.Errorf("feed answering %d: no error (%+v)", status, feed)
		}
		if p := probeConditional(ctx, srv.URL, feed); p.notRun == "" {
			t.Errorf("conditional feed after a broken feed: %+v", p)
		}
		if p := probeRSVP(ctx, srv.URL); p.err == nil {
			t.Errorf("RSVP route answering %d: no error (%+v)", status, p)
		}
		srv.Close()
	}
}
