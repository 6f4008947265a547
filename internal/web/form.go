package web

import (
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// fieldID turns a field name such as articles.0.url into an element id.
func fieldID(field string) string { return strings.ReplaceAll(field, ".", "-") }

// invalidAttrs marks an input whose field has an error and links the
// message (and any hint ids) to it for screen readers.
func invalidAttrs(errs map[string]string, field string, hints ...string) template.HTMLAttr {
	ids := hints
	_, bad := errs[field]
	if bad {
		ids = append(append([]string{}, hints...), fieldID(field)+"-error")
	}
	var b strings.Builder
	if bad {
		b.WriteString(` aria-invalid="true"`)
	}
	if len(ids) > 0 {
		b.WriteString(` aria-describedby="` + template.HTMLEscapeString(strings.Join(ids, " ")) + `"`)
	}
	return template.HTMLAttr(b.String())
}

// fieldError is the message shown beside an invalid field.
func fieldError(errs map[string]string, field string) template.HTML {
	msg, bad := errs[field]
	if !bad {
		return ""
	}
	return template.HTML(`<p class="field-error" id="` + template.HTMLEscapeString(fieldID(field)) + `-error">` + template.HTMLEscapeString(msg) + `</p>`)
}

func formFuncs(m template.FuncMap) {
	m["invalid"] = invalidAttrs
	m["fieldError"] = fieldError
	m["fieldID"] = fieldID
	// deref is also defined by the RSVP work; whichever lands, it is the same.
	m["deref"] = func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
}

// formFailure renders page again with what was typed and the per-field
// messages of err, status 422 (or the status of err's code), or returns err
// when it is not a problem with the input.
func (s *Server) formFailure(c *fiber.Ctx, err error, page string, data fiber.Map) error {
	code := turnout.ErrorCode(err)
	if code != turnout.EINVALID && code != turnout.ECONFLICT {
		return err
	}
	errs := turnout.ErrorFields(err)
	if errs == nil {
		errs = map[string]string{}
	}
	data["Errors"] = errs
	data["Error"] = turnout.ErrorMessage(err)
	c.Status(statusOf[code])
	return s.render(c, page, data)
}

// timeZones offered by the time zone select: common zones of the places
// where groups organise; a group's or event's own zone is added if missing.
var timeZones = []string{
	"UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Brussels",
	"Europe/Amsterdam", "Europe/Berlin", "Europe/Madrid", "Europe/Rome", "Europe/Vienna", "Europe/Zurich",
	"Europe/Prague", "Europe/Warsaw", "Europe/Stockholm", "Europe/Oslo", "Europe/Copenhagen",
	"Europe/Helsinki", "Europe/Athens", "Europe/Bucharest", "Europe/Istanbul", "Europe/Kyiv",
	"Africa/Cairo", "Africa/Lagos", "Africa/Johannesburg", "Africa/Nairobi",
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
	"America/Mexico_City", "America/Bogota", "America/Sao_Paulo", "America/Argentina/Buenos_Aires",
	"Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok", "Asia/Jakarta", "Asia/Manila", "Asia/Hong_Kong",
	"Asia/Tokyo", "Asia/Seoul", "Australia/Sydney", "Australia/Perth", "Pacific/Auckland",
}

// zoneChoices is timeZones with current added when it is not among them.
func zoneChoices(current string) []string {
	for _, z := range timeZones {
		if z == current {
			return timeZones
		}
	}
	if current == "" {
		return timeZones
	}
	return append([]string{current}, timeZones...)
}
