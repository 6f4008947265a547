package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/turnout-org/turnout/internal/turnout"
)

// statusOf maps domain error codes to HTTP statuses.
var statusOf = map[string]int{
	turnout.EINVALID:      fiber.StatusUnprocessableEntity,
	turnout.EMALFORMED:    fiber.StatusBadRequest,
	turnout.ENOTFOUND:     fiber.StatusNotFound,
	turnout.ECONFLICT:     fiber.StatusConflict,
	turnout.EUNAUTHORIZED: fiber.StatusUnauthorized,
	turnout.EFORBIDDEN:    fiber.StatusForbidden,
	turnout.ETOOLARGE:     fiber.StatusRequestEntityTooLarge,
	turnout.ERATELIMITED:  fiber.StatusTooManyRequests,
	turnout.EUNAVAILABLE:  fiber.StatusServiceUnavailable,
	turnout.EINTERNAL:     fiber.StatusInternalServerError,
}

// codeOf maps Fiber's own errors (unknown route, wrong method, body too large) to codes.
var codeOf = map[int]string{
	fiber.StatusBadRequest:            turnout.EMALFORMED,
	fiber.StatusNotFound:              turnout.ENOTFOUND,
	fiber.StatusMethodNotAllowed:      "method_not_allowed",
	fiber.StatusRequestEntityTooLarge: turnout.ETOOLARGE,
	fiber.StatusUnsupportedMediaType:  "unsupported_media_type",
	fiber.StatusTooManyRequests:       turnout.ERATELIMITED,
	fiber.StatusServiceUnavailable:    turnout.EUNAVAILABLE,
	fiber.StatusRequestTimeout:        "timeout",
}

// friendly messages for Fiber's errors, whose own texts are terse.
var messageOf = map[int]string{
	fiber.StatusNotFound:              "We could not find that page.",
	fiber.StatusMethodNotAllowed:      "That method is not allowed here.",
	fiber.StatusRequestEntityTooLarge: "The request is too large.",
	fiber.StatusBadRequest:            "The request could not be read.",
	fiber.StatusServiceUnavailable:    "Turnout cannot reach its database right now. Please try again in a minute.",
	fiber.StatusUnsupportedMediaType:  "Send JSON with Content-Type: application/json.",
}

// handleError is the one error handler, Fiber's ErrorHandler: logRequests
// hands it the errors of routes and middleware, and Fiber the errors it
// raises before any middleware runs. It answers JSON under /api/ (or when
// JSON is asked for) and an HTML page otherwise, logging only internal
// errors and outages. It never shows the text of an internal error. An
// outage is the error the store returned with code EUNAVAILABLE.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, code, message := fiber.StatusInternalServerError, turnout.EINTERNAL, turnout.ErrorMessage(err)
	var fields map[string]string
	var ferr *fiber.Error
	switch {
	case errors.As(err, &ferr):
		status = ferr.Code
		code = codeOf[status]
		if code == "" {
			code = strings.ToLower(strings.ReplaceAll(utils.StatusMessage(status), " ", "_"))
		}
		message = messageOf[status]
		if message == "" {
			message = utils.StatusMessage(status) + "."
		}
	case turnout.ErrorCode(err) != turnout.EINTERNAL:
		code = turnout.ErrorCode(err)
		status = statusOf[code]
		fields = turnout.ErrorFields(err)
	}
	// Errors Fiber raises before any middleware ran (a body over the limit)
	// reach this handler directly: give them the same headers as the rest.
	s.setSecurityHeaders(c)
	if status == fiber.StatusServiceUnavailable {
		c.Set(fiber.HeaderRetryAfter, "30")
	}
	if status >= 500 && code != turnout.EUNAVAILABLE {
		s.log.Error("internal error", "err", err, "method", c.Method(), "path", logPath(c.Path()), "request_id", requestID(c))
	} else if code == turnout.EUNAVAILABLE {
		s.log.Warn("database unavailable", "err", err, "method", c.Method(), "path", logPath(c.Path()), "request_id", requestID(c))
	}
	if code == turnout.EUNAUTHORIZED && c.Method() == fiber.MethodGet && !wantsJSON(c) {
		// A page that needs a login sends the browser to the login page and back.
		return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	if wantsJSON(c) {
		// Messages are in the caller's language (Accept-Language, ?lang=).
		if s.langs != nil {
			loc := s.langs.cat.Localizer(s.language(c, nil))
			c.Vary(fiber.HeaderAcceptLanguage, fiber.HeaderCookie)
			message, fields = translateText(loc, message), translateFields(loc, fields)
		}
		return c.Status(status).JSON(apiError{Error: apiErrorBody{Code: code, Message: message, Fields: fields}})
	}
	c.Status(status)
	heading := headingOf[code]
	if heading == "" {
		heading = headingOf[turnout.EINTERNAL]
		if status < 500 {
			heading = headingOf[turnout.EMALFORMED]
		}
	}
	if len(fields) > 0 {
		// Nothing is highlighted on this page: each field is named below.
		message = "Please correct the following and try again."
	}
	href, text := backLink(c, status)
	// A flash set by the redirect that led here ("Welcome back") does not
	// belong above an error: it is dropped, not shown.
	s.takeFlash(c)
	return s.render(c, "pages/error", fiber.Map{
		"Title":    heading,
		"Heading":  heading,
		"Message":  message,
		"Fields":   fieldProblems(fields),
		"BackURL":  href,
		"BackText": text,
		"Flash":    "",
		"LangPath": "/",
	})
}

// wantsJSON reports whether the error answer should be JSON.
func wantsJSON(c *fiber.Ctx) bool {
	p := c.Path()
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/ap/") || strings.HasPrefix(p, "/.well-known/") ||
		strings.HasPrefix(p, "/nodeinfo/") || c.Accepts(fiber.MIMETextHTML, fiber.MIMEApplicationJSON) == fiber.MIMEApplicationJSON
}
