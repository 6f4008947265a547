package browsertest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/turnout-org/turnout/internal/turnout"
)

// TestHiddenMeetingPointJourney: an organiser hides the meeting point of a
// die-in from the public and sets a time to share it with the people going,
// through the event form. The public page shows the area and the notice,
// never the point; a supporter RSVPs going and, before the reveal time,
// sees the notice on their private page; once the time has come their page
// shows the venue, address and directions. On a phone and a desktop, with
// axe-core on each page.
func TestHiddenMeetingPointJourney(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []tabOption
	}{{"Phone390", []tabOption{phone}}, {"Desktop1280", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			in := startInstance(t)
			g := in.seedGroup(t, "riverside")
			ev := in.seedEvent(t, g, "Die-in at the depot", nil)
			eventPath := "/events/" + ev.Slug
			org := newTab(t, in.origin, append(tc.opts, a11y)...)
			org.login("riverside@example.org", organiserPassword)
			org.open(eventPath+"/edit", 200)
			org.do("choose people going", chromedp.Click(chromedp.CSS("#location_visibility-going"), chromedp.NodeVisible))
			org.fill("#public_area", "central Riverside, near the station")
			org.fill("#directions", "Meet by the blue gate; stewards in orange")
			org.set("#reveal_at", ev.StartsAt.Add(-2*time.Hour).In(ev.Location()).Format(turnout.LocalLayout))
			org.checkA11y("Event form with a hidden meeting point")
			org.click(`#event-actions button[value="save"]`, 200)

			sup := newTab(t, in.origin, append(tc.opts, a11y)...)
			sup.open(eventPath, 200)
			sup.see("dl.facts", "central Riverside, near the station", "Shared only with the people going")
			sup.fitsScreen()
			sup.checkA11y("Event page with a hidden meeting point")
			hidden := func(what string) {
				t.Helper()
				if body := sup.text("body"); strings.Contains(body, "Central Station forecourt") || strings.Contains(body, "Station Square") || strings.Contains(body, "blue gate") {
					sup.fatalf("%s shows the hidden meeting point", what)
				}
			}
			hidden("the event page")
			manage := sup.rsvp("Robin", "going")
			sup.open(manage, 200)
			sup.see("dl.facts", "Shared only with the people going")
			hidden("the private page before the reveal")
			sup.fitsScreen()
			sup.checkA11y("Private RSVP page before the reveal")

			past := time.Now().Add(-time.Minute).In(ev.Location()).Format(turnout.LocalLayout)
			if _, err := in.store.UpdateEvent(context.Background(), ev.ID, turnout.EventInput{RevealAt: turnout.Of(past)}); err != nil {
				t.Fatal(err)
			}
			sup.reload(200)
			sup.see("dl.facts", "Central Station forecourt", "Station Square", "Meet by the blue gate", "Shared with you because you are going")
			sup.fitsScreen()
			sup.checkA11y("Private RSVP page after the reveal")
			sup.open(eventPath, 200)
			hidden("the event page after the reveal")
		})
	}
}
