package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// decodeJSON reads the request body as one JSON value into dst, strictly:
// the body must be valid UTF-8, hold exactly one JSON value with no trailing
// data, and name no field that dst does not have. Every API handler that
// takes a JSON body uses it, so that bad bodies get the same clear answers:
// a body that cannot be read is EMALFORMED (400), a value of the wrong type
// for a field is EINVALID (422) naming the field, and a declared content
// type other than JSON is 415. Bodies over the size limit never get here:
// Fiber answers 413 first.
func decodeJSON(c *fiber.Ctx, dst any) error {
	if ct := c.Get(fiber.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != fiber.MIMEApplicationJSON && !strings.HasSuffix(mt, "+json")) {
			return fiber.NewError(fiber.StatusUnsupportedMediaType, "Send JSON with Content-Type: application/json.")
		}
	}
	return decodeJSONBytes(c.Body(), dst)
}

// decodeJSONBytes is decodeJSON without the HTTP request, for tests and fuzzing.
func decodeJSONBytes(body []byte, dst any) error {
	if trimmed := bytes.TrimSpace(body); len(trimmed) == 0 || trimmed[0] != '{' {
		return malformed("Send a JSON object in the request body.")
	}
	if !utf8.Valid(body) {
		return malformed("The request body is not valid UTF-8.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return malformed("The request body holds more than one JSON value.")
	}
	return nil
}

// jsonError turns an encoding/json error into a domain error whose message
// is safe to show.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return malformed("The request body is not valid JSON.")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return malformed("Send a JSON object in the request body.")
		}
		return &turnout.Error{Code: turnout.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{typ.Field: "Wrong type of value: expected " + jsonKind(typ.Type.Kind().String()) + "."}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		if len(field) > 64 || !utf8.ValidString(field) {
			return malformed("The request body names an unknown field.")
		}
		return malformed("Unknown field %q in the request body.", field)
	default:
		return malformed("The request body could not be read as JSON.")
	}
}

// jsonKind names a Go kind the way a JSON client thinks of it.
func jsonKind(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "a number in range"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case kind == "slice", kind == "array":
		return "a list"
	default:
		return "an object"
	}
}

func malformed(format string, args ...any) error {
	return turnout.Errorf(turnout.EMALFORMED, format, args...)
}
