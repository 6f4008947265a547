package browsertest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/turnout-org/turnout/internal/turnout"
)

// TestFindEventsJourney: on a phone and a desktop, a supporter searches by
// a town named only in an address, without its accent; a filter typed
// wrong (a reversed date range, a date that is no date) is explained beside
// its field; a numbered page past the list says so and links the first.
// The stylesheet comes from its fingerprinted URL.
func TestFindEventsJourney(t *testing.T) {
	in := startInstance(t)
	g := in.seedGroup(t, "riverside")
	in.seedEvent(t, g, "Vigil for the dead at the border", func(ev *turnout.EventInput) {
		addr := "Bahnhofplatz, Zürich"
		ev.Address = &addr
	})
	in.seedEvent(t, g, "Picket at the detention centre", nil)
	for _, size := range []struct {
		name string
		opts []tabOption
	}{{"Phone", []tabOption{phone}}, {"Desktop", nil}} {
		t.Run(size.name, func(t *testing.T) {
			tb := newTab(t, in.origin, append(size.opts, a11y)...)
			tb.open("/", 200)
			tb.see("#q-hint", "address", "group name", "accents")
			tb.fill("#q", "zurich")
			tb.enter("#q", 200)
			tb.see("ul.events", "Vigil for the dead at the border")
			if n := tb.count("ul.events > li"); n != 1 {
				tb.fatalf("search for zurich lists %d events, want 1", n)
			}
			tb.checkA11y("Search results")

			tb.open("/", 200)
			tb.set("#from", "2026-06-10")
			tb.set("#to", "2026-06-01")
			tb.click(`form.filters button[type=submit]`, 422)
			tb.wantFieldError("#to", "to-error")
			tb.see("#to-error", "To must be the same day as From or later")
			tb.see(".error-summary", "There is a problem")
			tb.checkA11y("Reversed range")

			tb.open("/?from=garbage", 422)
			tb.wantFieldError("#from", "from-error")
			tb.see("#from-error", "Enter a date like")
			tb.checkA11y("Bad date")

			tb.open("/?page=99", 404)
			tb.see("main", "no such page")
			tb.click(`main a[href="/"]`, 200)
			tb.see("ul.events", "Picket at the detention centre")

			var css bool
			for _, u := range tb.requested() {
				if strings.Contains(u, "/static/app.") && strings.HasSuffix(u, ".css") && !strings.HasSuffix(u, "/static/app.css") {
					css = true
				}
			}
			if !css {
				t.Errorf("the stylesheet was not loaded from a fingerprinted URL: %v", tb.requested())
			}
		})
	}
}

// TestOrganiserAccountPagesJourney: the dashboard lists the next event above
// past ones; the token page is one account page reached from the dashboard
// and points to the API documentation page, which is readable; an error on
// an organiser page leads back to the dashboard.
func TestOrganiserAccountPagesJourney(t *testing.T) {
	in := startInstance(t)
	g := in.seedGroup(t, "riverside")
	in.seedEvent(t, g, "Vigil for the dead at the border", nil)
	in.seedEvent(t, g, "Last month's picket", func(ev *turnout.EventInput) {
		start := time.Now().Add(-30 * 24 * time.Hour).UTC().Truncate(time.Hour)
		s, e := start.Format(time.RFC3339), start.Add(2*time.Hour).Format(time.RFC3339)
		ev.StartsAt, ev.EndsAt = &s, &e
	})
	for _, size := range []struct {
		name string
		opts []tabOption
	}{{"Phone", []tabOption{phone}}, {"Desktop", nil}} {
		t.Run(size.name, func(t *testing.T) {
			tb := newTab(t, in.origin, append(size.opts, a11y)...)
			tb.login("riverside@example.org", organiserPassword)
			rows, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](
				`[...document.querySelectorAll("main h3, main tbody td:first-child")].map(e => e.textContent.trim())`))
			if err != nil {
				tb.fatalf("read the dashboard: %v", err)
			}
			want := []string{"Coming up", "Vigil for the dead at the border", "Past events", "Last month's picket"}
			if strings.Join(rows, "|") != strings.Join(want, "|") {
				tb.fatalf("dashboard reads %q, want %q", rows, want)
			}
			tb.checkA11y("Dashboard")

			tb.click(`main a[href="/account/tokens"]`, 200)
			tb.see("main", "every group you organise")
			tb.checkA11y("API tokens")
			tb.click(`main a[href="/api/docs"]`, 200)
			tb.see("h1", "API documentation")
			tb.see("#createEvent", "POST /api/v1/groups/{group}/events")
			tb.checkA11y("API documentation")

			tb.open("/groups/riverside/tokens", 200)
			tb.wantPath("/account/tokens")

			tb.open("/groups/no-such-group/settings", 404)
			tb.see("h1", "Page not found")
			tb.click(`main a[href="/dashboard"]`, 200)
			tb.wantPath("/dashboard")
		})
	}
}
