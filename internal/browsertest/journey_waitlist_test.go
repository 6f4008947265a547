package browsertest_test

import (
	"testing"

	"github.com/turnout-org/turnout/internal/turnout"
)

// TestWaitlistJourney is journey 3: with capacity 1, a second supporter is
// waitlisted and sees the position; when the first cancels, the second's
// manage page shows "going". Each supporter has a phone of their own.
func TestWaitlistJourney(t *testing.T) {
	in := startInstance(t)
	g := in.seedGroup(t, "riverside")
	ev := in.seedEvent(t, g, "Community meeting about the eviction", func(e *turnout.EventInput) {
		e.Capacity = turnout.Of(1)
	})
	eventPath := "/events/" + ev.Slug
	first := newTab(t, in.origin, phone, a11y)
	second := newTab(t, in.origin, phone, a11y)

	first.open(eventPath, 200)
	firstManage := first.rsvp("Robin", "going")
	first.see("main .panel h1", "You're going")

	second.open(eventPath, 200)
	second.see("dl.facts .counts", "1 person")
	secondManage := second.rsvp("Kit", "going")
	second.see("main .panel h1", "You're on the waitlist")
	second.see("main .panel .lead", "number 1 on the waitlist")
	second.see("main", "move up in turn")
	second.checkA11y("Waitlisted confirmation")
	second.click(".manage-link a", 200)
	second.see("#rsvp-status", "You're number 1 on the waitlist.")
	second.checkA11y("Waitlisted manage page")

	first.open(firstManage, 200)
	first.cancelRSVP(firstManage, "Community meeting about the eviction")

	second.open(secondManage, 200)
	second.see("#rsvp-status", "You're going.")
	second.open(eventPath, 200)
	second.see("dl.facts .counts", "1 person")
}
