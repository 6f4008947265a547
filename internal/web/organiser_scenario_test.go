package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// TestTwoOrganisersRunAGroup is the "done when": a group with two
// organisers, a published event with two linked articles, edited over the
// API and in the browser, then cancelled.
func TestTwoOrganisersRunAGroup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)

		owner := newBrowser(t, app)
		resp, _ := owner.post("/signup", "/signup", url.Values{"name": {"Amal"}, "email": {"amal@example.org"},
			"password": {testPassword}, "group_name": {"Refugees Welcome Leipzig"}, "timezone": {"Europe/Berlin"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("signup: %d", resp.StatusCode)
		}
		owner.login("amal@example.org", testPassword)
		members := "/groups/refugees-welcome-leipzig/members"
		_, body := owner.post(members, members+"/invite", url.Values{"role": {"organiser"}})
		link := inviteLink.FindStringSubmatch(body)[1]
		second := newBrowser(t, app)
		if resp, _ := second.post(link, link, url.Values{"name": {"Jonas"}, "email": {"jonas@example.org"}, "password": {testPassword}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d", resp.StatusCode)
		}
		second.login("jonas@example.org", testPassword)
		if _, body := owner.get(members); !strings.Contains(body, "Jonas") || !strings.Contains(body, "Amal") {
			t.Fatal("members page lacks one of the two organisers")
		}

		// The second organiser creates a published event with two articles in the browser.
		page := "/groups/refugees-welcome-leipzig/events/new"
		resp, _ = second.post(page, page, eventFormValues())
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d", resp.StatusCode)
		}
		slug := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/events/"), "/edit")
		_, public := newBrowser(t, app).get("/events/" + slug)
		if !strings.Contains(public, "Why we lie down") || !strings.Contains(public, "The report") {
			t.Fatalf("public page lacks the two articles: %s", public)
		}

		// The owner makes a token in the browser and edits over the API.
		_, body = owner.post("/account/tokens", "/account/tokens", url.Values{"name": {"site"}})
		token := newTokenField.FindStringSubmatch(body)[1]
		resp, body = do(t, app, apiRequest("PATCH", "/api/v1/events/"+slug, token, `{"starts_at": "2031-03-22T14:00", "ends_at": "2031-03-22T16:00"}`))
		var got struct {
			Sequence int    `json:"sequence"`
			StartsAt string `json:"starts_at"`
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != 200 || got.Sequence != 1 || got.StartsAt != "2031-03-22T14:00:00+01:00" {
			t.Fatalf("patch: %d %s", resp.StatusCode, body)
		}
		if _, ics := newBrowser(t, app).get("/events/" + slug + ".ics"); !strings.Contains(ics, "SEQUENCE:1") {
			t.Fatalf("event feed after the API edit: %.600s", ics)
		}
		// The second organiser cancels it in the browser.
		if resp, _ := second.post("/events/"+slug+"/cancel", "/events/"+slug+"/cancel", url.Values{"reason": {"The station is closed."}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("cancel: %d", resp.StatusCode)
		}
		e, _ := st.FindEventBySlug(ctx, slug)
		if e.Status != "cancelled" || e.Sequence != 2 || len(e.Articles) != 2 {
			t.Fatalf("final event: %s seq %d, %d articles", e.Status, e.Sequence, len(e.Articles))
		}
		// Calendars see the cancellation with the bumped sequence.
		resp, ics := newBrowser(t, app).get("/events/" + slug + ".ics")
		if resp.StatusCode != 200 || !strings.Contains(ics, "STATUS:CANCELLED") || !strings.Contains(ics, "SEQUENCE:2") {
			t.Fatalf("event feed after cancelling: %d %.600s", resp.StatusCode, ics)
		}
	})
}
