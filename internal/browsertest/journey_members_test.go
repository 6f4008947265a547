package browsertest_test

import (
	"context"
	"testing"

	"github.com/turnout-org/turnout/internal/turnout"
)

// TestRemoveMemberJourney is an owner on a phone removing an organiser: the
// "Remove" button leads to a confirm page; Back changes nothing; Yes removes
// them. The owner's own row offers no "Remove", and as the only owner they
// are told how leaving would work instead of being offered it.
func TestRemoveMemberJourney(t *testing.T) {
	in := startInstance(t)
	in.seedGroup(t, "riverside")
	if _, err := in.store.AddOrganiser(context.Background(), turnout.OrganiserInput{Email: "dee@example.org", Name: "Dee",
		GroupSlug: "riverside", Password: organiserPassword}); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t, in.origin, phone, a11y)
	tb.login("riverside@example.org", organiserPassword)
	members := "/groups/riverside/members"
	tb.open(members, 200)
	if n := tb.count(`main a[href$="/remove"]`); n != 1 {
		tb.fatalf("%d Remove buttons, want 1 (Dee's; none on the owner's own row)", n)
	}
	tb.see("main", "You are the only owner")
	tb.click(`main a[href$="/remove"]`, 200)
	tb.see("main h1", "Remove Dee from Riverside Solidarity Network?")
	tb.checkA11y("Remove member confirm")
	tb.click(`main a.button-secondary`, 200)
	tb.wantPath(members)
	tb.see("tbody", "Dee")
	tb.click(`main a[href$="/remove"]`, 200)
	tb.click(`main form button.button-warning`, 200)
	tb.wantPath(members)
	tb.see(".flash", "Member removed.")
	if n := tb.count(`main a[href$="/remove"]`); n != 0 {
		tb.fatalf("Dee is still listed with a Remove button")
	}
}
