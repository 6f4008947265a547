// Package storetest opens fresh, migrated stores for tests: an SQLite file in
// the test's temp dir always, and a Postgres schema of its own when
// TURNOUT_TEST_DATABASE_URL is set.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/turnout-org/turnout/internal/store"
)

// EnvPostgres names the variable holding the Postgres URL for tests.
const EnvPostgres = "TURNOUT_TEST_DATABASE_URL"

// Target is one database a test runs against.
type Target struct {
	Name string // "sqlite" or "postgres"
	URL  string // a TURNOUT_DATABASE_URL for a fresh, empty database
}

// Targets returns a fresh SQLite target and, when TURNOUT_TEST_DATABASE_URL
// is set, a fresh Postgres schema (dropped when the test ends). Without the
// variable the Postgres target is left out and the test log says so.
func Targets(t testing.TB) []Target {
	t.Helper()
	out := []Target{SQLiteTarget(t)}
	if pg, ok := PostgresTarget(t); ok {
		out = append(out, pg)
	}
	return out
}

// SQLiteTarget returns an SQLite file in t.TempDir().
func SQLiteTarget(t testing.TB) Target {
	return Target{Name: store.SQLite, URL: "sqlite:" + filepath.Join(t.TempDir(), "turnout.db")}
}

// PostgresTarget creates an empty schema in the test database and returns a
// URL whose search_path points at it. It reports false, logging why, when
// TURNOUT_TEST_DATABASE_URL is unset; it fails the test when the variable is
// set but the server cannot be reached.
func PostgresTarget(t testing.TB) (Target, bool) {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is unset: Postgres cases must run in CI", EnvPostgres)
		}
		t.Logf("Postgres case skipped: set %s to a postgres:// URL to run it", EnvPostgres)
		return Target{}, false
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("%s is set but Postgres is unreachable: %v", EnvPostgres, err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return Target{Name: store.Postgres, URL: u.String()}, true
}

// Open opens and migrates a store for target, closed when the test ends.
func Open(t testing.TB, target Target) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, target.URL)
	if err != nil {
		t.Fatalf("open %s: %v", target.Name, err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", target.Name, err)
	}
	return st
}

// Each runs fn as a subtest against a fresh store on every target.
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, target := range Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			fn(t, Open(t, target))
		})
	}
}

// LockedSQLite holds the write lock of the SQLite database of target from
// another connection until the test ends, and returns a store on it whose
// writes give up after 50 ms instead of busy_timeout: a database that
// cannot serve writes right now. The database is migrated first.
func LockedSQLite(t testing.TB, target Target) *store.Store {
	t.Helper()
	ctx := context.Background()
	holder := Open(t, target)
	lock, err := holder.SQLDB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, target.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		st.Close()
		_, _ = lock.ExecContext(ctx, "ROLLBACK")
		lock.Close()
	})
	st.SetMaxConns(1) // one connection, so that its busy_timeout holds for every query
	if _, err := st.SQLDB().ExecContext(ctx, "PRAGMA busy_timeout = 50"); err != nil {
		t.Fatal(err)
	}
	return st
}
