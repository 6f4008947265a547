package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

const apiEventBody = `{"title": "Anti-racist demo", "kind": "march", "starts_at": "2031-05-01T12:00", "ends_at": "2031-05-01T15:00",
 "timezone": "Europe/Paris", "venue": "Place de la République", "capacity": 500, "status": "published",
 "articles": [{"url": "https://example.org/a", "title": "Why we march"}, {"url": "https://example.org/b", "title": "The Grand Jury"}]}`

func TestAPIOrganiserEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)
		tok := seedOrganiser(t, st, "ada@example.org", "riverside")
		otherTok := seedOrganiser(t, st, "bo@example.org", "harbour")

		resp, body := do(t, app, apiRequest("POST", "/api/v1/groups/riverside/events", tok, apiEventBody))
		if resp.StatusCode != 201 {
			t.Fatalf("create: status %d: %s", resp.StatusCode, body)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		slug, _ := got["slug"].(string)
		if slug == "" || got["url"] != "http://turnout.test/events/"+slug || got["ics_url"] != "http://turnout.test/events/"+slug+".ics" ||
			got["starts_at"] != "2031-05-01T12:00:00+02:00" || len(got["articles"].([]any)) != 2 {
			t.Fatalf("create answered %s", body)
		}

		refusals := []struct {
			name, method, path, token, body string
			status                          int
			contains                        string
		}{
			{"NoToken", "POST", "/api/v1/groups/riverside/events", "", apiEventBody, 401, "unauthorized"},
			{"BadToken", "POST", "/api/v1/groups/riverside/events", "nope", apiEventBody, 401, "unauthorized"},
			{"OtherGroup", "POST", "/api/v1/groups/riverside/events", otherTok, apiEventBody, 403, "forbidden"},
			{"UnknownGroup", "POST", "/api/v1/groups/nowhere/events", tok, apiEventBody, 404, "not_found"},
			{"Malformed", "POST", "/api/v1/groups/riverside/events", tok, `{"title": `, 400, "malformed"},
			{"NotAnObject", "POST", "/api/v1/groups/riverside/events", tok, `["x"]`, 400, "malformed"},
			{"WrongType", "POST", "/api/v1/groups/riverside/events", tok, `{"title": "X", "capacity": "ten"}`, 422, `"capacity"`},
			{"Invalid", "POST", "/api/v1/groups/riverside/events", tok, `{"title": "X", "starts_at": "2031-05-01T12:00", "ends_at": "2031-05-01T11:00"}`, 422, `"ends_at":"The end must be after the start."`},
			{"PatchOtherGroup", "PATCH", "/api/v1/events/" + slug, otherTok, `{"title": "Hijacked"}`, 403, "forbidden"},
			{"PatchNoToken", "PATCH", "/api/v1/events/" + slug, "", `{"title": "Hijacked"}`, 401, "unauthorized"},
			{"PatchInvalid", "PATCH", "/api/v1/events/" + slug, tok, `{"online_url": "ftp://x"}`, 422, `"online_url"`},
			{"PatchMalformed", "PATCH", "/api/v1/events/" + slug, tok, `{`, 400, "malformed"},
			{"PatchUnknown", "PATCH", "/api/v1/events/no-such-event", tok, `{"title": "X"}`, 404, "not_found"},
			{"CancelOtherGroup", "POST", "/api/v1/events/" + slug + "/cancel", otherTok, `{"reason": "x"}`, 403, "forbidden"},
			{"CancelMalformed", "POST", "/api/v1/events/" + slug + "/cancel", tok, `reason`, 400, "malformed"},
		}
		for _, tc := range refusals {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := do(t, app, apiRequest(tc.method, tc.path, tc.token, tc.body))
				if resp.StatusCode != tc.status || !strings.Contains(body, tc.contains) {
					t.Fatalf("status %d, want %d with %s: %s", resp.StatusCode, tc.status, tc.contains, body)
				}
				e, _ := st.FindEventBySlug(ctx, slug)
				if e.Title != "Anti-racist demo" || e.Status != "published" || e.Sequence != 0 {
					t.Fatalf("event changed by a refused call: %q %s seq %d", e.Title, e.Status, e.Sequence)
				}
				if events, _ := st.FindGroupEvents(ctx, e.GroupID); len(events) != 1 {
					t.Fatalf("%d events after a refused call", len(events))
				}
			})
		}

		resp, body = do(t, app, apiRequest("PATCH", "/api/v1/events/"+slug, tok, `{"venue": "Bastille", "capacity": null}`))
		if resp.StatusCode != 200 || !strings.Contains(body, `"venue":"Bastille"`) || !strings.Contains(body, `"capacity":null`) || !strings.Contains(body, `"sequence":1`) {
			t.Fatalf("patch: status %d: %s", resp.StatusCode, body)
		}
		resp, body = do(t, app, apiRequest("POST", "/api/v1/events/"+slug+"/cancel", tok, `{"reason": "Banned by the prefecture."}`))
		if resp.StatusCode != 200 || !strings.Contains(body, `"status":"cancelled"`) || !strings.Contains(body, "Banned by the prefecture.") {
			t.Fatalf("cancel: status %d: %s", resp.StatusCode, body)
		}
		resp, _ = do(t, app, apiRequest("POST", "/api/v1/events/"+slug+"/cancel", tok, `{"reason": "again"}`))
		if resp.StatusCode != 409 {
			t.Fatalf("second cancel: status %d", resp.StatusCode)
		}
	})
}

func TestAPIDraftsVisibleToTheirOrganisers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		tok := seedOrganiser(t, st, "ada@example.org", "riverside")
		otherTok := seedOrganiser(t, st, "bo@example.org", "harbour")
		resp, body := do(t, app, apiRequest("POST", "/api/v1/groups/riverside/events", tok,
			`{"title": "Planning meeting", "starts_at": "2031-05-01T18:00", "ends_at": "2031-05-01T20:00"}`))
		if resp.StatusCode != 201 || !strings.Contains(body, `"status":"draft"`) {
			t.Fatalf("create draft: status %d: %s", resp.StatusCode, body)
		}
		var e struct{ Slug string }
		_ = json.Unmarshal([]byte(body), &e)
		for _, tc := range []struct {
			name, token string
			status      int
		}{{"Owner", tok, 200}, {"Public", "", 404}, {"OtherGroup", otherTok, 404}, {"BadToken", "nope", 404}} {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := do(t, app, apiRequest("GET", "/api/v1/events/"+e.Slug, tc.token, ""))
				if resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
				}
				if tc.status != 200 && strings.Contains(body, "Planning meeting") {
					t.Fatal("draft leaked")
				}
			})
		}
	})
}
