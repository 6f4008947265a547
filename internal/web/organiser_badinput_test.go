package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// TestOrganiserBadInputNever5xx posts hostile values to every organiser form
// and API call as the group's owner: each must answer 4xx (or succeed), never 5xx.
func TestOrganiserBadInputNever5xx(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		actors := matrixActors(t, st, app)
		owner := actors[len(actors)-1]
		riverside := groupID(t, st, "riverside")
		nasty := []string{"\x00", "\xff\xfe", strings.Repeat("x", 20000), "\u202eevil", "-1", "99999999999999999999", "2031-02-30T25:61", "<script>"}
		fields := []string{"title", "kind", "summary", "description", "starts_at", "ends_at", "timezone", "venue", "address",
			"online_url", "accessibility", "capacity", "require_email", "status", "name", "website", "contact_email", "role",
			"reason", "confirm", "articles.0.url", "articles.0.title", "articles.0.position", "fill"}
		for _, path := range []string{"/invitations/%00", "/invitations/%FF%FE", "/invitations/" + strings.Repeat("a", 5000),
			"/articles/%00", "/articles/-1", "/articles/99999999999999999999", "/events/%FF/edit", "/groups/%00/settings",
			"/login?next=%00", "/login?next=%0d%0aSet-Cookie:x=1", "/groups/riverside/members/%FF/role"} {
			for _, a := range []actor{actors[0], owner} {
				b := a.browser
				if b == nil {
					b = newBrowser(t, app)
				}
				resp, _ := b.get(path)
				if resp.StatusCode >= 500 {
					t.Errorf("GET %s as %s: status %d", path, a.name, resp.StatusCode)
				}
			}
		}
		n := 1000
		for _, r := range matrixRoutes() {
			if r.method == "GET" {
				continue
			}
			for i, v := range nasty {
				n++
				fx := newFixture(t, st, riverside, owner, n)
				path := strings.NewReplacer("{draft}", fx.draft, "{published}", fx.published,
					"{member}", "1", "{token}", "1").Replace(r.path)
				rr := r
				if strings.HasPrefix(path, "/api/") {
					rr.json = []string{`{"title": "\u0000"}`, `{"capacity": -1}`, `{"starts_at": 5}`, `{"articles": [{"url": 1}]}`,
						`{"timezone": "../../etc/passwd"}`, `{"reason": null}`, `{"status": "cancelled"}`, `{} {}`}[i]
				} else {
					rr.form = url.Values{}
					for _, f := range fields {
						rr.form.Set(f, v)
					}
				}
				resp, body := sendAs(t, app, owner, rr, path)
				if resp.StatusCode >= 500 {
					t.Errorf("%s %s with %.20q: status %d: %.200s", r.method, path, v, resp.StatusCode, body)
				}
			}
		}
	})
}
