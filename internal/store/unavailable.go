package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"

	sqlite "github.com/glebarez/go-sqlite"
	"github.com/jackc/pgx/v5/pgconn"
)

// SQLite primary result codes that mean "not now" rather than "wrong".
const (
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteIOErr    = 10
	sqliteFull     = 13
	sqliteCantOpen = 14
)

// Unavailable reports whether err, returned by any store method, means the
// database cannot serve right now (it is down, restarting, out of
// connections, too slow, or its disk is full or locked) rather than that
// the request was wrong. The web layer answers these with 503 and Retry-After.
//
// On Postgres this covers a connection killed by the server: when Postgres
// restarts or fails over, each pooled connection fails its next query with
// SQLSTATE 57P01 before the pool replaces it.
func (s *Store) Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		if len(pg.Code) < 2 {
			return false
		}
		switch pg.Code[:2] {
		case "08", "53": // connection exception, insufficient resources
			return true
		case "57": // operator intervention: shutdown, crash, cannot connect now; not a cancelled query
			return pg.Code != "57014"
		}
		return false
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() & 0xff {
		case sqliteBusy, sqliteLocked, sqliteIOErr, sqliteFull, sqliteCantOpen:
			return true
		}
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) || pgconn.Timeout(err) || pgconn.SafeToRetry(err) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
