package main

import (
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
