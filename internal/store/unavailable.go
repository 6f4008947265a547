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

	"github.com/turnout-org/turnout/internal/turnout"
)

// SQLite primary result codes that mean "not now" rather than "wrong".
const (
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteIOErr    = 10
	sqliteFull     = 13
	sqliteCantOpen = 14
)

// errUnavailable is what every store method's error says when the database
// cannot serve right now: the domain's EUNAVAILABLE, which the web layer
// answers with 503 and Retry-After.
var errUnavailable = turnout.Errorf(turnout.EUNAVAILABLE, "Turnout cannot reach its database right now. Please try again in a minute.")

// outageError is a driver error that means the database cannot serve right
// now. It reads as errUnavailable (errors.As finds the *turnout.Error) and
// keeps the driver's error for the log.
type outageError struct{ err error }

func (e *outageError) Error() string   { return "database unavailable: " + e.err.Error() }
func (e *outageError) Unwrap() []error { return []error{errUnavailable, e.err} }

// markOutage turns an error of the driver that means an outage into an
// outageError and returns any other error as it is. gorm passes every error
// of a query, a BEGIN or a COMMIT through it (see postgresDialector and
// sqliteDialector), so the store's methods return outages as EUNAVAILABLE
// without each checking.
func markOutage(err error) error {
	var o *outageError
	if err == nil || errors.As(err, &o) || !unavailable(err) {
		return err
	}
	return &outageError{err: err}
}

// unavailable reports whether err, an error of the database driver, means
// the database cannot serve right now (it is down, restarting, out of
// connections, too slow, or its disk is full or locked) rather than that
// the request was wrong.
//
// On Postgres this covers a connection killed by the server: when Postgres
// restarts or fails over, each pooled connection fails its next query with
// SQLSTATE 57P01 before the pool replaces it.
func unavailable(err error) bool {
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
