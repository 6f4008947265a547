package web

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestRSVPConfirmationReloadCreatesNothing sends the RSVP form once and then
// loads its confirmation three times, as a reload or the back button would:
// there is one RSVP, and every load shows the same manage link.
func TestRSVPConfirmationReloadCreatesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "reload")
		e := seedEvent(t, st, g.ID, "Vigil at the port", 48*time.Hour, nil)
		resp, _ := postForm(t, app, "/events/"+e.Slug+"/rsvp", url.Values{"name": {"Ana"}, "status": {"going"}, "guests": {"1"}})
		if resp.StatusCode != 303 {
			t.Fatalf("RSVP form: %d, want 303 to the confirmation", resp.StatusCode)
		}
		done := resp.Header.Get("Location")
		link := ""
		for i := 0; i < 3; i++ {
			resp, body := do(t, app, httptest.NewRequest("GET", done, nil))
			m := manageLink.FindStringSubmatch(body)
			if resp.StatusCode != 200 || m == nil || !strings.Contains(body, "You're going") {
				t.Fatalf("load %d of %s: %d %.500s", i+1, done, resp.StatusCode, body)
			}
			if link != "" && m[1] != link {
				t.Fatalf("load %d shows another manage link", i+1)
			}
			link = m[1]
			if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("X-Robots-Tag") == "" {
				t.Errorf("confirmation headers: Cache-Control %q, X-Robots-Tag %q", resp.Header.Get("Cache-Control"), resp.Header.Get("X-Robots-Tag"))
			}
		}
		if done != "/rsvp/"+link+"/done" {
			t.Errorf("confirmation at %s, manage link token %s", done, link)
		}
		if n := countRSVPs(t, st, e.ID); n != 1 {
			t.Fatalf("%d RSVPs after three loads of the confirmation, want 1", n)
		}
		if n := countGoing(t, st, e.Slug); n != 2 {
			t.Fatalf("going %d, want 2", n)
		}
		for _, tok := range []string{"nope", strings.Repeat("A", 43)} {
			if resp, _ := do(t, app, httptest.NewRequest("GET", "/rsvp/"+tok+"/done", nil)); resp.StatusCode != 404 {
				t.Errorf("confirmation of unknown token %q: %d", tok, resp.StatusCode)
			}
		}
	})
}

// TestRSVPConfirmationSaysWhatWhereAndNext checks the confirmation's order:
// a panel saying what happened, what happens next, where and when, then the
// manage link and the same calendar links as the event page.
func TestRSVPConfirmationSaysWhatWhereAndNext(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "whereandwhen")
		venue, address := "Central Station, main hall", "Station Square, Edinburgh"
		e := seedEvent(t, st, g.ID, "Die-in at the station", 48*time.Hour, func(in *turnout.EventInput) {
			in.Venue, in.Address = &venue, &address
			in.Capacity = turnout.Of(1)
		})
		_, eventPage := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil))
		_, body := postRSVP(t, app, e.Slug, url.Values{"name": {"Ana"}, "status": {"going"}})
		order := []string{`class="panel"`, "You're going", "What happens next", `datetime="` + e.StartsAt.UTC().Format(time.RFC3339) + `"`, "Station Square, Edinburgh",
			"Your private link", "http://turnout.test/rsvp/", "Add to your calendar"}
		at := 0
		for _, want := range order {
			i := strings.Index(body[at:], want)
			if i < 0 {
				t.Fatalf("the confirmation lacks %q after position %d: %.3000s", want, at, body)
			}
			at += i
		}
		// The calendar links are the event page's own.
		for _, link := range []string{`href="/events/` + e.Slug + `.ics"`, "https://calendar.google.com/", "webcal://"} {
			if !strings.Contains(eventPage, link) || !strings.Contains(body, link) {
				t.Errorf("calendar link %q: on the event page %v, on the confirmation %v", link, strings.Contains(eventPage, link), strings.Contains(body, link))
			}
		}
		// The event is now full: the next person is told where they stand.
		_, body = postRSVP(t, app, e.Slug, url.Values{"name": {"Ben"}, "status": {"going"}})
		if !strings.Contains(body, "You're on the waitlist") || !strings.Contains(body, "number 1 on the waitlist") || !strings.Contains(body, "move up in turn") {
			t.Errorf("waitlisted confirmation: %.2000s", body)
		}
	})
}

