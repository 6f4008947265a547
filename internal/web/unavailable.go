package web

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// unavailabler is implemented by stores that can tell an outage from a
// failed query (store.Store does, for both dialects).
type unavailabler interface {
	Unavailable(err error) bool
}

// databaseDown reports whether err, an error that is not the domain's own,
// means the database cannot serve right now, so that the answer is a 503
// "try again" rather than a 500: the store recognises connection, shutdown
// and overload errors of its driver; anything else counts when the database
// also fails a quick ping.
func (s *Server) databaseDown(err error) bool {
	if err == nil {
		return false
	}
	if u, ok := s.store.(unavailabler); ok && u.Unavailable(err) {
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
