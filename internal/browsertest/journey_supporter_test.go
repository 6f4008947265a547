package browsertest_test

import (
	"strings"
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
	supporterJourney(t, phone, a11y)
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
	if tb.count(`main a[href="#rsvp-heading"]`) != 1 || tb.count("section.rsvp #rsvp-heading") != 1 {
		tb.fatalf("the event page has no link from its top to the RSVP form")
	}

	// A supporter whose browser does not check required fields sends the
	// form without a name: the error comes back next to the field.
	tb.do("turn off the browser's own form checks", chromedp.Evaluate[chromedp.Void](`document.querySelector("section.rsvp form").noValidate = true`))
	tb.click(`section.rsvp form button[type=submit]`, 422)
	tb.wantFieldError("#rsvp-name", "rsvp-name-error")
	// The page comes back at its top; the focus, and the view, go to the
	// message above the form.
	if f := tb.focus(); !strings.Contains(f.Class, "error") || !f.Shown {
		tb.fatalf("after the error the focus is on %+v, want the error message, in view", f)
	}
	tb.checkA11y("Event with an RSVP error")

	manage := tb.rsvp("Sunflower", "going")
	tb.wantPath(manage + "/done")
	tb.see("main .panel h1", "You're going")
	tb.see("main", "What happens next", "Your private link", "Add to your calendar")
	tb.checkA11y("RSVP confirmation")
	// Reloading the confirmation reads the RSVP again: it sends nothing,
	// and the page shows the same link.
	tb.reload(200)
	tb.wantPath(manage + "/done")
	if got := tb.attr(".manage-link a", "href"); got != tb.origin+manage {
		tb.fatalf("after a reload the manage link is %q, want %s", got, tb.origin+manage)
	}
	tb.open(eventPath, 200)
	tb.see("dl.facts .counts", "1 person")
	tb.open(manage+"/done", 200)

	tb.click(".manage-link a", 200)
	tb.wantPath(manage)
	tb.see("#rsvp-status", "You're going.")
	tb.checkA11y("Manage RSVP")
	tb.set("#rsvp-guests", "1")
	tb.click(`section.rsvp form button[type=submit]`, 200)
	tb.wantPath(manage + "?saved=1")
	tb.see("#rsvp-status", "You're going with 1 guest.")
	tb.open(eventPath, 200)
	tb.see("dl.facts .counts", "2 people")

	tb.open(manage, 200)
	tb.cancelRSVP(manage, "Vigil for the dead at the border")
	tb.open(eventPath, 200)
	tb.see("dl.facts .counts", "0 people")
	tb.open(manage, 404)
}

// rsvp answers the RSVP form of the event page shown with a name and no
// email, and returns the path of the manage link the confirmation gives.
func (tb *tab) rsvp(name, status string) string {
	tb.t.Helper()
	tb.fill("#rsvp-name", name)
	tb.do("choose "+status, chromedp.Click(chromedp.CSS(`section.rsvp input[name=status][value=`+status+`]`), chromedp.NodeVisible))
	tb.click(`section.rsvp form button[type=submit]`, 200)
	href := tb.attr(".manage-link a", "href")
	path, ok := strings.CutPrefix(href, tb.origin)
	if !ok || !strings.HasPrefix(path, "/rsvp/") || len(path) < len("/rsvp/")+32 {
		tb.fatalf("the confirmation's manage link is %q, want %s/rsvp/TOKEN", href, tb.origin)
	}
	return path
}

// cancelRSVP cancels the RSVP of the manage page shown, through its
// confirm page: Back first (nothing changes), then Yes.
func (tb *tab) cancelRSVP(manage, title string) {
	tb.t.Helper()
	tb.click(`a[href="`+manage+`/cancel"]`, 200)
	tb.see("main h1", "Cancel your RSVP to "+title+"?")
	tb.checkA11y("Cancel RSVP confirm")
	tb.click(`main a[href="`+manage+`"]`, 200)
	tb.see("#rsvp-status", "You're")
	tb.click(`a[href="`+manage+`/cancel"]`, 200)
	tb.click(`form[action="`+manage+`/cancel"] button.button-warning`, 200)
	tb.see("main h1", "Your RSVP is cancelled")
}

// reload reloads the page shown, as the browser's reload button does.
func (tb *tab) reload(status int64) {
	tb.t.Helper()
	resp, err := chromedp.RunResponse(tb.ctx, chromedp.Reload())
	tb.loaded("reload", resp, err, status)
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
