package web

import (
	"context"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestXSSInertForOrganisers puts payloads in the fields only organisers see
// (account names) and checks the organiser pages and the Atom feeds (HTML
// inside XML).
func TestXSSInertForOrganisers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg := testConfig(t)
		cfg.RSVPRateLimit = 0
		app := newTestApp(t, cfg, st)
		g, events := seedXSS(t, st)
		email := "xss-org@example.org"
		_, err := st.AddOrganiser(context.Background(), turnout.OrganiserInput{Email: email, Name: xssPayloads[3], GroupSlug: g.Slug,
			Password: testPassword, Timezone: "UTC"})
		if err != nil {
			t.Fatal(err)
		}
		e := events[4]
		b := newBrowser(t, app)
		b.login(email, testPassword)
		pages := []string{"/dashboard", "/groups/" + g.Slug + "/settings", "/groups/" + g.Slug + "/members", "/groups/" + g.Slug + "/tokens",
			"/events/" + e.Slug + "/edit", "/events/" + e.Slug + "/cancel", "/events/" + e.Slug + "/preview", "/groups/" + g.Slug + "/events/new"}
		for _, p := range pages {
			resp, body := b.get(p)
			if resp.StatusCode != 200 {
				t.Errorf("GET %s: %d", p, resp.StatusCode)
			}
			for _, problem := range inertProblems(body) {
				t.Errorf("GET %s: %s", p, problem)
			}
		}
		checkAtomInert(t, func(p string) (int, string) {
			resp, body := b.get(p)
			return resp.StatusCode, body
		}, []string{"/events.atom", "/groups/" + g.Slug + "/events.atom"})
	})
}
