package browsertest_test

import (
	"context"
	"testing"
)

// TestAdministratorOverviewOnPhoneAndDesktop: an administrator follows the
// Administration link in the header to /admin and sees the instance's
// counts and its administrators; an organiser who is not one has no such
// link and gets 404 at /admin. The page fits a 390 px phone and a 1,280 px
// desktop and passes axe-core.
func TestAdministratorOverviewOnPhoneAndDesktop(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []tabOption
	}{{"Phone390", []tabOption{phone}}, {"Desktop1280", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			in := startInstance(t)
			in.seedGroup(t, "riverside")
			in.seedGroup(t, "harbour")
			if err := in.store.SetAdmin(context.Background(), "riverside@example.org", true); err != nil {
				t.Fatal(err)
			}
			tb := newTab(t, in.origin, append(tc.opts, a11y)...)
			tb.login("riverside@example.org", organiserPassword)
			tb.open("/dashboard", 200)
			tb.click(`a[href="/admin"]`, 200)
			tb.see("main", "Administration", "2 accounts, 2 groups", "riverside@example.org")
			tb.fitsScreen()
			tb.checkA11y("Administration page")

			other := newTab(t, in.origin, append(tc.opts, a11y)...)
			other.login("harbour@example.org", organiserPassword)
			other.open("/dashboard", 200)
			if other.count(`a[href="/admin"]`) != 0 {
				t.Fatal("a non-administrator sees the Administration link")
			}
			other.open("/admin", 404)
		})
	}
}
