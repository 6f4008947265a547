package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestEmbedsFrameOthersRefuse: the embed routes may be framed by any site
// (frame-ancestors *, no X-Frame-Options) and list the group's upcoming
// public events, each opening the event in a new tab, with no script;
// every other page keeps frame-ancestors 'none' and X-Frame-Options DENY.
// The fragment is the list alone. Drafts and other groups' events are not
// in a group's embed. Both databases.
func TestEmbedsFrameOthersRefuse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "riverside")
		h, _ := seedGroup(t, st, "harbour")
		seedEvent(t, st, g.ID, "River clean-up", 24*time.Hour, nil)
		seedEvent(t, st, g.ID, "Secret draft", 30*time.Hour, func(in *turnout.EventInput) {
			s := turnout.StatusDraft
			in.Status = &s
		})
		other := seedEvent(t, st, h.ID, "Harbour picket", 26*time.Hour, nil)

		for _, path := range []string{"/groups/riverside/embed", "/embed", "/embed?kind=other"} {
			resp, body := do(t, app, httptest.NewRequest("GET", path, nil))
			csp := resp.Header.Get("Content-Security-Policy")
			if resp.StatusCode != 200 || !strings.Contains(csp, "frame-ancestors *") || strings.Contains(csp, "frame-ancestors 'none'") || resp.Header.Get("X-Frame-Options") != "" {
				t.Errorf("%s: %d, CSP %q, X-Frame-Options %q: may not be framed", path, resp.StatusCode, csp, resp.Header.Get("X-Frame-Options"))
			}
			p := parsePage(t, body)
			links := p.all(func(n *html.Node) bool { return n.Data == "a" })
			if len(links) == 0 {
				t.Fatalf("%s: no links", path)
			}
			for _, a := range links {
				if attr(a, "target") != "_blank" || !strings.Contains(attr(a, "rel"), "noopener") || !strings.HasPrefix(attr(a, "href"), "http://turnout.test/") {
					t.Errorf("%s: link %q does not open the instance in a new tab", path, attr(a, "href"))
				}
			}
			if len(p.all(func(n *html.Node) bool { return n.Data == "script" || n.Data == "form" })) != 0 {
				t.Errorf("%s: script or form in an embed", path)
			}
			if !strings.Contains(body, "River clean-up") || strings.Contains(body, "Secret draft") {
				t.Errorf("%s: wrong events: %s", path, body)
			}
		}
		_, body := do(t, app, httptest.NewRequest("GET", "/groups/riverside/embed", nil))
		if strings.Contains(body, other.Title) {
			t.Error("another group's event in the group's embed")
		}
		resp, frag := do(t, app, httptest.NewRequest("GET", "/groups/riverside/embed?format=fragment", nil))
		if resp.StatusCode != 200 || !strings.HasPrefix(strings.TrimSpace(frag), `<div class="turnout-embed">`) || strings.Contains(frag, "<html") ||
			!strings.Contains(frag, "River clean-up") {
			t.Errorf("fragment: %d %s", resp.StatusCode, frag)
		}
		for _, path := range []string{"/", "/groups/riverside", "/events/" + other.Slug, "/events/" + other.Slug + "/poster", "/login"} {
			resp, _ := do(t, app, httptest.NewRequest("GET", path, nil))
			if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") || resp.Header.Get("X-Frame-Options") != "DENY" {
				t.Errorf("%s may be framed: CSP %q, X-Frame-Options %q", path, resp.Header.Get("Content-Security-Policy"), resp.Header.Get("X-Frame-Options"))
			}
		}
	})
}

// TestEmbedBadInput: an unknown group is 404, a bad filter or format 422,
// and none of them may be framed.
func TestEmbedBadInput(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	app := newTestApp(t, testConfig(t), st)
	seedGroup(t, st, "riverside")
	for path, want := range map[string]int{
		"/groups/nobody/embed":                 404,
		"/groups/riverside/embed?format=x":     422,
		"/embed?from=yesterday":                422,
		"/embed?q=" + strings.Repeat("a", 300): 422,
	} {
		resp, _ := do(t, app, httptest.NewRequest("GET", path, nil))
		if resp.StatusCode != want || resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: %d (X-Frame-Options %q), want %d and not framable", path, resp.StatusCode, resp.Header.Get("X-Frame-Options"), want)
		}
	}
}
