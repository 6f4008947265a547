package browsertest_test

import (
	"context"
	"testing"

	"github.com/turnout-org/turnout/internal/turnout"
)

// TestCancelledEventJourney cancels a full event after two supporters
// answered, one going and one waitlisted, and looks at it as they would on
// a phone and on a desktop: the card, the event page and both manage pages
// say it is cancelled, nothing offers an RSVP, places or a calendar entry
// but the .ics of the cancellation, and the waitlisted person is promised
// nothing. The waitlisted person then deletes their RSVP through its
// confirm page.
func TestCancelledEventJourney(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []tabOption
	}{{"Phone390", []tabOption{phone}}, {"Desktop1280", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			in := startInstance(t)
			g := in.seedGroup(t, "riverside")
			ev := in.seedEvent(t, g, "March to the embassy", func(e *turnout.EventInput) { e.Capacity = turnout.Of(1) })
			eventPath := "/events/" + ev.Slug
			tb := newTab(t, in.origin, append(tc.opts, a11y)...)
			tb.open(eventPath, 200)
			going := tb.rsvp("Robin", "going")
			tb.open(eventPath, 200)
			waiting := tb.rsvp("Kit", "going")
			tb.see("main .panel h1", "You're on the waitlist")
			if _, err := in.store.CancelEvent(context.Background(), ev.ID, "The police banned the route."); err != nil {
				t.Fatal(err)
			}

			tb.open("/", 200)
			tb.see(`ul.events li:has(a[href="`+eventPath+`"])`, "Cancelled")
			tb.open(eventPath, 200)
			tb.see(".banner-cancelled", "Cancelled", "will not take place", "The police banned the route.")
			tb.see("main", "Update your calendar")
			tb.fitsScreen()
			tb.checkA11y("Cancelled event")
			for _, gone := range []string{"section.rsvp", `a[href="#rsvp-heading"]`, "dl.facts .counts", `a[href^="https://calendar.google.com"]`, `a[href^="webcal:"]`} {
				if n := tb.count(gone); n != 0 {
					tb.fatalf("the cancelled event page still has %s", gone)
				}
			}
			if tb.count(`a[href="`+eventPath+`.ics"]`) != 1 {
				tb.fatalf("the cancelled event page lost its .ics")
			}

			tb.open(going+"/done", 200)
			tb.see("main .panel h1", "This event has been cancelled")
			tb.fitsScreen()
			tb.checkA11y("Confirmation of a cancelled event")
			tb.open(going, 200)
			tb.see("#rsvp-status", "You said you were going")
			tb.open(waiting, 200)
			tb.see(".banner-cancelled", "will not take place")
			tb.see("#rsvp-status", "You were on the waitlist. Nobody will be moved up")
			if tb.count("section.rsvp")+tb.count(`a[href^="https://calendar.google.com"]`) != 0 {
				tb.fatalf("the manage page of a cancelled event still offers a change or a calendar entry")
			}
			tb.fitsScreen()
			tb.checkA11y("Manage page of a cancelled event")
			tb.click(`a[href="`+waiting+`/cancel"]`, 200)
			tb.see("main h1", "Delete your RSVP to March to the embassy?")
			tb.checkA11y("Delete RSVP confirm")
			tb.click(`form[action="`+waiting+`/cancel"] button.button-warning`, 200)
			tb.see("main h1", "Your RSVP is cancelled")
			tb.open(waiting, 404)
		})
	}
}
