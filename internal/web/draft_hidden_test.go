package web

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// TestOtherGroupsDraftLooksLikeNoEvent: GET /api/v1/events/{draft} answers a
// bad token, another group's token and no token exactly as it answers a slug
// no event has (the authorisation matrix covers every organiser route).
func TestOtherGroupsDraftLooksLikeNoEvent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		tok := seedOrganiser(t, st, "ada@example.org", "riverside")
		otherTok := seedOrganiser(t, st, "bo@example.org", "harbour")
		resp, body := do(t, app, apiRequest("POST", "/api/v1/groups/riverside/events", tok,
			`{"title": "Secret meeting", "starts_at": "2031-05-01T18:00", "ends_at": "2031-05-01T20:00"}`))
		if resp.StatusCode != 201 {
			t.Fatalf("create draft: %d %s", resp.StatusCode, body)
		}
		var e struct{ Slug string }
		if err := json.Unmarshal([]byte(body), &e); err != nil {
			t.Fatal(err)
		}
		for _, token := range []string{"", "nope", otherTok} {
			r1, b1 := do(t, app, apiRequest("GET", "/api/v1/events/"+e.Slug, token, ""))
			r2, b2 := do(t, app, apiRequest("GET", "/api/v1/events/no-such-event-2031-05-01", token, ""))
			if r1.StatusCode != 404 || r1.StatusCode != r2.StatusCode || b1 != b2 {
				t.Fatalf("token %q: draft %d %s, missing %d %s", token, r1.StatusCode, b1, r2.StatusCode, b2)
			}
		}
	})
}

// TestSlugDoesNotRevealAnotherGroupsDraft: another group's draft with the
// same title and date does not change the slug a new public event gets; a
// public event holding the slug gives a random suffix, not a count.
func TestSlugDoesNotRevealAnotherGroupsDraft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		tok := seedOrganiser(t, st, "ada@example.org", "riverside")
		otherTok := seedOrganiser(t, st, "bo@example.org", "harbour")
		create := func(group, token, status string) string {
			t.Helper()
			resp, body := do(t, app, apiRequest("POST", "/api/v1/groups/"+group+"/events", token,
				`{"title": "Vigil", "starts_at": "2031-05-01T18:00", "ends_at": "2031-05-01T20:00", "status": "`+status+`"}`))
			if resp.StatusCode != 201 {
				t.Fatalf("create: %d %s", resp.StatusCode, body)
			}
			var e struct{ Slug string }
			if err := json.Unmarshal([]byte(body), &e); err != nil {
				t.Fatal(err)
			}
			return e.Slug
		}
		suffixed := regexp.MustCompile(`^vigil-2031-05-01-[a-z2-9]{6}$`)
		if d := create("harbour", otherTok, "draft"); !suffixed.MatchString(d) {
			t.Fatalf("draft slug %q has no random suffix", d)
		}
		if s := create("riverside", tok, "published"); s != "vigil-2031-05-01" {
			t.Fatalf("public event next to another group's draft got %q", s)
		}
		s1, s2 := create("riverside", tok, "published"), create("riverside", tok, "published")
		if !suffixed.MatchString(s1) || !suffixed.MatchString(s2) || s1 == s2 {
			t.Fatalf("slugs beside a public event: %q %q", s1, s2)
		}
	})
}
