package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// page is a parsed HTML page with the few lookups these tests need.
type page struct{ root *html.Node }

func parsePage(t *testing.T, body string) page {
	t.Helper()
	n, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return page{n}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

// all returns the elements for which match is true, in document order.
func (p page) all(match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(p.root)
	return out
}

func (p page) tag(name string) []*html.Node {
	return p.all(func(n *html.Node) bool { return n.Data == name })
}

func (p page) byID(id string) *html.Node {
	if ns := p.all(func(n *html.Node) bool { return attr(n, "id") == id }); len(ns) > 0 {
		return ns[0]
	}
	return nil
}

func (p page) h1() string {
	if hs := p.tag("h1"); len(hs) > 0 {
		return textOf(hs[0])
	}
	return ""
}

// links maps each link's text to its href.
func (p page) links() map[string]string {
	out := map[string]string{}
	for _, a := range p.tag("a") {
		out[textOf(a)] = attr(a, "href")
	}
	return out
}

// TestHomeFilterErrorsBesideFields: a filter that cannot be read re-renders
// the home page (422) with the message beside the field that is wrong and
// aria-invalid on it, in words, with no HTTP jargon; a reversed From/To
// range says so beside To.
func TestHomeFilterErrorsBesideFields(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		for _, tc := range []struct {
			name, query, field, says string
		}{
			{"GarbageFrom", "from=garbage", "from", "Enter a date like"},
			{"GarbageTo", "to=31-12-2026", "to", "Enter a date like"},
			{"ReversedRange", "from=2026-06-10&to=2026-06-01", "to", "To must be the same day as From or later."},
			{"UnknownKind", "kind=parade", "kind", "Choose from"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := do(t, app, httptest.NewRequest("GET", "/?"+tc.query, nil))
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status %d", resp.StatusCode)
				}
				p := parsePage(t, body)
				msg := p.byID(tc.field + "-error")
				if msg == nil || !strings.Contains(textOf(msg), tc.says) {
					t.Fatalf("no message %q beside %s: %.2000s", tc.says, tc.field, body)
				}
				input := p.byID(tc.field)
				if input == nil || attr(input, "aria-invalid") != "true" || !strings.Contains(attr(input, "aria-describedby"), tc.field+"-error") {
					t.Errorf("field %s is not marked invalid", tc.field)
				}
				if p.h1() != "Upcoming protests, marches and meetings" {
					t.Errorf("heading %q: not the home page", p.h1())
				}
				for _, jargon := range []string{"Unprocessable", "highlighted"} {
					if strings.Contains(body, jargon) {
						t.Errorf("page says %q", jargon)
					}
				}
			})
		}
		// The same range the right way round is fine.
		if resp, body := do(t, app, httptest.NewRequest("GET", "/?from=2026-06-01&to=2026-06-01", nil)); resp.StatusCode != 200 {
			t.Fatalf("one-day range: status %d: %.300s", resp.StatusCode, body)
		}
		resp, body := do(t, app, httptest.NewRequest("GET", "/api/v1/events?from=2026-06-10&to=2026-06-01", nil))
		if resp.StatusCode != 422 || !strings.Contains(body, `"to":"To must be the same day as From or later."`) {
			t.Errorf("API reversed range: status %d: %s", resp.StatusCode, body)
		}
	})
}

// TestNumberedPageBeyondTheList: lists are not numbered; /?page=99 answers
// 404 with a link to the first page instead of showing page 1, and ?page=1
// is the first page.
func TestNumberedPageBeyondTheList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "riverside")
		seedEvent(t, st, g.ID, "Riverside vigil", 48*time.Hour, nil)
		resp, body := do(t, app, httptest.NewRequest("GET", "/?page=99", nil))
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("status %d", resp.StatusCode)
		}
		p := parsePage(t, body)
		if strings.Contains(body, "Riverside vigil") {
			t.Error("page 99 lists the first page's events")
		}
		if href := p.links()["Go to the first page of upcoming events"]; href != "/" {
			t.Errorf("no link to the first page: %v", p.links())
		}
		if resp, body := do(t, app, httptest.NewRequest("GET", "/?page=1", nil)); resp.StatusCode != 200 || !strings.Contains(body, "Riverside vigil") {
			t.Errorf("page 1: status %d", resp.StatusCode)
		}
		if resp, _ := do(t, app, httptest.NewRequest("GET", "/api/v1/events?page=2", nil)); resp.StatusCode != 404 {
			t.Errorf("API page 2: status %d", resp.StatusCode)
		}
	})
}

