package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/config"
	"github.com/turnout-org/turnout/internal/proctest"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// TestStartWhileDatabaseDown starts serve against a database that does not
// answer: it retries with growing delays, then exits with a clear message.
func TestStartWhileDatabaseDown(t *testing.T) {
	target, ok := storetest.PostgresTarget(t)
	if !ok {
		t.Skip("needs Postgres: set " + storetest.EnvPostgres)
	}
	proxy := storetest.NewProxy(t, storetest.PostgresHost(t, target.URL))
	proxy.Cut()
	var logs proctest.Buffer
	getenv := env("TURNOUT_ADDR", "127.0.0.1:0", "TURNOUT_DATABASE_URL", proxy.Via(t, target.URL), "TURNOUT_DATABASE_WAIT", "2s")
	start := time.Now()
	err := run(context.Background(), []string{"serve"}, getenv, strings.NewReader(""), io.Discard, &logs)
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "database unreachable after 2s") || !strings.Contains(err.Error(), "TURNOUT_DATABASE_URL") {
		t.Fatalf("run returned %v", err)
	}
	if strings.Contains(err.Error(), "turnout:turnout@") {
		t.Errorf("error shows the database password: %v", err)
	}
	if retries := strings.Count(logs.String(), "retrying"); retries < 2 {
		t.Errorf("%d retries logged, want at least 2:\n%s", retries, logs.String())
	}
	for _, delay := range []string{"in=250ms", "in=500ms"} {
		if !strings.Contains(logs.String(), delay) {
			t.Errorf("log lacks backoff %s", delay)
		}
	}
	if took < time.Second || took > 10*time.Second {
		t.Errorf("gave up after %s, want about 2s", took)
	}
}

// TestStartWaitsForDatabase starts while the database is down, brings it
// up during the retries, and checks that openStore then succeeds.
func TestStartWaitsForDatabase(t *testing.T) {
	target, ok := storetest.PostgresTarget(t)
	if !ok {
		t.Skip("needs Postgres: set " + storetest.EnvPostgres)
	}
	proxy := storetest.NewProxy(t, storetest.PostgresHost(t, target.URL))
	proxy.Cut()
	var logs proctest.Buffer
	cfg := config.Config{DatabaseURL: proxy.Via(t, target.URL)}
	log := slog.New(slog.NewTextHandler(&logs, nil))
	done := make(chan error, 1)
	go func() {
		st, err := openStore(context.Background(), cfg, log, 30*time.Second)
		if err == nil {
			err = st.Close()
		}
		done <- err
	}()
	proctest.Await(t, "a retry", 10*time.Second, func() bool { return strings.Contains(logs.String(), "retrying") })
	proxy.Restore()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("openStore after the database came back: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("openStore did not return 20s after the database came back")
	}
}

// TestStartWithUnreachableSQLite starts serve on an SQLite path that cannot
// be opened: it exits at once with a message naming the file and the setting.
func TestStartWithUnreachableSQLite(t *testing.T) {
	url := "sqlite:" + t.TempDir() + "/missing/dir/turnout.db"
	var logs proctest.Buffer
	getenv := env("TURNOUT_ADDR", "127.0.0.1:0", "TURNOUT_DATABASE_URL", url, "TURNOUT_DATABASE_WAIT", "1s")
	err := run(context.Background(), []string{"serve"}, getenv, strings.NewReader(""), io.Discard, &logs)
	if err == nil || !strings.Contains(err.Error(), "missing/dir/turnout.db") || !strings.Contains(err.Error(), "TURNOUT_DATABASE_URL") {
		t.Fatalf("run returned %v", err)
	}
}

// TestDatabaseMaxConns checks that TURNOUT_DATABASE_MAX_CONNS bounds the
// pool, as /metrics reports it.
func TestDatabaseMaxConns(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			base, stop := startServer(t, env("TURNOUT_ADDR", "127.0.0.1:0", "TURNOUT_DATABASE_URL", target.URL, "TURNOUT_DATABASE_MAX_CONNS", "3",
				"TURNOUT_METRICS_TOKEN", metricsToken))
			body := getMetrics(t, base)
			if !strings.Contains(body, "\nturnout_db_max_open_connections 3\n") {
				t.Errorf("pool not bounded to 3:\n%s", body)
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
		})
	}
}
