package web

import (
	"html/template"
	"sort"
	"strconv"
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
	m["errorList"] = errorList
	m["hasPrefixError"] = func(errs map[string]string, prefix string) bool {
		for k := range errs {
			if strings.HasPrefix(k, prefix) {
				return true
			}
		}
		return false
	}
	m["zoneLabel"] = zoneLabel
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

//go:generate go run ./zonesgen -o zones_gen.go

// zoneGroup is one optgroup of the time zone select: a region of the tz
// database and its zones.
type zoneGroup struct {
	Region string
	Zones  []zoneOption
}

// zoneOption is one zone of the select: its IANA name and what is shown.
type zoneOption struct{ Name, Label string }

// zoneGroups groups every zone where people live by region, with UTC last.
var zoneGroups = func() []zoneGroup {
	var out []zoneGroup
	for _, name := range zoneNames {
		region, city, _ := strings.Cut(name, "/")
		if len(out) == 0 || out[len(out)-1].Region != region {
			out = append(out, zoneGroup{Region: region})
		}
		g := &out[len(out)-1]
		g.Zones = append(g.Zones, zoneOption{Name: name, Label: strings.ReplaceAll(city, "_", " ")})
	}
	return append(out, zoneGroup{Region: "Other", Zones: []zoneOption{{Name: "UTC", Label: "UTC (Coordinated Universal Time)"}}})
}()

// zoneSelect is what partials/zone_select needs besides the form: the
// groups, first the group's own zone, and current when it is offered nowhere
// else (a zone the list does not hold), so that saving never changes it.
func zoneSelect(data fiber.Map, first, current string) fiber.Map {
	data["Zones"], data["ZoneFirst"], data["ZoneExtra"] = zoneGroups, first, ""
	if current == "" || current == first {
		return data
	}
	for _, g := range zoneGroups {
		for _, z := range g.Zones {
			if z.Name == current {
				return data
			}
		}
	}
	data["ZoneExtra"] = current
	return data
}

// zoneLabel is how a zone is named in the first option: the IANA name, readable.
func zoneLabel(name string) string { return strings.ReplaceAll(name, "_", " ") }

// errorItem is one entry of the error summary: the message and the id of
// the element it is about.
type errorItem struct{ ID, Message string }

// eventFieldOrder is the order of the event form's fields, top to bottom.
var eventFieldOrder = []string{"title", "kind", "summary", "description", "starts_at", "ends_at", "timezone",
	"venue", "address", "online_url", "accessibility", "capacity", "max_guests", "rsvp_closes_at", "require_email", "email_confirm_hours", "image", "alt"}

// errorList orders field errors as the fields appear in the form, article
// rows after, anything else last, each linked to its field's id.
func errorList(errs map[string]string) []errorItem {
	rank := func(f string) int {
		for i, k := range eventFieldOrder {
			if k == f {
				return i
			}
		}
		if strings.HasPrefix(f, "articles.") {
			return len(eventFieldOrder)
		}
		return len(eventFieldOrder) + 1
	}
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if a, b := rank(keys[i]), rank(keys[j]); a != b {
			return a < b
		}
		return naturalLess(keys[i], keys[j])
	})
	out := make([]errorItem, 0, len(keys))
	for _, k := range keys {
		id := fieldID(k)
		if rank(k) > len(eventFieldOrder) {
			id = "event-actions"
		}
		out = append(out, errorItem{ID: id, Message: errs[k]})
	}
	return out
}

// naturalLess orders articles.2.url before articles.10.url.
func naturalLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if pa[i] == pb[i] {
			continue
		}
		na, ea := strconv.Atoi(pa[i])
		nb, eb := strconv.Atoi(pb[i])
		if ea == nil && eb == nil {
			return na < nb
		}
		return pa[i] < pb[i]
	}
	return len(pa) < len(pb)
}
