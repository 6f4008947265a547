package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// resetPostgres empties the bench database, creating it first if it does not
// exist. It refuses a database whose name lacks "bench": the harness wipes it.
func resetPostgres(ctx context.Context, dbURL string) error {
	u, err := url.Parse(dbURL)
	if err != nil {
		return err
	}
	name := strings.TrimPrefix(u.Path, "/")
	if !strings.Contains(name, "bench") {
		return fmt.Errorf("refusing to wipe database %q: its name must contain \"bench\"", name)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "3D000" { // invalid_catalog_name: no such database
		if err := createDatabase(ctx, u, name); err != nil {
			return err
		}
		conn, err = pgx.Connect(ctx, dbURL)
	}
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
	return err
}

func createDatabase(ctx context.Context, u *url.URL, name string) error {
	admin := *u
	admin.Path = "/postgres"
	conn, err := pgx.Connect(ctx, admin.String())
	if err != nil {
		return fmt.Errorf("database %q does not exist and cannot be created: %w", name, err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}

// pgbenchScript is the ceiling of scenario f: one autocommitted single-row
// insert of an RSVP-sized row, the least work a stored RSVP can cost.
const pgbenchScript = `\set eid random(1, 20)
INSERT INTO bench_pgbench_rsvps (event_id, name, email, status, guests, created_at) VALUES (:eid, 'Bench supporter', 'supporter@bench.example.org', 'going', 1, now());
`

// freeConnections is how many more connections the Postgres server accepts
// now, keeping a margin of 10 for whoever else uses it (tests of other work
// share the server).
func freeConnections(ctx context.Context, dbURL string) (int, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var free int
	err = conn.QueryRow(ctx, `SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int
		- (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') - 10`).Scan(&free)
	return free, err
}

// runPGBench measures pgbench with the script above for the load's duration,
// with conns clients, and reads per-transaction latencies from its log.
func runPGBench(ctx context.Context, dir, name, dbURL string, conns int, d time.Duration) (wrkResult, error) {
	if _, err := exec.LookPath("pgbench"); err != nil {
		return wrkResult{}, errors.New("pgbench is not installed (Debian: postgresql-contrib or the postgresql-NN server package)")
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return wrkResult{}, err
	}
	_, err = conn.Exec(ctx, `DROP TABLE IF EXISTS bench_pgbench_rsvps;
		CREATE TABLE bench_pgbench_rsvps (id BIGSERIAL PRIMARY KEY, event_id BIGINT NOT NULL, name TEXT NOT NULL,
		email TEXT, status TEXT NOT NULL, guests INTEGER NOT NULL, created_at TIMESTAMPTZ NOT NULL)`)
	conn.Close(ctx)
	if err != nil {
		return wrkResult{}, err
	}
	script := filepath.Join(dir, "pgbench.sql")
	if err := os.WriteFile(script, []byte(pgbenchScript), 0o644); err != nil {
		return wrkResult{}, err
	}
	logDir := filepath.Join(dir, name+"-pgbench-log")
	if err := os.RemoveAll(logDir); err != nil {
		return wrkResult{}, err
	}
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return wrkResult{}, err
	}
	secs := strconv.Itoa(max(1, int(d.Round(time.Second)/time.Second)))
	ctx, cancel := context.WithTimeout(ctx, d+60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "pgbench", "-n", "-M", "prepared", "-c", strconv.Itoa(conns), "-j", "2", "-T", secs,
		"-f", script, "-l", "--log-prefix", filepath.Join(logDir, "tx"), dbURL)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return wrkResult{}, fmt.Errorf("pgbench: %v: %s", err, strings.TrimSpace(out.String()))
	}
	_ = os.WriteFile(filepath.Join(dir, name+"-pgbench.txt"), out.Bytes(), 0o644)
	return pgbenchResult(out.String(), logDir)
}

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// pgbenchResult reads the rate from pgbench's summary and the latency
// percentiles from its per-transaction logs (third field: latency in µs).
func pgbenchResult(summary, logDir string) (wrkResult, error) {
	m := tpsLine.FindStringSubmatch(summary)
	if m == nil {
		return wrkResult{}, fmt.Errorf("pgbench printed no tps: %s", summary)
	}
	tps, _ := strconv.ParseFloat(m[1], 64)
	files, _ := filepath.Glob(filepath.Join(logDir, "tx*"))
	var lat []int64
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return wrkResult{}, err
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if fields := strings.Fields(sc.Text()); len(fields) >= 3 {
				if v, err := strconv.ParseInt(fields[2], 10, 64); err == nil {
					lat = append(lat, v)
				}
			}
		}
		fh.Close()
	}
	if len(lat) == 0 {
		return wrkResult{}, errors.New("pgbench wrote no transaction log")
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) int64 { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	// Express the rate as requests over a duration so RPS() gives tps.
	return wrkResult{Requests: int64(len(lat)), DurationUS: int64(float64(len(lat)) / tps * 1e6),
		P50US: pct(0.50), P90US: pct(0.90), P99US: pct(0.99), MaxUS: lat[len(lat)-1]}, nil
}

// psql runs statements through psql, one -c each (so each one's output is
// shown), in one session, and returns the output.
func psql(ctx context.Context, dbURL string, stmts ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	args := []string{"-X", "-q", "-v", "ON_ERROR_STOP=1", "-P", "pager=off", dbURL}
	for _, s := range stmts {
		args = append(args, "-c", s)
	}
	cmd := exec.CommandContext(ctx, "psql", args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("psql: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// waitSampler counts, every interval until stopped, what the bench
// database's sessions are waiting for (pg_stat_activity), as evidence of lock
// contention during a write load.
type waitSampler struct {
	stop    chan struct{}
	done    chan map[string]int
	samples int
}

func startWaitSampler(ctx context.Context, dbURL string, every time.Duration) *waitSampler {
	w := &waitSampler{stop: make(chan struct{}), done: make(chan map[string]int, 1)}
	go func() {
		counts := map[string]int{}
		defer func() { w.done <- counts }()
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			return
		}
		defer conn.Close(context.Background())
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			w.samples++
			rows, err := conn.Query(ctx, `SELECT COALESCE(wait_event_type || ':' || wait_event, 'on CPU') || ' (' || state || ')', count(*)
				FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' GROUP BY 1`)
			if err != nil {
				return
			}
			for rows.Next() {
				var k string
				var n int
				if rows.Scan(&k, &n) == nil {
					counts[k] += n
				}
			}
			rows.Close()
		}
	}()
	return w
}

// finish stops sampling and describes the average number of busy sessions
// per wait, most frequent first.
func (w *waitSampler) finish() string {
	close(w.stop)
	counts := <-w.done
	if w.samples == 0 || len(counts) == 0 {
		return ""
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return counts[keys[i]] > counts[keys[j]] })
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %.1f", k, float64(counts[k])/float64(w.samples)))
	}
	return fmt.Sprintf("Postgres sessions busy, average over %d samples: %s", w.samples, strings.Join(parts, ", "))
}

// activeQueries counts the other sessions of the bench database running a
// statement now; -1 when it cannot tell.
func activeQueries(ctx context.Context, dbURL string) int {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return -1
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'`).Scan(&n)
	if err != nil {
		return -1
	}
	return n
}
