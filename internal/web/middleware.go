package web

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
)

// logRequests writes one log line per request.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	s.metrics.inFlight.Add(1)
	defer s.metrics.inFlight.Add(-1)
	err := c.Next()
	if err != nil {
		// The error handler answers here, so that the status is set before
		// it is logged; returning nil keeps Fiber from answering again.
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			s.log.Error("error handler failed", "err", herr)
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	s.metrics.observe(c.Method(), routeLabel(c), status, time.Since(start))
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.LogAttrs(c.UserContext(), level, "request",
		slog.String("method", c.Method()),
		slog.String("path", logPath(c.Path())),
		slog.Int("status", status),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("request_id", requestID(c)),
	)
	return nil
}

func requestID(c *fiber.Ctx) string {
	if id, ok := c.Locals("requestid").(string); ok {
		return id
	}
	return ""
}

func (s *Server) logPanic(c *fiber.Ctx, e any) {
	s.log.Error("panic", "err", fmt.Sprint(e), "path", logPath(c.Path()), "request_id", requestID(c))
}

// contentSecurityPolicy allows only this origin and no inline script at all.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	s.setSecurityHeaders(c)
	return c.Next()
}

// hsts keeps browsers on https for a year once they have seen it.
const hsts = "max-age=31536000"

// setSecurityHeaders sets the headers of securityHeaders on c's response;
// Strict-Transport-Security when TURNOUT_BASE_URL is https.
func (s *Server) setSecurityHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	if s.cfg.SecureCookies() {
		h.Set(fiber.HeaderStrictTransportSecurity, hsts)
	}
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}
