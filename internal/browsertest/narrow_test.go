package browsertest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/turnout-org/turnout/internal/turnout"
)

// longWord is a 70-character word with no place to break, as a pasted
// hashtag, link or name can be.
var longWord = strings.Repeat("Solidarity", 7)

// TestLongWordsStayOnScreen fills every text a person can type (title,
// summary, description, venue, address, access, articles, supporter and
// organiser names) with a 70-character word and walks the pages that show
// them, on a 390 px phone and a 1,280 px desktop: the document is never
// wider than the screen and tables wrap instead of scrolling. The pages
// pass axe-core.
func TestLongWordsStayOnScreen(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []tabOption
	}{{"Phone390", []tabOption{phone}}, {"Desktop1280", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			in := startInstance(t)
			g := in.seedGroup(t, "riverside")
			if _, err := in.store.AddOrganiser(context.Background(), turnout.OrganiserInput{Email: "long@example.org", Name: "Organiser" + longWord,
				GroupSlug: "riverside", Password: organiserPassword}); err != nil {
				t.Fatal(err)
			}
			ev := in.seedEvent(t, g, "Vigil "+longWord, func(e *turnout.EventInput) {
				summary, desc := "Summary "+longWord, "About "+longWord+"\n\nSee https://example.org/"+longWord+longWord
				venue, address, access := "Venue"+longWord, "Address"+longWord, "Access"+longWord
				e.Summary, e.Description, e.Venue, e.Address, e.Accessibility = &summary, &desc, &venue, &address, &access
				arts := []turnout.ArticleInput{{URL: "https://example.org/" + longWord, Title: "Article" + longWord, Summary: "Summary" + longWord, Source: "Source" + longWord}}
				e.Articles = &arts
			})
			eventPath := "/events/" + ev.Slug
			tb := newTab(t, in.origin, append(tc.opts, a11y)...)
			for _, p := range []string{"/", "/groups/riverside", eventPath} {
				tb.open(p, 200)
				tb.fitsScreen()
				tb.checkA11y(p)
			}
			tb.open(eventPath, 200)
			manage := tb.rsvp("Supporter"+longWord, "going")
			tb.fitsScreen()
			tb.checkA11y("RSVP confirmation")
			for _, p := range []string{manage, manage + "/cancel"} {
				tb.open(p, 200)
				tb.fitsScreen()
				tb.checkA11y(p)
			}

			tb.login("riverside@example.org", organiserPassword)
			tb.open(eventPath+"/attendees", 200)
			tb.see("tbody", "Supporter"+longWord)
			tb.fitsScreen()
			tb.checkA11y("Attendees")
			tb.open("/groups/riverside/members", 200)
			tb.see("tbody", "Organiser"+longWord)
			tb.fitsScreen()
			tb.checkA11y("Members")
			tb.click(`a.button-warning[href$="/remove"]`, 200)
			tb.see("main h1", "Remove Organiser"+longWord)
			tb.fitsScreen()
			tb.checkA11y("Remove member confirm")
		})
	}
}

// fitsScreen fails the test if the page is wider than the screen, or if a
// scrolling table box has to scroll sideways.
func (tb *tab) fitsScreen() {
	tb.t.Helper()
	type widths struct {
		Screen, Document, Boxes int
	}
	got, err := chromedp.Run(tb.ctx, chromedp.Evaluate[widths](`(() => {
		const d = document.documentElement;
		const wide = [...document.querySelectorAll(".table-scroll")].filter(b => b.scrollWidth > b.clientWidth).length;
		return {Screen: d.clientWidth, Document: d.scrollWidth, Boxes: wide};
	})()`))
	if err != nil {
		tb.fatalf("measure the page: %v", err)
	}
	if got.Document > got.Screen || got.Boxes > 0 {
		tb.fatalf("%s is %d px wide on a %d px screen, %d table boxes scroll sideways", tb.path(), got.Document, got.Screen, got.Boxes)
	}
}
