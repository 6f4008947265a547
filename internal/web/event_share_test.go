package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/turnout-org/turnout/internal/store/storetest"
)

// TestShareLinks: the event page offers the link to copy as a selectable
// field and plain links to WhatsApp, Telegram, Mastodon (through our own
// server prompt), email and the poster, each carrying the event's URL; the
// page loads nothing from another origin (no script, style, image or frame
// from elsewhere).
func TestShareLinks(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	app := newTestApp(t, testConfig(t), st)
	g, _ := seedGroup(t, st, "riverside")
	e := seedEvent(t, st, g.ID, "Save the library & more", 48*time.Hour, nil)
	page := "http://turnout.test/events/" + e.Slug
	_, body := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil))
	p := parsePage(t, body)
	copyField := p.all(func(n *html.Node) bool { return n.Data == "input" && attr(n, "id") == "share-url" })
	if len(copyField) != 1 || attr(copyField[0], "value") != page {
		t.Fatalf("no copy field holding %s", page)
	}
	if _, ro := attrOK(copyField[0], "readonly"); !ro {
		t.Error("the copy field is editable")
	}
	links := map[string]string{}
	for _, a := range p.all(func(n *html.Node) bool {
		return n.Data == "a" && n.Parent != nil && n.Parent.Parent != nil && attr(n.Parent.Parent, "class") == "share-links"
	}) {
		links[textOf(a)] = attr(a, "href")
	}
	check := func(name, prefix, param, want string) {
		t.Helper()
		href, ok := links[name]
		if !ok || !strings.HasPrefix(href, prefix) {
			t.Errorf("%s link %q, want it to start %q", name, href, prefix)
			return
		}
		u, err := url.Parse(href)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return
		}
		if got := u.Query().Get(param); !strings.Contains(got, want) {
			t.Errorf("%s: %s = %q, want it to hold %q", name, param, got, want)
		}
	}
	check("WhatsApp", "https://wa.me/?text=", "text", page)
	check("Telegram", "https://t.me/share/url?", "url", page)
	check("Email", "mailto:?subject=", "body", page)
	check("Email", "mailto:?subject=", "subject", "Save the library & more")
	if links["Mastodon"] != "/events/"+e.Slug+"/share/mastodon" || links["Print a poster"] != "/events/"+e.Slug+"/poster" {
		t.Errorf("links %v", links)
	}
	for _, n := range p.all(func(n *html.Node) bool {
		return n.Data == "script" || n.Data == "img" || n.Data == "iframe" || (n.Data == "link" && attr(n, "rel") == "stylesheet")
	}) {
		for _, k := range []string{"src", "href"} {
			if v := attr(n, k); strings.Contains(v, "//") {
				t.Errorf("<%s %s=%q> loads from another origin", n.Data, k, v)
			}
		}
	}
}

// TestShareOnMastodon: the prompt takes a server name or a handle and sends
// the person to that server's share page; anything else is 422 with the
// form again, naming the field.
func TestShareOnMastodon(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	app := newTestApp(t, testConfig(t), st)
	g, _ := seedGroup(t, st, "riverside")
	e := seedEvent(t, st, g.ID, "Vigil", 48*time.Hour, nil)
	base := "/events/" + e.Slug + "/share/mastodon"
	if resp, body := do(t, app, httptest.NewRequest("GET", base, nil)); resp.StatusCode != 200 || !strings.Contains(body, `name="server"`) {
		t.Fatalf("prompt: %d", resp.StatusCode)
	}
	want := "https://mastodon.social/share?text=" + url.QueryEscape("Vigil http://turnout.test/events/"+e.Slug)
	for _, in := range []string{"mastodon.social", "https://Mastodon.Social/", "@sam@mastodon.social"} {
		resp, _ := do(t, app, httptest.NewRequest("GET", base+"?server="+url.QueryEscape(in), nil))
		if resp.StatusCode != 303 || resp.Header.Get("Location") != want {
			t.Errorf("%q: %d %s, want 303 to %s", in, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
	for _, in := range []string{"", "localhost", "evil.example/path?x=1", "javascript:alert(1)", "a b.example", strings.Repeat("a", 300) + ".example"} {
		resp, body := do(t, app, httptest.NewRequest("GET", base+"?server="+url.QueryEscape(in), nil))
		if resp.StatusCode != 422 || !strings.Contains(body, `id="server-error"`) || resp.Header.Get("Location") != "" {
			t.Errorf("%q: %d, want 422 with the field's error", in, resp.StatusCode)
		}
	}
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}
