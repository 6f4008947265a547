package browsertest_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// box is an element's place on the page, in CSS pixels.
type box struct{ Left, Top, Right, Bottom float64 }

// boxOf measures the first element matching sel.
func (tb *tab) boxOf(sel string) box {
	tb.t.Helper()
	b, err := chromedp.Run(tb.ctx, chromedp.Evaluate[box](`(() => {
		const r = document.querySelector(`+"`"+sel+"`"+`).getBoundingClientRect();
		return {Left: r.left, Top: r.top + scrollY, Right: r.right, Bottom: r.bottom + scrollY};
	})()`))
	if err != nil {
		tb.fatalf("measure %s: %v", sel, err)
	}
	return b
}

// pageWidth is how wide the page's content is, scrolling included.
func (tb *tab) pageWidth() float64 {
	tb.t.Helper()
	w, err := chromedp.Run(tb.ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
	if err != nil {
		tb.fatalf("page width: %v", err)
	}
	return w
}

// TestEventFormRepeatedHourJourney: an organiser enters a vigil at 01:30 on
// the night the clocks go back. The form comes back with an error summary at
// the top (focused), the message beside the start, and the question: 01:30
// BST or 01:30 GMT. Choosing GMT saves it; the preview shows the time with
// the abbreviation in force and the RSVP form supporters will see, switched
// off. At 1,280 px the form has two columns and the main actions at the top;
// at 390 px one column that fits the screen. axe-core checks each page.
func TestEventFormRepeatedHourJourney(t *testing.T) {
	in := startInstance(t)
	in.seedGroup(t, "riverside")
	for _, size := range []struct {
		name string
		opts []tabOption
	}{{"Desktop", []tabOption{a11y}}, {"Phone", []tabOption{phone, a11y}}} {
		t.Run(size.name, func(t *testing.T) {
			tb := newTab(t, in.origin, size.opts...)
			tb.login("riverside@example.org", organiserPassword)
			tb.open("/groups/riverside/events/new", 200)
			tb.checkA11y("New event form")
			top := tb.boxOf("#event-actions")
			if title := tb.boxOf("#title"); top.Bottom > title.Top {
				tb.fatalf("the main actions (bottom %.0f) are not above the first field (top %.0f)", top.Bottom, title.Top)
			}
			left, right := tb.boxOf(".form-column:nth-child(1)"), tb.boxOf(".form-column:nth-child(2)")
			if size.name == "Desktop" {
				if right.Left < left.Right || right.Top != left.Top {
					tb.fatalf("at 1,280 px the columns are at %+v and %+v, want side by side", left, right)
				}
			} else {
				if right.Top < left.Bottom {
					tb.fatalf("at 390 px the columns are at %+v and %+v, want one under the other", left, right)
				}
				if w := tb.pageWidth(); w > 390 {
					tb.fatalf("at 390 px the page is %.0f px wide", w)
				}
			}

			tb.fill("#title", "Vigil through the longest night "+size.name)
			tb.set("#starts_at", "2027-10-31T01:30")
			tb.set("#ends_at", "2027-10-31T02:15")
			tb.set("#timezone", "Europe/London")
			tb.click(saveDraft, 422)
			tb.see(".error-summary", "There is a problem", "happens twice")
			if got := tb.attr(".error-summary a", "href"); got != "#starts_at" {
				tb.fatalf("the summary links to %q, want #starts_at", got)
			}
			focused, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`document.activeElement.classList.contains("error-summary")`))
			if err != nil || !focused {
				tb.fatalf("the error summary does not have the focus (%v)", err)
			}
			tb.wantFieldError("#starts_at", "starts_at-error")
			tb.see("#starts_at-offset", "Which 01:30 on 31 October 2027?", "01:30 BST (UTC+01:00)", "01:30 GMT (UTC+00:00)")
			tb.checkA11y("Event form asking which 01:30")

			tb.do("choose GMT", chromedp.Click(chromedp.CSS(`input[name=starts_at_offset][value="+00:00"]`), chromedp.NodeVisible))
			tb.click(`#event-actions button[value=preview]`, 200)
			tb.see("dl.facts", "Sunday 31 October 2027, 01:30–02:15 GMT")
			tb.see("section.rsvp", "will see this form once you publish the event")
			disabled, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`document.querySelector("#rsvp-name").matches(":disabled") && document.querySelector("section.rsvp button[type=submit]").matches(":disabled")`))
			if err != nil || !disabled {
				tb.fatalf("the preview's RSVP form is not switched off (%v)", err)
			}
			tb.checkA11y("Preview of a draft")

			// The edit page: three button roles that look different, the destructive
			// one never the form's default.
			tb.open(strings.TrimSuffix(tb.path(), "/preview")+"/edit", 200)
			tb.checkA11y("Edit form of a draft")
			colours, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`[
				"#event-actions button[value=publish]", "#event-actions button[value=save]", "a.button-warning"
			].map(s => getComputedStyle(document.querySelector(s)).backgroundColor)`))
			if err != nil || len(colours) != 3 || colours[0] == colours[1] || colours[1] == colours[2] || colours[0] == colours[2] {
				tb.fatalf("primary, secondary and warning buttons have backgrounds %v (%v), want three different ones", colours, err)
			}
			if n, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#event-actions > button:not(.button-secondary):not(.button-warning)").length`)); n != 1 {
				tb.fatalf("%d primary buttons in the main actions, want one", n)
			}
			if cls := tb.attr(`form[aria-label="Event details"] button[type=submit]`, "class"); strings.Contains(cls, "warning") {
				tb.fatalf("the form's default button is a warning button")
			}
		})
	}
}
