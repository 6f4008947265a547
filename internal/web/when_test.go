package web

import (
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/turnout-org/turnout/internal/i18n"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestWhenNamesZoneOfEachInstant: the abbreviation shown is the one in force
// at the stored instant, for the start and the end each (issue: 01:30 BST was
// shown as "01:30-02:15 GMT").
func TestWhenNamesZoneOfEachInstant(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en := cat.Localizer(language.English)
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	for _, tc := range []struct{ start, end, want string }{
		{"2027-10-31T00:30:00Z", "2027-10-31T02:15:00Z", "Sunday 31 October 2027, 01:30 BST–02:15 GMT"},
		{"2027-10-31T01:30:00Z", "2027-10-31T02:15:00Z", "Sunday 31 October 2027, 01:30–02:15 GMT"},
		{"2027-10-30T12:00:00Z", "2027-10-30T14:00:00Z", "Saturday 30 October 2027, 13:00–15:00 BST"},
	} {
		e := &turnout.Event{Timezone: "Europe/London", StartsAt: at(tc.start), EndsAt: at(tc.end)}
		if got := when(en, e); got != tc.want {
			t.Errorf("when(%s–%s) = %q, want %q", tc.start, tc.end, got, tc.want)
		}
	}
}
