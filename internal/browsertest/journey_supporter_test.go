package browsertest_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/turnout-org/turnout/internal/turnout"
)

// TestSupporterJourney is journey 2 on a 390x844 phone: from the home page,
// through a search, to the event and its linked articles, an RSVP with a nickname and no email,
// the confirmation with the manage link, a guest added, then cancelled. It
// checks the home, event, confirmation and manage pages with axe-core.
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
	eventPath := "/events/" + ev.Slug
	tb := newTab(t, in.origin, opts...)

	in.seedEvent(t, g, "Picket at the detention centre", func(e *turnout.EventInput) {
		k := turnout.KindPicket
		e.Kind = &k
	})
	tb.open("/", 200)
	tb.checkA11y("Home")
	tb.fill("#q", "border")
	tb.set("#kind", "vigil")
	tb.click(`form.filters button[type=submit]`, 200)
	tb.wantPath("/?q=border&kind=vigil&from=&to=")
	if n := tb.count("ul.events > li"); n != 1 {
		tb.fatalf("the search found %d events, want the vigil alone", n)
	}
	if got, want := tb.attr("ul.events time", "datetime"), ev.StartsAt.UTC().Format(time.RFC3339); got != want {
		tb.fatalf("the event card's time says datetime=%q, want %q", got, want)
	}
	tb.click(`ul.events a[href="`+eventPath+`"]`, 200)
	tb.wantPath(eventPath)
	tb.see("h1", "Vigil for the dead at the border")
	tb.see("ul.articles", "Why we hold a vigil every month", "Report: deaths at the border rose again")
	if n := tb.count(`ul.articles > li > a[href^="https://"]`); n != 2 {
		tb.fatalf("the event links %d articles, want 2", n)
	}
	tb.see("dl.facts .counts", "0 people")
	tb.checkA11y("Event")

}

// count returns how many elements match sel.
func (tb *tab) count(sel string) int {
	tb.t.Helper()
	nodes, err := chromedp.Run(tb.ctx, chromedp.Nodes(chromedp.CSSAll(sel), chromedp.AtLeast(0)))
	if err != nil {
		tb.fatalf("find %s: %v", sel, err)
	}
	return len(nodes)
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
