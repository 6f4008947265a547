package browsertest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The articles the organiser links to the event.
var harbourArticles = [2]struct{ url, title, source string }{
	{"https://harbourworkers.example.org/why-we-march", "Why the harbour workers are marching", "Harbour Workers Solidarity"},
	{"https://news.example.net/port-contracts-report", "Report: zero-hour contracts at the port", "Example News"},
}

// TestOrganiserJourney is journey 1: sign up (which creates the group),
// create an event with two linked articles, publish it, find it on the home
// page, move it, cancel it with a reason, log out and back in, on a phone. It
// checks the sign-up, dashboard, event form, cancel and login pages with
// axe-core on the way.
func TestOrganiserJourney(t *testing.T) {
	in := startInstance(t)
	tb := newTab(t, in.origin, phone, a11y)

	tb.open("/signup", 200)
	tb.checkA11y("Sign-up")
	tb.fill("#name", "Amina Okafor")
	tb.fill("#email", "amina@example.org")
	tb.fill("#password", "a long enough passphrase")
	tb.fill("#group_name", "Harbour Workers Solidarity")
	tb.set("#timezone", "Europe/London")
	tb.click(`form[action="/signup"] button[type=submit]`, 200)
	tb.wantPath("/login")
	tb.see("main", "Now log in with your email address and password")
	tb.login("amina@example.org", "a long enough passphrase")
	tb.see("main", "Harbour Workers Solidarity")
	tb.checkA11y("Dashboard")

	tb.click(`a[href$="/events/new"]`, 200)
	tb.checkA11y("New event form")
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Now().In(london).AddDate(0, 0, 10)
	start := time.Date(day.Year(), day.Month(), day.Day(), 13, 0, 0, 0, london)
	tb.fill("#title", "March for the harbour workers")
	tb.set("#kind", "march")
	tb.fill("#summary", "From the dock gates to the town hall, for secure contracts at the port.")
	tb.fill("#description", "We meet at the **dock gates**.\n\n- Bring a banner\n- Stewards wear orange")
	tb.set("#starts_at", start.Format("2006-01-02T15:04"))
	tb.set("#ends_at", start.Add(2*time.Hour).Format("2006-01-02T15:04"))
	tb.set("#timezone", "Europe/London")
	tb.fill("#venue", "Dock gates")
	tb.fill("#address", "Harbour Road, Portsmouth")
	tb.fill("#accessibility", "Flat route, 2 km, rest stops every 500 m.")
	tb.linkArticle(0)
	// First with the end before the start: the form comes back with what was
	// typed and the message next to the field.
	tb.set("#ends_at", start.Add(-time.Hour).Format("2006-01-02T15:04"))
	tb.click(saveDraft, 422)
	tb.wantFieldError("#ends_at", "ends_at-error")
	tb.see(".error-summary", "There is a problem", "The end must be after the start.")
	if got := tb.value("#title"); got != "March for the harbour workers" {
		tb.fatalf("the form came back with title %q", got)
	}
	tb.checkA11y("Event form with an error")
	tb.set("#ends_at", start.Add(2*time.Hour).Format("2006-01-02T15:04"))
	tb.click(saveDraft, 200)
	path := tb.path()
	slug, ok := strings.CutSuffix(strings.TrimPrefix(path, "/events/"), "/edit")
	if !ok || slug == "" {
		tb.fatalf("creating the event led to %s, want its edit page", path)
	}
	tb.checkA11y("Edit event form")

	tb.linkArticle(1)
	tb.click(saveDraft, 200)
	tb.see(".flash", "Changes saved")
	// Text typed and then published with the button at the top is saved too.
	tb.fill("#summary", "From the dock gates to the town hall: secure contracts at the port, now.")
	tb.click(`#event-actions button[value=publish]`, 200)
	tb.see(".flash", "Published")
	if got := tb.value("#summary"); got != "From the dock gates to the town hall: secure contracts at the port, now." {
		tb.fatalf("publishing kept summary %q, not the text typed", got)
	}
	// A draft's slug carries a random suffix; publishing gives it title-date.
	slug = "march-for-the-harbour-workers-" + start.Format("2006-01-02")
	tb.wantPath("/events/" + slug + "/edit")

	tb.open("/", 200)
	tb.see("ul.events", "March for the harbour workers")
	tb.click(`ul.events a[href="/events/`+slug+`"]`, 200)
	tb.see("ul.articles", harbourArticles[0].title, harbourArticles[1].title)
	tb.see("dl.facts", start.Format("Monday 2 January 2006, 15:04"))

	// Move it an hour later.
	tb.open("/events/"+slug+"/edit", 200)
	later := start.Add(time.Hour)
	tb.set("#starts_at", later.Format("2006-01-02T15:04"))
	tb.set("#ends_at", later.Add(2*time.Hour).Format("2006-01-02T15:04"))
	// Saved with the Enter key (a phone's Go key) in the title field.
	tb.enter("#title", 200)
	tb.see(".flash", "Changes saved")
	tb.open("/events/"+slug, 200)
	tb.see("dl.facts", later.Format("Monday 2 January 2006, 15:04")+"–"+later.Add(2*time.Hour).Format("15:04"))
	if got, want := tb.attr("dl.facts time", "datetime"), later.UTC().Format(time.RFC3339); got != want {
		tb.fatalf("the event's time says datetime=%q, want %q", got, want)
	}

	// Cancel it with a reason.
	reason := "The council closed Harbour Road; we will announce a new date."
	tb.open("/events/"+slug+"/edit", 200)
	tb.click(`a[href="/events/`+slug+`/cancel"]`, 200)
	tb.checkA11y("Cancel form")
	tb.fill("#reason", reason)
	tb.click(`form[action="/events/`+slug+`/cancel"] button[type=submit]`, 200)
	tb.wantPath("/events/" + slug)
	tb.see(".banner-cancelled", "Cancelled", reason)
	tb.open("/", 200)
	tb.see(`ul.events li:has(a[href="/events/`+slug+`"])`, "Cancelled")

	// Log out, and back in: the dashboard lists the cancelled event.
	tb.click(`header form[action="/logout"] button[type=submit]`, 200)
	tb.wantPath("/")
	tb.see(".flash", "logged out")
	tb.login("amina@example.org", "a long enough passphrase")
	tb.see(`main table`, "March for the harbour workers")

	// The account's password page, reached from the dashboard.
	tb.click(`a[href="/account/password"]`, 200)
	tb.checkA11y("change password")
	tb.fill("#current_password", "a long enough passphrase")
	tb.fill("#password", "short")
	tb.click(`form[action="/account/password"] button[type=submit]`, 422)
	tb.wantFieldError("#password", "password-error")
	tb.checkA11y("change password, refused")
}