// TestCancelledEventStopsActingLive cancels a full event with a going and a
// waitlisted RSVP and checks every page a supporter sees: it says cancelled,
// offers no RSVP, no places left, no calendar invitation but the .ics (which
// carries STATUS:CANCELLED), and promises the waitlisted person nothing; the
// RSVP can still be deleted.
func TestCancelledEventStopsActingLive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "calledoff")
		e := seedEvent(t, st, g.ID, "March to the embassy", 48*time.Hour, func(in *turnout.EventInput) { in.Capacity = turnout.Of(1) })
		going := rsvpVia(t, app, e, "Ana", "")
		waiting := rsvpVia(t, app, e, "Ben", "")
		if _, err := st.CancelEvent(context.Background(), e.ID, "The police banned the route."); err != nil {
			t.Fatal(err)
		}
		_, page := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil))
		for _, want := range []string{"Cancelled.", "The police banned the route.", "Update your calendar", `href="/events/` + e.Slug + `.ics"`} {
			if !strings.Contains(page, want) {
				t.Errorf("cancelled event page lacks %q", want)
			}
		}
		for _, gone := range []string{"places left", "place left", `action="/events/` + e.Slug + `/rsvp"`, `href="#rsvp-heading"`, "calendar.google.com", "webcal://", "Add to calendar"} {
			if strings.Contains(page, gone) {
				t.Errorf("cancelled event page still has %q", gone)
			}
		}
		if _, home := do(t, app, httptest.NewRequest("GET", "/groups/"+g.Slug, nil)); !strings.Contains(home, `<span class="tag cancelled">Cancelled</span>`) {
			t.Error("the group page's card does not say cancelled")
		}
		if resp, _ := postForm(t, app, "/events/"+e.Slug+"/rsvp", url.Values{"name": {"Late"}, "status": {"going"}}); resp.StatusCode != 409 {
			t.Errorf("RSVP to a cancelled event: %d, want 409", resp.StatusCode)
		}
		for _, tc := range []struct{ token, said string }{{going, "You said you were going."}, {waiting, "Nobody will be moved up"}} {
			for _, path := range []string{"/rsvp/" + tc.token, "/rsvp/" + tc.token + "/done"} {
				resp, body := do(t, app, httptest.NewRequest("GET", path, nil))
				if resp.StatusCode != 200 || !strings.Contains(body, "will not take place") {
					t.Fatalf("%s: %d, does not say the event is cancelled: %.2000s", path, resp.StatusCode, body)
				}
				for _, gone := range []string{"on the waitlist:", "number 1 on the waitlist", "move up in turn", "You're going", `type="radio"`, "calendar.google.com", "Add to calendar"} {
					if strings.Contains(body, gone) {
						t.Errorf("%s still says %q", path, gone)
					}
				}
			}
			_, body := do(t, app, httptest.NewRequest("GET", "/rsvp/"+tc.token, nil))
			if !strings.Contains(body, tc.said) || !strings.Contains(body, `href="/rsvp/`+tc.token+`/cancel">Delete my RSVP`) {
				t.Errorf("manage page: want %q and a delete link: %.2000s", tc.said, body)
			}
		}
		resp, body := do(t, app, httptest.NewRequest("GET", "/rsvp/"+waiting+"/cancel", nil))
		if resp.StatusCode != 200 || !strings.Contains(body, "Delete your RSVP to March to the embassy?") {
			t.Fatalf("delete confirm page: %d %.1000s", resp.StatusCode, body)
		}
		if resp, _ := postForm(t, app, "/rsvp/"+waiting+"/cancel", url.Values{"confirm": {"yes"}}); resp.StatusCode != 200 {
			t.Fatalf("delete after cancellation: %d", resp.StatusCode)
		}
		if resp, _ := do(t, app, httptest.NewRequest("GET", "/rsvp/"+waiting, nil)); resp.StatusCode != 404 {
			t.Errorf("deleted RSVP's link: %d, want 404", resp.StatusCode)
		}
		resp, ics := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug+".ics", nil))
		if resp.StatusCode != 200 || !strings.Contains(ics, "STATUS:CANCELLED") {
			t.Errorf("the .ics of the cancelled event: %d, STATUS:CANCELLED %v", resp.StatusCode, strings.Contains(ics, "STATUS:CANCELLED"))
		}
	})
}

// TestConfirmPagesRefuseWhatIsNotThere asks the confirm pages about RSVPs,
// members and tokens that do not exist or belong elsewhere: each answers 404
// (never 5xx) and changes nothing.
func TestConfirmPagesRefuseWhatIsNotThere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "door@example.org", "doorgroup")
		seedOrganiser(t, st, "other@example.org", "othergroup")
		mine, _ := st.FindGroupBySlug(t.Context(), "doorgroup")
		theirs, _ := st.FindGroupBySlug(t.Context(), "othergroup")
		e := seedEvent(t, st, mine.ID, "Door", 24*time.Hour, nil)
		other := seedEvent(t, st, theirs.ID, "Elsewhere", 24*time.Hour, nil)
		rsvpVia(t, app, other, "Far Away", "")
		list, err := st.FindRSVPs(context.Background(), other.ID, turnout.RSVPFilter{Limit: turnout.MaxRSVPPage})
		if err != nil || len(list) != 1 {
			t.Fatalf("RSVPs of the other event: %v %d", err, len(list))
		}
		if _, err := st.SetCheckedIn(context.Background(), other.ID, list[0].ID, true); err != nil {
			t.Fatal(err)
		}
		otherID := strconv.FormatInt(list[0].ID, 10)
		b := newBrowser(t, app)
		b.login("door@example.org", testPassword)
		page := "/events/" + e.Slug + "/attendees"
		for _, p := range []string{page + "/abc/uncheckin", page + "/0/uncheckin", page + "/99999999999999999999/uncheckin", page + "/" + otherID + "/uncheckin",
			"/groups/doorgroup/members/abc/remove", "/groups/doorgroup/members/999999/remove", "/rsvp/nope/done", "/rsvp/nope/cancel", "/rsvp/%00/done"} {
			if resp, _ := b.get(p); resp.StatusCode != 404 {
				t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
			}
			if strings.HasSuffix(p, "/done") {
				continue // read-only: a POST is 405
			}
			if resp, _ := b.post(p, p, url.Values{"confirm": {"yes"}}); resp.StatusCode != 404 {
				t.Errorf("POST %s: %d, want 404", p, resp.StatusCode)
			}
		}
		// The other event's check-in is untouched.
		if r, err := st.FindEventRSVP(context.Background(), other.ID, list[0].ID); err != nil || r.CheckedInAt == nil {
			t.Fatalf("the other event's check-in changed: %v", err)
		}
	})
}
