package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
)

// TestOpenSQLiteTakesWriteLockAtBegin: a database/sql handle from OpenSQLite
// (what bench/gen writes with) has the store's settings: WAL, foreign keys,
// and transactions that hold the write lock from BEGIN, so that a second
// writer waits instead of failing half-way.
func TestOpenSQLiteTakesWriteLockAtBegin(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lock.db")
	db, err := store.OpenSQLite("sqlite:" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	var fk int
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q, %v; want wal", mode, err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys %d, %v; want 1", fk, err)
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// The transaction has not written yet; another connection that will not
	// wait must still find the database locked.
	other, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.ExecContext(ctx, "INSERT INTO t VALUES (1)")
	if err == nil || !strings.Contains(err.Error(), "locked") && !strings.Contains(err.Error(), "busy") {
		t.Errorf("a write beside an open transaction: %v, want database is locked", err)
	}
	if _, err := store.OpenSQLite("postgres://u@h/db"); err == nil {
		t.Error("OpenSQLite accepted a Postgres URL")
	}
}