// TestErrorPagesInWords: error pages have headings in words (never the HTTP
// status text), name fields by their labels, and link back to where the
// person was: organiser pages to the dashboard.
func TestErrorPagesInWords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "ann@example.org", "ann-group")
		seedOrganiser(t, st, "bob@example.org", "bob-group")
		g, err := st.FindGroupBySlug(t.Context(), "ann-group")
		if err != nil {
			t.Fatal(err)
		}
		ev := seedEvent(t, st, g.ID, "Ann's march", 48*time.Hour, nil)
		ann := newBrowser(t, app)
		ann.login("ann@example.org", testPassword)

		// Deleting a published event: a conflict, on an organiser page.
		resp, body := ann.post("/dashboard", "/events/"+ev.Slug+"/delete", url.Values{})
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("deleting a published event: status %d", resp.StatusCode)
		}
		p := parsePage(t, body)
		if h := p.h1(); h != "That could not be done" {
			t.Errorf("conflict heading %q", h)
		}
		if href := p.links()["Back to your dashboard"]; href != "/dashboard" {
			t.Errorf("organiser error page links %v, not the dashboard", p.links())
		}
		if _, ok := p.links()["Back to upcoming events"]; ok {
			t.Error(`organiser error page offers "Back to upcoming events"`)
		}

		// Another group's settings: not found, back to the dashboard.
		resp, body = ann.get("/groups/bob-group/settings")
		p = parsePage(t, body)
		if resp.StatusCode < 400 || p.links()["Back to your dashboard"] != "/dashboard" {
			t.Errorf("other group's settings: status %d, links %v", resp.StatusCode, p.links())
		}

		// A public page's error: back to the events, heading in words.
		resp, body = do(t, app, httptest.NewRequest("GET", "/groups/ann-group?from=garbage", nil))
		p = parsePage(t, body)
		if resp.StatusCode != 422 || p.h1() != "There is a problem" {
			t.Errorf("group page bad filter: status %d, heading %q", resp.StatusCode, p.h1())
		}
		lis := p.tag("li")
		found := false
		for _, li := range lis {
			if strings.HasPrefix(textOf(li), "From: Enter a date like") {
				found = true
			}
		}
		if !found {
			t.Errorf("the field is not named by its label: %.2000s", body)
		}
		if strings.Contains(body, "highlighted") || strings.Contains(body, "Unprocessable") {
			t.Errorf("jargon on the page: %.2000s", body)
		}
		if p.links()["Back to the group’s events"] != "/groups/ann-group" {
			t.Errorf("links %v", p.links())
		}

		for code, heading := range headingOf {
			for _, jargon := range []string{"Conflict", "Unprocessable", "Forbidden", "Not Found", "Unauthorized", "Entity"} {
				if strings.Contains(heading, jargon) {
					t.Errorf("heading for %s is %q", code, heading)
				}
			}
		}
	})
}

// TestLoginNextToForbiddenPageShowsNoWelcome: logging in with a next that
// ends in an error page shows the error alone, not "Welcome back" above it.
func TestLoginNextToForbiddenPageShowsNoWelcome(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "ann@example.org", "ann-group")
		seedOrganiser(t, st, "bob@example.org", "bob-group")
		ann := newBrowser(t, app)
		resp, _ := ann.post("/login", "/login", url.Values{"email": {"ann@example.org"}, "password": {testPassword}, "next": {"/groups/bob-group/members"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: status %d", resp.StatusCode)
		}
		next := resp.Header.Get("Location")
		resp, body := ann.get(next)
		if resp.StatusCode < 400 {
			t.Fatalf("%s: status %d", next, resp.StatusCode)
		}
		if strings.Contains(body, "Welcome back") {
			t.Errorf("error page after login shows the welcome: %.1500s", body)
		}
		// The welcome is not kept for later either.
		if _, body := ann.get("/dashboard"); strings.Contains(body, "Welcome back") {
			t.Error("the welcome shows on the next page instead")
		}
	})
}

// TestHomeSearchOverHTTP: /?q= and the API's q find events by address and
// group name, without regard to case or accents, and the box says what it
// searches.
func TestHomeSearchOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "zurich-solidarity")
		seedEvent(t, st, g.ID, "Rally at the station", 48*time.Hour, func(in *turnout.EventInput) {
			addr := "Bahnhofplatz, Zürich"
			in.Address = &addr
		})
		h, _ := seedGroup(t, st, "lothian")
		seedEvent(t, st, h.ID, "Vigil for the river", 24*time.Hour, func(in *turnout.EventInput) {
			addr := "12 Royal Mile, Edinburgh"
			in.Address = &addr
		})
		for _, tc := range []struct{ q, want, notWant string }{
			{"edinburgh", "Vigil for the river", "Rally at the station"},
			{"Zurich", "Rally at the station", "Vigil for the river"},
			{"ZÜRICH", "Rally at the station", "Vigil for the river"},
			{"lothian", "Vigil for the river", "Rally at the station"},
		} {
			resp, body := do(t, app, httptest.NewRequest("GET", "/?q="+url.QueryEscape(tc.q), nil))
			if resp.StatusCode != 200 || !strings.Contains(body, tc.want) || strings.Contains(body, tc.notWant) {
				t.Errorf("/?q=%s: status %d, want %q and not %q", tc.q, resp.StatusCode, tc.want, tc.notWant)
			}
			resp, body = do(t, app, httptest.NewRequest("GET", "/api/v1/events?q="+url.QueryEscape(tc.q), nil))
			if resp.StatusCode != 200 || !strings.Contains(body, tc.want) || strings.Contains(body, tc.notWant) {
				t.Errorf("API q=%s: status %d, want %q and not %q", tc.q, resp.StatusCode, tc.want, tc.notWant)
			}
		}
		_, body := do(t, app, httptest.NewRequest("GET", "/", nil))
		p := parsePage(t, body)
		hint := p.byID("q-hint")
		if hint == nil || !strings.Contains(textOf(hint), "address") || !strings.Contains(attr(p.byID("q"), "aria-describedby"), "q-hint") {
			t.Error("the search box does not say what it searches")
		}
	})
}
