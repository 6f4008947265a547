// Package turnout is the domain of Turnout: groups, accounts, events, articles
// and RSVPs, the rules they follow and the services that store them. It imports
// neither the web framework nor the database layer.
package turnout

import (
	"errors"
	"fmt"
)

// Error codes. The web layer maps each to an HTTP status.
const (
	EINVALID      = "invalid"      // input failed validation (422)
	EMALFORMED    = "malformed"    // the request could not be decoded (400)
	ENOTFOUND     = "not_found"    // no such thing, or not visible to the caller (404)
	ECONFLICT     = "conflict"     // the request clashes with the current state (409)
	EUNAUTHORIZED = "unauthorized" // the caller is not signed in (401)
	EFORBIDDEN    = "forbidden"    // the caller may not do this (403)
	ETOOLARGE     = "too_large"    // the body is over the size limit (413)
	ERATELIMITED  = "rate_limited" // too many requests from one client (429)
	EUNAVAILABLE  = "unavailable"  // a dependency such as the database is down (503)
	EINTERNAL     = "internal"     // anything else (500); never shown in detail
)

// Error is the error type of the domain. Message is safe to show to the user;
// Fields holds one message per invalid input field.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("turnout: code=%s message=%s fields=%v", e.Code, e.Message, e.Fields)
	}
	return fmt.Sprintf("turnout: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the safe message of err, or a generic one for errors that
// are not *Error (their text may hold database details).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong on our side. Please try again."
}

// ErrorFields returns the per-field messages of err, if any.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// FieldErrors collects per-field validation messages.
type FieldErrors map[string]string

// Add records msg for field unless the field already has a message.
func (f FieldErrors) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Err returns nil when no field failed, or an EINVALID *Error holding them.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Please correct the highlighted fields.", Fields: map[string]string(f)}
}
