package web

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

var editLink = regexp.MustCompile(`href="/events/([^"/]+)/edit"`)

// TestDashboardUpcomingFirst: a group's events on the dashboard run from
// the next one down, then the past ones, the latest first.
func TestDashboardUpcomingFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "ada@example.org", "riverside")
		g, err := st.FindGroupBySlug(t.Context(), "riverside")
		if err != nil {
			t.Fatal(err)
		}
		longAgo := seedEvent(t, st, g.ID, "Long ago", -30*24*time.Hour, nil)
		later := seedEvent(t, st, g.ID, "Later", 30*24*time.Hour, nil)
		next := seedEvent(t, st, g.ID, "Next", 24*time.Hour, nil)
		recent := seedEvent(t, st, g.ID, "Recent", -48*time.Hour, nil)
		draft := seedEvent(t, st, g.ID, "Draft", 7*24*time.Hour, func(in *turnout.EventInput) {
			s := turnout.StatusDraft
			in.Status = &s
		})
		b := newBrowser(t, app)
		b.login("ada@example.org", testPassword)
		_, body := b.get("/dashboard")
		var got []string
		for _, m := range editLink.FindAllStringSubmatch(body, -1) {
			got = append(got, m[1])
		}
		want := []string{next.Slug, draft.Slug, later.Slug, recent.Slug, longAgo.Slug}
		if !slices.Equal(got, want) {
			t.Errorf("dashboard order %v, want %v", got, want)
		}
		p := parsePage(t, body)
		var h3 []string
		for _, h := range p.tag("h3") {
			h3 = append(h3, textOf(h))
		}
		if !slices.Equal(h3, []string{"Coming up", "Past events"}) {
			t.Errorf("sections %v", h3)
		}
	})
}
