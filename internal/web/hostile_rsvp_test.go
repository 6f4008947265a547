package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// rsvpHostileCases are refusals of the public RSVP API and form and of the
// manage links.
func rsvpHostileCases(slug string) []hostileCase {
	api := "/api/v1/events/" + slug + "/rsvps"
	form := "/events/" + slug + "/rsvp"
	formType := "application/x-www-form-urlencoded"
	long := strings.Repeat("n", 1000)
	cases := []hostileCase{
		{name: "APIInvalidJSON", method: "POST", path: api, ctype: jsonType, body: `{"name": "x"`, status: 400},
		{name: "APIInvalidUTF8", method: "POST", path: api, ctype: jsonType, body: "{\"name\": \"\xc3\x28\"}", status: 400},
		{name: "APITrailing", method: "POST", path: api, ctype: jsonType, body: `{"name": "a"} {"name": "b"}`, status: 400},
		{name: "APIUnknownField", method: "POST", path: api, ctype: jsonType, body: `{"name": "a", "status": "going", "checked_in": true}`, status: 400},
		{name: "APIGuestsString", method: "POST", path: api, ctype: jsonType, body: `{"name": "a", "guests": "two"}`, status: 422},
		{name: "APIGuestsNegative", method: "POST", path: api, ctype: jsonType, body: `{"name": "a", "guests": -1}`, status: 422},
		{name: "APIGuestsHuge", method: "POST", path: api, ctype: jsonType, body: `{"name": "a", "guests": 1000000000}`, status: 422},
		{name: "APIGuestsOverflow", method: "POST", path: api, ctype: jsonType, body: `{"name": "a", "guests": 1e40}`, status: 422},
		{name: "APINameHuge", method: "POST", path: api, ctype: jsonType, body: `{"name": "` + long + `"}`, status: 422},
		{name: "APINameNUL", method: "POST", path: api, ctype: jsonType, body: `{"name": "a\u0000b"}`, status: 422},
		{name: "APINameRLO", method: "POST", path: api, ctype: jsonType, body: `{"name": "\u202eadmin"}`, status: 422},
		{name: "APINameBlank", method: "POST", path: api, ctype: jsonType, body: `{"name": "  "}`, status: 422},
		{name: "APIStatusBogus", method: "POST", path: api, ctype: jsonType, body: `{"name": "a", "status": "waitlisted"}`, status: 422},
		{name: "APIEmailBogus", method: "POST", path: api, ctype: jsonType, body: `{"name": "a", "email": "a@b'--"}`, status: 422},
		{name: "APIUnknownEvent", method: "POST", path: "/api/v1/events/nope/rsvps", ctype: jsonType, body: `{"name": "a"}`, status: 404},
		{name: "APIEventSQLRefusedByValidator", method: "POST", path: "/api/v1/events/x'%20OR%201=1--/rsvps", ctype: jsonType, body: `{"name": "a"}`, status: 404},
		{name: "APIFormType", method: "POST", path: api, ctype: "text/plain", body: `{"name": "a"}`, status: 415},
		{name: "APIOverLimit", method: "POST", path: api, ctype: jsonType, length: 1<<20 + 1, status: 413},
		{name: "APIWrongMethod", method: "PUT", path: api, ctype: jsonType, body: `{}`, status: 405},
		{name: "ManageBogusToken", method: "GET", path: "/api/v1/rsvps/bogus", status: 404},
		{name: "ManageTraversal", method: "GET", path: "/api/v1/rsvps/..%2F..%2Fadmin", status: 404},
		{name: "ManagePatchBogus", method: "PATCH", path: "/api/v1/rsvps/bogus", ctype: jsonType, body: `{"status": "maybe"}`, status: 404},
		{name: "ManageDeleteBogus", method: "DELETE", path: "/api/v1/rsvps/" + strings.Repeat("A", 43), status: 404},
		{name: "ManagePageBogus", method: "GET", path: "/rsvp/x'%20OR%20'1'='1", status: 404},
		{name: "ManagePageCancelBogus", method: "POST", path: "/rsvp/bogus/cancel", ctype: formType, body: "", status: 404},
		{name: "FormGuestsNegative", method: "POST", path: form, ctype: formType, body: "name=a&status=going&guests=-1", status: 422},
		{name: "FormGuestsText", method: "POST", path: form, ctype: formType, body: "name=a&status=going&guests=two", status: 422},
		{name: "FormGuestsHuge", method: "POST", path: form, ctype: formType, body: "name=a&status=going&guests=99999999999999999999", status: 422},
		{name: "FormNameNUL", method: "POST", path: form, ctype: formType, body: "name=a%00b&status=going", status: 422},
		{name: "FormNameInvalidUTF8", method: "POST", path: form, ctype: formType, body: "name=%ff%fe&status=going", status: 422},
		{name: "FormNameRLO", method: "POST", path: form, ctype: formType, body: "name=" + url.QueryEscape("\u202eevil") + "&status=going", status: 422},
		{name: "FormNameHuge", method: "POST", path: form, ctype: formType, body: "name=" + long + "&status=going", status: 422},
		{name: "FormStatusBogus", method: "POST", path: form, ctype: formType, body: "name=a&status=checked_in", status: 422},
		{name: "FormHoneypot", method: "POST", path: form, ctype: formType, body: "name=a&status=going&website=http://spam.example", status: 422},
		{name: "FormUnknownEvent", method: "POST", path: "/events/nope/rsvp", ctype: formType, body: "name=a", status: 404},
		{name: "FormOverLimit", method: "POST", path: form, ctype: formType, length: 1<<20 + 1, status: 413},
		{name: "CSVWithoutSession", method: "GET", path: "/events/" + slug + "/attendees.csv", status: 303},
		{name: "AttendeesWithoutSession", method: "GET", path: "/events/" + slug + "/attendees", status: 303},
		{name: "CheckInWithoutSession", method: "POST", path: "/events/" + slug + "/attendees/1/checkin", ctype: formType, body: "in=1", status: 303},
		{name: "OrganiserListNoToken", method: "GET", path: "/api/v1/events/" + slug + "/rsvps", status: 401},
	}
	return cases
}

// TestHostileInputRSVP sends every refusal of the RSVP API, form and manage
// links, and checks each changes nothing, on both databases.
func TestHostileInputRSVP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg := testConfig(t)
		cfg.RSVPRateLimit = 0
		app := newTestApp(t, cfg, st)
		g, _ := seedGroup(t, st, "hostile")
		e := seedEvent(t, st, g.ID, "Hostile vigil", 24*time.Hour, func(in *turnout.EventInput) { in.Capacity = turnout.Of(10) })
		checkRefusals(t, st, serve(t, app), rsvpHostileCases(e.Slug))
	})
}
