package web

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// databaseDown reports whether err, an error that is not the domain's own,
// comes from a database that cannot be reached, so that the answer is a 503
// "try again" rather than a 500. Connection errors are recognised by type;
// anything else (a query killed by the server, a timeout) counts when the
// database also fails a quick ping.
func (s *Server) databaseDown(err error) bool {
	if err == nil {
		return false
	}
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return s.store.Ping(ctx) != nil
}

// isOutage reports whether err, as handed to the error handler, means the
// database is down (and not a domain error or one of Fiber's own).
func (s *Server) isOutage(err error) bool {
	var ferr *fiber.Error
	return turnout.ErrorCode(err) == turnout.EINTERNAL && !errors.As(err, &ferr) && s.databaseDown(err)
}
