package browsertest_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSupporterJourney is journey 2 on a 390x844 phone: from the home page to
// the event and its linked articles.
func TestSupporterJourney(t *testing.T) {
	supporterJourney(t, phone)
}

// TestSupporterJourneyNoJavaScript is journey 5: the same with JavaScript
// turned off in the browser.
func TestSupporterJourneyNoJavaScript(t *testing.T) {
	supporterJourney(t, phone, noScript)
}

func supporterJourney(t *testing.T, opts ...tabOption) {
	in := startInstance(t)
	g := in.seedGroup(t, "riverside")
	ev := in.seedEvent(t, g, "Vigil for the dead at the border", nil)
	tb := newTab(t, in.origin, opts...)

	tb.open("/", 200)
	tb.click(`a[href="/events/`+ev.Slug+`"]`, 200)
	if got := tb.path(); got != "/events/"+ev.Slug {
		tb.fatalf("the event link led to %s", got)
	}
	tb.see("h1", "Vigil for the dead at the border")
	tb.see("ul.articles", "Why we hold a vigil every month", "Report: deaths at the border rose again")
	links, err := chromedp.Run(tb.ctx, chromedp.Nodes(chromedp.CSSAll(`ul.articles > li > a[href^="https://"]`), chromedp.AtLeast(0)))
	if err != nil {
		tb.fatalf("article links: %v", err)
	}
	if len(links) != 2 {
		tb.fatalf("the event links %d articles, want 2", len(links))
	}
}

// TestNoScriptTab shows that a noScript tab runs no page script (a page
// whose script would rename it keeps its title), while the DevTools protocol
// can still read the page.
func TestNoScriptTab(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  []tabOption
		title string
	}{{"JavaScriptOn", nil, "ran"}, {"JavaScriptOff", []tabOption{noScript}, "still"}} {
		t.Run(tc.name, func(t *testing.T) {
			tb := newTab(t, "http://127.0.0.1:1", tc.opts...)
			tb.do("load a page with a script", chromedp.Navigate(`data:text/html,<title>still</title><script>document.title="ran"</script>`))
			title, err := chromedp.Run(tb.ctx, chromedp.Title())
			if err != nil {
				tb.fatalf("title: %v", err)
			}
			if title != tc.title {
				t.Errorf("title %q, want %q", title, tc.title)
			}
		})
	}
}
