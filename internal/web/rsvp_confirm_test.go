package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

var confirmLinkRe = regexp.MustCompile(`http://turnout\.test(/rsvp/confirm/[A-Za-z0-9_-]{22,})`)

// organiserRSVPs is the organisers' API list of the event's RSVPs.
func organiserRSVPs(t *testing.T, rig *mailRig, slug, token string) []map[string]any {
	t.Helper()
	resp, body := do(t, rig.app, apiRequest("GET", "/api/v1/events/"+slug+"/rsvps", token, ""))
	if resp.StatusCode != 200 {
		t.Fatalf("organiser list: %d %s", resp.StatusCode, body)
	}
	var out struct {
		RSVPs []map[string]any `json:"rsvps"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	return out.RSVPs
}

// TestRequiredEmailConfirmation: an RSVP to an event that requires email
// says "confirm your email" on its confirmation page and in its email;
// organisers see it unconfirmed on the attendee page, in the CSV and in the
// API until the mailed link's button is pressed (opening the link alone
// confirms nothing); then it is confirmed everywhere.
func TestRequiredEmailConfirmation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		g, token := seedGroup(t, st, "confirmers")
		hours := 24
		e := seedEvent(t, st, g.ID, "Confirmed vigil", 72*time.Hour, func(in *turnout.EventInput) {
			yes := true
			in.RequireEmail, in.EmailConfirmHours = &yes, &hours
		})
		status, body := rig.rsvp(t, e.Slug, url.Values{"name": {"Ada"}, "email": {"ada@example.org"}, "status": {"going"}})
		if status != 200 || !strings.Contains(body, "Confirm your email.") {
			t.Fatalf("confirmation page: %d, lacks the request to confirm: %.500s", status, body)
		}
		list := organiserRSVPs(t, rig, e.Slug, token)
		if len(list) != 1 || list[0]["unconfirmed"] != true || list[0]["confirm_by"] == nil {
			t.Fatalf("API list before confirming: %v", list)
		}
		seedOrganiser(t, st, "org@example.org", "confirmers")
		org := newBrowser(t, rig.app)
		org.login("org@example.org", testPassword)
		if _, page := org.get("/events/" + e.Slug + "/attendees"); !strings.Contains(page, `<span class="tag">unconfirmed</span>`) {
			t.Error("attendee page does not show the RSVP unconfirmed")
		}
		if _, csvBody := org.get("/events/" + e.Slug + "/attendees.csv"); !strings.Contains(csvBody, list[0]["confirm_by"].(string)) {
			t.Errorf("CSV lacks confirm_by:\n%s", csvBody)
		}

		rig.flush(t)
		m := rig.smtp.Wait(1, 10*time.Second)[0]
		found := confirmLinkRe.FindStringSubmatch(m.Text)
		if m.DecodedSubject() != "Confirm your RSVP: Confirmed vigil" || found == nil || !strings.Contains(m.Text, "by ") {
			t.Fatalf("mail %q:\n%s", m.DecodedSubject(), m.Text)
		}
		link := found[1]
		resp, page := do(t, rig.app, httptest.NewRequest("GET", link, nil))
		if resp.StatusCode != 200 || !strings.Contains(page, "Confirm my RSVP") || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("confirm page: %d", resp.StatusCode)
		}
		if list := organiserRSVPs(t, rig, e.Slug, token); list[0]["unconfirmed"] != true {
			t.Fatal("opening the link confirmed the RSVP")
		}
		resp, _ = do(t, rig.app, httptest.NewRequest("POST", link, nil))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != link {
			t.Fatalf("confirm: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, page := do(t, rig.app, httptest.NewRequest("GET", link, nil)); resp.StatusCode != 200 || !strings.Contains(page, "Your RSVP is confirmed") {
			t.Fatalf("after confirming: %d", resp.StatusCode)
		}
		if list := organiserRSVPs(t, rig, e.Slug, token); list[0]["unconfirmed"] != false || list[0]["confirm_by"] != nil {
			t.Fatalf("API list after confirming: %v", list)
		}
		if _, page := org.get("/events/" + e.Slug + "/attendees"); strings.Contains(page, `<span class="tag">unconfirmed</span>`) {
			t.Error("attendee page still shows the RSVP unconfirmed")
		}

		// A second RSVP with the same address reads like a new one: it too
		// is asked to confirm.
		status, body = rig.rsvp(t, e.Slug, url.Values{"name": {"Not Ada"}, "email": {"ada@example.org"}, "status": {"going"}})
		if status != 200 || !strings.Contains(body, "Confirm your email.") {
			t.Fatalf("second RSVP's page does not read like a new one: %d", status)
		}
		resp, apiBody := do(t, rig.app, apiRequest("POST", "/api/v1/events/"+e.Slug+"/rsvps", "", `{"name": "Again", "email": "ada@example.org", "status": "going"}`))
		if resp.StatusCode != 201 || !strings.Contains(apiBody, `"confirm_by"`) {
			t.Fatalf("second API RSVP: %d %s", resp.StatusCode, apiBody)
		}
	})
}

// TestRequiredEmailConfirmationBadInput: links that are not links get 404
// on GET and POST; hours to confirm out of range or not a number get 422 in
// the API and the form; nothing changes.
func TestRequiredEmailConfirmationBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		g, token := seedGroup(t, st, "badconfirm")
		e := seedEvent(t, st, g.ID, "Strict vigil", 72*time.Hour, func(in *turnout.EventInput) {
			yes := true
			in.RequireEmail = &yes
		})
		if e.EmailConfirmHours != turnout.DefaultEmailConfirmHours {
			t.Fatalf("default hours %d", e.EmailConfirmHours)
		}
		if status, _ := rig.rsvp(t, e.Slug, url.Values{"name": {"Ada"}, "email": {"ada@example.org"}, "status": {"going"}}); status != 200 {
			t.Fatal(status)
		}
		seedOrganiser(t, st, "org@example.org", "badconfirm")
		org := newBrowser(t, rig.app)
		org.login("org@example.org", testPassword)
		before := storetest.Snapshot(t, st)
		for _, tok := range []string{"x", strings.Repeat("A", 43), strings.Repeat("z", 300), "..%2F..%2Fetc"} {
			for _, method := range []string{"GET", "POST"} {
				if resp, _ := do(t, rig.app, httptest.NewRequest(method, "/rsvp/confirm/"+tok, nil)); resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s token %q: %d, want 404", method, tok, resp.StatusCode)
				}
			}
		}
		for _, body := range []string{`{"email_confirm_hours": 0}`, `{"email_confirm_hours": 721}`, `{"email_confirm_hours": -5}`, `{"email_confirm_hours": "48"}`, `{"email_confirm_hours": 1.5}`} {
			resp, out := do(t, rig.app, apiRequest("PATCH", "/api/v1/events/"+e.Slug, token, body))
			if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusBadRequest {
				t.Errorf("PATCH %s: %d %s, want 4xx", body, resp.StatusCode, out)
			}
			if resp.StatusCode == http.StatusUnprocessableEntity && !strings.Contains(out, `"email_confirm_hours"`) {
				t.Errorf("PATCH %s: no message on the field: %s", body, out)
			}
		}
		_, form := org.get("/events/" + e.Slug + "/edit")
		if !strings.Contains(form, `name="email_confirm_hours"`) {
			t.Fatal("the event form has no hours to confirm")
		}
		for _, v := range []string{"0", "721", "two days"} {
			values := eventFormValues()
			values.Set("email_confirm_hours", v)
			resp, page := org.post("/events/"+e.Slug+"/edit", "/events/"+e.Slug+"/edit", values)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `id="email_confirm_hours-error"`) {
				t.Errorf("form hours %q: %d", v, resp.StatusCode)
			}
		}
		if after := storetest.Snapshot(t, st); after != before {
			t.Errorf("refused requests changed data:\n%s\n%s", before, after)
		}
		resp, out := do(t, rig.app, apiRequest("PATCH", "/api/v1/events/"+e.Slug, token, `{"email_confirm_hours": 6}`))
		if resp.StatusCode != 200 || !strings.Contains(out, `"email_confirm_hours":6`) {
			t.Fatalf("PATCH 6 hours: %d %s", resp.StatusCode, out)
		}
	})
}

// TestWorkerReleasesUnconfirmed: the mail worker releases an RSVP not
// confirmed in time, and the person next on the waitlist is mailed that they
// have a place.
func TestWorkerReleasesUnconfirmed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		g, token := seedGroup(t, st, "releasers")
		hours, capacity := 24, 1
		e := seedEvent(t, st, g.ID, "Small vigil", 96*time.Hour, func(in *turnout.EventInput) {
			yes := true
			in.RequireEmail, in.EmailConfirmHours, in.Capacity = &yes, &hours, turnout.Of(capacity)
		})
		start := time.Now().UTC()
		clock := start
		st.Now = func() time.Time { return clock }
		rig.worker.Now = st.Now
		rig.rsvp(t, e.Slug, url.Values{"name": {"Ada"}, "email": {"ada@example.org"}, "status": {"going"}})
		clock = start.Add(2 * time.Hour)
		rig.rsvp(t, e.Slug, url.Values{"name": {"Bo"}, "email": {"bo@example.org"}, "status": {"going"}})
		rig.flush(t)
		rig.smtp.Wait(2, 10*time.Second)

		clock = start.Add(25 * time.Hour)
		rig.flush(t)
		msgs := rig.smtp.Wait(3, 10*time.Second)
		if m := msgs[2]; m.To != "bo@example.org" || !strings.HasPrefix(m.DecodedSubject(), "You have a place") {
			t.Fatalf("third message to %q: %q", m.To, m.DecodedSubject())
		}
		list := organiserRSVPs(t, rig, e.Slug, token)
		if len(list) != 1 || list[0]["name"] != "Bo" || list[0]["status"] != "going" || list[0]["unconfirmed"] != true {
			t.Fatalf("after the release: %v", list)
		}
	})
}
