package web

import (
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

const jsonType = "application/json"

// organiserAPIHostileCases are refusals of the organiser JSON API: missing
// or foreign credentials, unreadable bodies, and every absurd event value.
func organiserAPIHostileCases(slug, token, foreign string) []hostileCase {
	auth := map[string]string{"Authorization": "Bearer " + token}
	create := "/api/v1/groups/hostile/events"
	cases := []hostileCase{
		{name: "CreateNoToken", method: "POST", path: create, ctype: jsonType, body: validEventBody(`{}`), status: 401},
		{name: "CreateBadToken", method: "POST", path: create, ctype: jsonType, body: validEventBody(`{}`), header: map[string]string{"Authorization": "Bearer nope"}, status: 401},
		{name: "CreateTokenRLO", method: "POST", path: create, ctype: jsonType, body: validEventBody(`{}`), header: map[string]string{"Authorization": "Bearer \u202e" + token}, status: 401},
		{name: "CreateForeignGroup", method: "POST", path: create, ctype: jsonType, body: validEventBody(`{}`), header: map[string]string{"Authorization": "Bearer " + foreign}, status: 403},
		{name: "CreateGroupSQLRefusedByValidator", method: "POST", path: "/api/v1/groups/x'%20OR%20'1'='1/events", ctype: jsonType, body: validEventBody(`{}`), header: auth, status: 404},
		{name: "CreateGroupTraversal", method: "POST", path: "/api/v1/groups/..%2F..%2Fetc/events", ctype: jsonType, body: validEventBody(`{}`), header: auth, status: 404},
		{name: "CreateInvalidJSON", method: "POST", path: create, ctype: jsonType, body: `{"title": "x",`, header: auth, status: 400},
		{name: "CreateInvalidUTF8", method: "POST", path: create, ctype: jsonType, body: "{\"title\": \"\xff\"}", header: auth, status: 400},
		{name: "CreateTrailing", method: "POST", path: create, ctype: jsonType, body: validEventBody(`{}`) + `{}`, header: auth, status: 400},
		{name: "CreateUnknownField", method: "POST", path: create, ctype: jsonType, body: validEventBody(`{"admin": true}`), header: auth, status: 400},
		{name: "CreateArray", method: "POST", path: create, ctype: jsonType, body: `[` + validEventBody(`{}`) + `]`, header: auth, status: 400},
		{name: "CreateFormType", method: "POST", path: create, ctype: "application/x-www-form-urlencoded", body: "title=x", header: auth, status: 415},
		{name: "CreateOverLimit", method: "POST", path: create, ctype: jsonType, length: 1<<20 + 1, status: 413},
		{name: "CreateWrongMethod", method: "PUT", path: create, ctype: jsonType, body: `{}`, header: auth, status: 405},
		{name: "PatchUnknownSlug", method: "PATCH", path: "/api/v1/events/no-such-event", ctype: jsonType, body: `{"title": "x"}`, header: auth, status: 404},
		{name: "PatchSlugSQLRefusedByValidator", method: "PATCH", path: "/api/v1/events/x';DELETE%20FROM%20events;--", ctype: jsonType, body: `{"title": "x"}`, header: auth, status: 404},
		{name: "PatchNoToken", method: "PATCH", path: "/api/v1/events/" + slug, ctype: jsonType, body: `{"title": "x"}`, status: 401},
		{name: "PatchForeign", method: "PATCH", path: "/api/v1/events/" + slug, ctype: jsonType, body: `{"title": "x"}`, header: map[string]string{"Authorization": "Bearer " + foreign}, status: 403},
		{name: "PatchInvalidJSON", method: "PATCH", path: "/api/v1/events/" + slug, ctype: jsonType, body: `{title: x}`, header: auth, status: 400},
		{name: "CancelReasonHuge", method: "POST", path: "/api/v1/events/" + slug + "/cancel", ctype: jsonType, body: `{"reason": "` + strings.Repeat("r", 10000) + `"}`, header: auth, status: 422},
		{name: "CancelReasonNUL", method: "POST", path: "/api/v1/events/" + slug + "/cancel", ctype: jsonType, body: `{"reason": "a\u0000b"}`, header: auth, status: 422},
		{name: "CancelReasonRLO", method: "POST", path: "/api/v1/events/" + slug + "/cancel", ctype: jsonType, body: `{"reason": "\u202eevil"}`, header: auth, status: 422},
		{name: "CancelNoToken", method: "POST", path: "/api/v1/events/" + slug + "/cancel", ctype: jsonType, body: `{"reason": "x"}`, status: 401},
	}
	for _, a := range absurdEvents {
		cases = append(cases,
			hostileCase{name: "Create" + a.name, method: "POST", path: create, ctype: jsonType, body: validEventBody(a.body), header: auth, status: 422},
			hostileCase{name: "Patch" + a.name, method: "PATCH", path: "/api/v1/events/" + slug, ctype: jsonType, body: a.body, header: auth, status: 422})
	}
	return cases
}

// accountHostileCases are refusals of the login, sign-up and organiser forms.
func accountHostileCases(slug string) []hostileCase {
	formType := "application/x-www-form-urlencoded"
	return []hostileCase{
		{name: "LoginNoCSRF", method: "POST", path: "/login", ctype: formType, body: "email=a%40example.org&password=x", status: 403},
		{name: "SignupNoCSRF", method: "POST", path: "/signup", ctype: formType, body: "email=a%40example.org&password=0123456789&name=a", status: 403},
		{name: "SignupOverLimit", method: "POST", path: "/signup", ctype: formType, length: 1<<20 + 1, status: 413},
		{name: "EditWithoutSession", method: "POST", path: "/events/" + slug + "/edit", ctype: formType, body: "title=pwned", status: 303},
		{name: "DeleteWithoutSession", method: "POST", path: "/events/" + slug + "/delete", ctype: formType, body: "", status: 303},
	}
}

// TestHostileInputWrites sends every refusal of the write endpoints of
// organisers (API and forms) and checks each changes nothing, on both
// databases.
func TestHostileInputWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg := testConfig(t)
		cfg.RSVPRateLimit = 0
		app := newTestApp(t, cfg, st)
		g, token := seedGroup(t, st, "hostile")
		_, foreign := seedGroup(t, st, "elsewhere")
		e := seedEvent(t, st, g.ID, "Hostile target", 24*time.Hour, func(in *turnout.EventInput) { in.Capacity = turnout.Of(10) })
		base := serve(t, app)
		checkRefusals(t, st, base, organiserAPIHostileCases(e.Slug, token, foreign))
		checkRefusals(t, st, base, accountHostileCases(e.Slug))
	})
}
