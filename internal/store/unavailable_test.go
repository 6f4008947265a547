package store_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

func TestUnavailable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"Nil", nil, false},
		{"Plain", errors.New("boom"), false},
		{"Domain", turnout.Errorf(turnout.ENOTFOUND, "x"), false},
		{"AdminShutdown", &pgconn.PgError{Code: "57P01", Severity: "FATAL"}, true},
		{"CannotConnectNow", fmt.Errorf("query: %w", &pgconn.PgError{Code: "57P03"}), true},
		{"TooManyConnections", &pgconn.PgError{Code: "53300"}, true},
		{"ConnectionFailure", &pgconn.PgError{Code: "08006"}, true},
		{"QueryCanceled", &pgconn.PgError{Code: "57014"}, false},
		{"UniqueViolation", &pgconn.PgError{Code: "23505"}, false},
		{"CheckViolation", &pgconn.PgError{Code: "23514"}, false},
		{"BadConn", fmt.Errorf("x: %w", driver.ErrBadConn), true},
		{"Deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), true},
		{"Refused", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := store.Unavailable(tc.err); got != tc.want {
				t.Errorf("Unavailable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

// TestUnavailableSQLiteBusy holds SQLite's write lock from one connection
// and writes from another: the busy error after busy_timeout is an outage
// (503), not a bug.
func TestUnavailableSQLiteBusy(t *testing.T) {
	target := storetest.SQLiteTarget(t)
	st := storetest.Open(t, target)
	ctx := context.Background()
	holder, err := st.SQLDB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = holder.ExecContext(ctx, "ROLLBACK") }()
	other, err := st.SQLDB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.ExecContext(ctx, "PRAGMA busy_timeout = 50"); err != nil {
		t.Fatal(err)
	}
	_, err = other.ExecContext(ctx, "BEGIN IMMEDIATE")
	if err == nil {
		t.Fatal("second writer got the lock")
	}
	if !store.Unavailable(err) {
		t.Errorf("Unavailable(%v) = false, want true", err)
	}
}

// TestOutageIsUnavailable: a store method whose database cannot serve
// returns the domain's EUNAVAILABLE (keeping the driver's error for the
// log), whether the failure comes at connect, at BEGIN or in a query.
func TestOutageIsUnavailable(t *testing.T) {
	t.Run("PostgresRefused", func(t *testing.T) {
		ctx := context.Background()
		st, err := store.Open(ctx, "postgres://turnout:turnout@127.0.0.1:1/turnout?sslmode=disable&connect_timeout=2")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		_, err = st.FindGroups(ctx)
		expectUnavailable(t, "FindGroups", err)
		_, err = st.UpdateGroup(ctx, 1, turnout.GroupInput{})
		expectUnavailable(t, "UpdateGroup", err)
	})
	t.Run("SQLiteLocked", func(t *testing.T) {
		st := storetest.LockedSQLite(t, storetest.SQLiteTarget(t))
		_, err := st.UpdateGroup(context.Background(), 1, turnout.GroupInput{})
		expectUnavailable(t, "UpdateGroup", err)
	})
}

func expectUnavailable(t *testing.T, what string, err error) {
	t.Helper()
	if code := turnout.ErrorCode(err); code != turnout.EUNAVAILABLE {
		t.Errorf("%s: code %q (%v), want %q", what, code, err, turnout.EUNAVAILABLE)
	} else if !strings.Contains(err.Error(), "database unavailable: ") {
		t.Errorf("%s: the error does not keep the driver's: %v", what, err)
	}
}