// enter presses Enter in the field sel, which submits its form, and waits
// for the new page.
func (tb *tab) enter(sel string, status int64) {
	tb.t.Helper()
	tb.do("focus "+sel, chromedp.Focus(chromedp.CSS(sel)))
	resp, err := chromedp.RunResponse(tb.ctx, chromedp.KeyEvent(kb.Enter))
	tb.loaded("press Enter in "+sel, resp, err, status)
}

// saveDraft is the event form's "Save draft" button at the top of the form.
const saveDraft = `form[aria-label="Event details"] .form-actions button[value=save]`

// linkArticle fills the event form's article row i (the blank one).
func (tb *tab) linkArticle(i int) {
	tb.t.Helper()
	a := harbourArticles[i]
	row := "#articles-" + string(rune('0'+i)) + "-"
	tb.fill(row+"url", a.url)
	tb.fill(row+"title", a.title)
	tb.fill(row+"source", a.source)
}

// login signs in through the login page and expects the dashboard.
func (tb *tab) login(email, password string) {
	tb.t.Helper()
	tb.open("/login", 200)
	tb.checkA11y("Login")
	tb.fill("#email", email)
	tb.fill("#password", password)
	tb.click(`form[action="/login"] button[type=submit]`, 200)
	tb.wantPath("/dashboard")
}
