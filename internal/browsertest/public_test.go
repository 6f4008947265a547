package browsertest_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPublicPagesAccessible walks the public pages on a phone and in a desktop
// window, runs axe-core on each, and (through the tab) checks that every
// request stays on the instance's origin.
func TestPublicPagesAccessible(t *testing.T) {
	in := startInstance(t)
	g := in.seedGroup(t, "riverside")
	ev := in.seedEvent(t, g, "Vigil for the dead at the border", nil)
	in.seedEvent(t, g, "Picket at the detention centre", nil)
	pages := []struct {
		name, path string
		status     int64
		sel        string
	}{
		{"Home", "/", 200, "ul.events"},
		{"Event", "/events/" + ev.Slug, 200, "h1"},
		{"Group", "/groups/riverside", 200, "h1"},
		{"NotFound", "/events/no-such-event", 404, "h1"},
		{"BadFilter", "/?kind=parade", 422, "h1"},
	}
	for _, size := range []struct {
		name string
		opts []tabOption
	}{{"Phone", []tabOption{phone}}, {"Desktop", nil}} {
		t.Run(size.name, func(t *testing.T) {
			tb := newTab(t, in.origin, append(size.opts, a11y)...)
			for _, p := range pages {
				tb.open(p.path, p.status)
				tb.do("wait for "+p.sel, chromedp.WaitVisible(chromedp.CSS(p.sel)))
				tb.checkA11y(p.name)
			}
			if n := len(tb.requested()); n < len(pages) {
				t.Errorf("recorded %d requests for %d pages: the request log is not working", n, len(pages))
			}
		})
	}
}

// TestCSPHoldsButAxeRuns shows that the page's Content-Security-Policy is in
// force (an inline script the page adds does not run) while scripts evaluated
// through the DevTools protocol, as axe-core is, still do.
func TestCSPHoldsButAxeRuns(t *testing.T) {
	in := startInstance(t)
	tb := newTab(t, in.origin, a11y)
	tb.open("/", 200)
	ran, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`(() => {
		window.inlineRan = false;
		const s = document.createElement("script");
		s.textContent = "window.inlineRan = true";
		document.head.appendChild(s);
		return window.inlineRan;
	})()`))
	if err != nil {
		tb.fatalf("evaluate: %v", err)
	}
	if ran {
		t.Fatal("an inline script ran: the Content-Security-Policy is not in force")
	}
	tb.checkA11y("Home")
}

// TestEventPageWeight measures what a phone downloads for an event page: the
// HTML plus its CSS must stay under 60 KB uncompressed, with no script that
// blocks rendering.
func TestEventPageWeight(t *testing.T) {
	in := startInstance(t)
	g := in.seedGroup(t, "riverside")
	ev := in.seedEvent(t, g, "Vigil for the dead at the border", nil)
	tb := newTab(t, in.origin, phone)
	tb.open("/events/"+ev.Slug, 200)

	type resource struct {
		Name string `json:"name"`
		Type string `json:"type"`
		Size int    `json:"size"`
	}
	loaded, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]resource](`[
		...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")
	].map(e => ({name: e.name, type: e.initiatorType, size: e.decodedBodySize}))`))
	if err != nil {
		tb.fatalf("read the performance entries: %v", err)
	}
	var html, css, other int
	for _, r := range loaded {
		switch {
		case r.Type == "navigation":
			html += r.Size
		case r.Type == "link" || r.Type == "css":
			css += r.Size
		default:
			other += r.Size
		}
		t.Logf("loaded %s (%s): %d bytes", r.Name, r.Type, r.Size)
	}
	if html == 0 || css == 0 {
		t.Fatalf("measured HTML %d bytes and CSS %d bytes: the measurement is broken", html, css)
	}
	if direct := bodySize(t, in.origin+"/events/"+ev.Slug); direct != html {
		t.Errorf("the browser decoded %d bytes of HTML but the server sent %d", html, direct)
	}
	t.Logf("event page: HTML %d bytes + CSS %d bytes = %d bytes (other resources %d bytes)", html, css, html+css, other)
	if html+css >= 60*1024 {
		t.Errorf("event page HTML+CSS is %d bytes, want under %d", html+css, 60*1024)
	}
	blocking, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](
		`document.querySelectorAll('script:not([async]):not([defer]):not([type="module"]):not([type="application/ld+json"])').length`)) // JSON-LD is data, never run
	if err != nil {
		tb.fatalf("count scripts: %v", err)
	}
	if blocking > 0 {
		t.Errorf("the event page has %d render-blocking script(s)", blocking)
	}
}

// bodySize fetches url without compression and returns the body's length.
func bodySize(t *testing.T, url string) int {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return len(b)
}

// TestAxeFindsViolations shows the accessibility check can fail: a field
// without a label and grey-on-white text added to a page are both reported.
func TestAxeFindsViolations(t *testing.T) {
	in := startInstance(t)
	tb := newTab(t, in.origin, a11y)
	tb.open("/", 200)
	tb.do("break the page", chromedp.Evaluate[chromedp.Void](`(() => {
		const main = document.querySelector("main");
		main.appendChild(document.createElement("input"));
		const p = document.createElement("p");
		p.textContent = "Hard to read";
		p.classList.add("tag");
		main.appendChild(p);
		document.styleSheets[0].insertRule(".tag { color: #ddd !important; background: #fff !important; }");
	})()`))
	found := map[string]bool{}
	for _, v := range tb.axeSerious("Broken home") {
		found[v.ID] = true
	}
	for _, id := range []string{"label", "color-contrast"} {
		if !found[id] {
			t.Errorf("axe did not report %q on a page that violates it; got %v", id, found)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	origin := "http://127.0.0.1:4321"
	for raw, want := range map[string]bool{
		"http://127.0.0.1:4321/events/x":           true,
		"http://127.0.0.1:4321/static/app.css?v=1": true,
		"data:image/svg+xml;base64,AAAA":           true,
		"about:blank":                              true,
		"http://127.0.0.1:4322/":                   false,
		"https://127.0.0.1:4321/":                  false,
		"https://fonts.googleapis.com/css?family=": false,
		"http://localhost:4321/":                   false,
	} {
		if got := sameOrigin(raw, origin); got != want {
			t.Errorf("sameOrigin(%q) = %v, want %v", raw, got, want)
		}
	}
}
