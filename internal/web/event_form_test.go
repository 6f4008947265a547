package web

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// createDraft creates a draft through the form and returns its slug.
func createDraft(t *testing.T, b *browser, form url.Values) string {
	t.Helper()
	form.Set("action", "save")
	form.Del("status")
	resp, body := b.post("/groups/riverside/events/new", "/groups/riverside/events/new", form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasSuffix(loc, "/edit") {
		t.Fatalf("create: status %d, location %q: %.400s", resp.StatusCode, loc, body)
	}
	return strings.TrimSuffix(strings.TrimPrefix(loc, "/events/"), "/edit")
}

// TestEventFormSaveAndPublishKeepsTypedText: the publish and preview buttons
// are in the edit form, so what was typed is saved with them.
func TestEventFormSaveAndPublishKeepsTypedText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "ada@example.org", "riverside")
		b := newBrowser(t, app)
		b.login("ada@example.org", testPassword)
		slug := createDraft(t, b, eventFormValues())
		edit := "/events/" + slug + "/edit"
		if e, _ := st.FindEventBySlug(ctx, slug); e.Status != turnout.StatusDraft {
			t.Fatalf("Save draft gave status %s", e.Status)
		}

		form := eventFormValues()
		form.Del("status")
		form.Set("title", "Die-in at the Town Hall")
		form.Set("action", "publish")
		resp, _ := b.post(edit, edit, form)
		if resp.StatusCode != 303 {
			t.Fatalf("save and publish: status %d", resp.StatusCode)
		}
		// Publishing gives a draft its public slug: follow the redirect to it.
		slug = strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/events/"), "/edit")
		e, err := st.FindEventBySlug(ctx, slug)
		if err != nil {
			t.Fatalf("after Save and publish, %s: %v", resp.Header.Get("Location"), err)
		}
		edit = "/events/" + slug + "/edit"
		if e.Status != turnout.StatusPublished || e.Title != "Die-in at the Town Hall" {
			t.Fatalf("after Save and publish: status %s, title %q", e.Status, e.Title)
		}
		_, body := b.get(resp.Header.Get("Location"))
		if !strings.Contains(body, "Published. The event is now public.") {
			t.Errorf("no message that it is published")
		}

		form.Set("summary", "Typed before preview.")
		form.Set("action", "preview")
		resp, _ = b.post(edit, edit, form)
		if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || loc != "/events/"+slug+"/preview" {
			t.Fatalf("save and preview: status %d to %q", resp.StatusCode, loc)
		}
		if e, _ := st.FindEventBySlug(ctx, slug); e.Summary != "Typed before preview." || e.Status != turnout.StatusPublished {
			t.Fatalf("after Save and preview: summary %q, status %s", e.Summary, e.Status)
		}

		form.Set("venue", "Typed before unpublishing")
		form.Set("action", "unpublish")
		b.post(edit, edit, form)
		if e, _ := st.FindEventBySlug(ctx, slug); e.Venue != "Typed before unpublishing" || e.Status != turnout.StatusDraft {
			t.Fatalf("after Save and return to draft: venue %q, status %s", e.Venue, e.Status)
		}

		// Saving without a button's action (Enter in a field) keeps the status.
		form.Del("action")
		b.post(edit, edit, form)
		if e, _ := st.FindEventBySlug(ctx, slug); e.Status != turnout.StatusDraft {
			t.Fatalf("plain save changed the status to %s", e.Status)
		}
		_, body = b.get(edit)
		for _, want := range []string{`name="action" value="publish"`, `name="action" value="preview"`} {
			if !strings.Contains(body, want) {
				t.Errorf("edit page lacks %s", want)
			}
		}
		if strings.Contains(body, `action="/events/`+slug+`/publish"`) {
			t.Errorf("edit page still has a separate publish form, which drops what was typed")
		}
	})
}

// TestEventFormRepeatedHourAsksWhich: a start in the hour that happens twice
// when the clocks go back is refused with a question naming BST and GMT; the
// answer is stored as that instant and shown with its own abbreviation.
func TestEventFormRepeatedHourAsksWhich(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "ada@example.org", "riverside")
		b := newBrowser(t, app)
		b.login("ada@example.org", testPassword)
		page := "/groups/riverside/events/new"
		form := eventFormValues()
		form.Set("timezone", "Europe/London")
		form.Set("starts_at", "2027-10-31T01:30")
		form.Set("ends_at", "2027-10-31T02:15")
		form.Set("action", "save")
		resp, body := b.post(page, page, form)
		if resp.StatusCode != 422 {
			t.Fatalf("ambiguous start: status %d, want 422", resp.StatusCode)
		}
		body = strings.ReplaceAll(body, "&#43;", "+")
		for _, want := range []string{"There is a problem", `href="#starts_at"`, "Which 01:30 on 31 October 2027?",
			`name="starts_at_offset" value="+01:00"`, "01:30 BST (UTC+01:00)", `name="starts_at_offset" value="+00:00"`, "01:30 GMT (UTC+00:00)"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if _, dash := b.get("/dashboard"); strings.Contains(dash, "Die-in at Central Station") {
			t.Fatalf("an ambiguous start created an event")
		}
		for _, tc := range []struct{ offset, stored, shown string }{
			{"+00:00", "2027-10-31T01:30:00Z", "01:30–02:15 GMT"},
			{"+01:00", "2027-10-31T00:30:00Z", "01:30 BST–02:15 GMT"},
		} {
			form.Set("starts_at_offset", tc.offset)
			resp, body = b.post(page, page, form)
			if resp.StatusCode != 303 {
				t.Fatalf("offset %s: status %d: %.300s", tc.offset, resp.StatusCode, body)
			}
			slug := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/events/"), "/edit")
			e, _ := st.FindEventBySlug(ctx, slug)
			if got := e.StartsAt.UTC().Format(time.RFC3339); got != tc.stored {
				t.Fatalf("offset %s stored %s, want %s", tc.offset, got, tc.stored)
			}
			_, body = b.get("/events/" + slug + "/preview")
			if !strings.Contains(body, tc.shown) {
				t.Errorf("offset %s: preview does not show %q", tc.offset, tc.shown)
			}
			// The edit form keeps the choice, so saving again keeps the instant.
			_, body = b.get("/events/" + slug + "/edit")
			body = strings.ReplaceAll(body, "&#43;", "+")
			if !regexp.MustCompile(`name="starts_at_offset" value="\` + tc.offset + `" checked`).MatchString(body) {
				t.Errorf("offset %s: edit form does not keep the choice", tc.offset)
			}
		}
	})
}

// TestAPIRepeatedHourNeedsOffset: over the API a local time in the repeated
// hour is a 422 on its field naming both choices; with an offset it is taken.
func TestAPIRepeatedHourNeedsOffset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		tok := seedOrganiser(t, st, "ada@example.org", "riverside")
		body := func(start string) string {
			return `{"title":"Night vigil","timezone":"Europe/London","starts_at":"` + start + `","ends_at":"2027-10-31T03:00"}`
		}
		resp, got := do(t, app, apiRequest("POST", "/api/v1/groups/riverside/events", tok, body("2027-10-31T01:30")))
		if resp.StatusCode != 422 {
			t.Fatalf("no offset: status %d: %s", resp.StatusCode, got)
		}
		var problem struct {
			Error struct {
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}
		_ = json.Unmarshal([]byte(got), &problem)
		msg := problem.Error.Fields["starts_at"]
		for _, want := range []string{"BST (UTC+01:00)", "GMT (UTC+00:00)", "2027-10-31T01:30:00+01:00", "2027-10-31T01:30:00+00:00"} {
			if !strings.Contains(msg, want) {
				t.Errorf("starts_at message %q lacks %q (body %s)", msg, want, got)
			}
		}
		resp, got = do(t, app, apiRequest("POST", "/api/v1/groups/riverside/events", tok, body("2027-10-31T01:30:00+01:00")))
		if resp.StatusCode != 201 || !strings.Contains(got, `"starts_at":"2027-10-31T01:30:00+01:00"`) {
			t.Fatalf("with offset: status %d: %s", resp.StatusCode, got)
		}
	})
}

// TestEventFormRSVPSettings: guests per RSVP and the RSVP closing time are
// in the form, saved and shown again.
func TestEventFormRSVPSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "ada@example.org", "riverside")
		b := newBrowser(t, app)
		b.login("ada@example.org", testPassword)
		form := eventFormValues()
		form.Set("max_guests", "2")
		form.Set("rsvp_closes_at", "2031-03-21T18:00")
		slug := createDraft(t, b, form)
		e, _ := st.FindEventBySlug(ctx, slug)
		if e.MaxGuests != 2 || e.RSVPClosesAt == nil || e.RSVPClosesAt.UTC().Format(time.RFC3339) != "2031-03-21T17:00:00Z" {
			t.Fatalf("stored max_guests %d, rsvp_closes_at %v", e.MaxGuests, e.RSVPClosesAt)
		}
		_, body := b.get("/events/" + slug + "/edit")
		if !strings.Contains(body, `id="max_guests" name="max_guests" inputmode="numeric" value="2"`) || !strings.Contains(body, `value="2031-03-21T18:00"`) {
			t.Errorf("edit form does not show the RSVP settings")
		}
		edit := "/events/" + slug + "/edit"
		form.Set("max_guests", "51")
		form.Set("title", "")
		resp, body := b.post(edit, edit, form)
		if resp.StatusCode != 422 {
			t.Fatalf("51 guests: status %d", resp.StatusCode)
		}
		// The summary lists the errors in the order of the fields, each a link.
		ti, gi := strings.Index(body, `<a href="#title">`), strings.Index(body, `<a href="#max_guests">`)
		if ti < 0 || gi < 0 || ti > gi || !strings.Contains(body, "There is a problem") {
			t.Errorf("error summary: title link at %d, max_guests link at %d", ti, gi)
		}
		if e, _ := st.FindEventBySlug(ctx, slug); e.MaxGuests != 2 {
			t.Errorf("bad input changed max_guests to %d", e.MaxGuests)
		}
		form.Set("title", "Die-in")
		form.Set("max_guests", "")
		form.Set("rsvp_closes_at", "")
		resp, _ = b.post(edit, edit, form)
		slug = strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/events/"), "/edit")
		if e, err := st.FindEventBySlug(ctx, slug); err != nil || e.RSVPClosesAt != nil || e.MaxGuests != 2 {
			t.Errorf("emptied: rsvp_closes_at %v, max_guests %d", e.RSVPClosesAt, e.MaxGuests)
		}
	})
}

// TestEventFormZonesAndPreview: every zone where people live is offered,
// grouped by region with the group's zone first; the preview shows the RSVP
// form supporters will see, switched off.
func TestEventFormZonesAndPreview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "ada@example.org", "riverside")
		b := newBrowser(t, app)
		b.login("ada@example.org", testPassword)
		_, body := b.get("/groups/riverside/events/new")
		if n := strings.Count(body, "<option value=\""); n < 400 {
			t.Errorf("%d options, want every inhabited zone (400 or more)", n)
		}
		first := regexp.MustCompile(`<select id="timezone"[^>]*>\s*<option value="([^"]+)" selected>`).FindStringSubmatch(body)
		if first == nil || first[1] != "Europe/London" {
			t.Errorf("first zone option %v, want the group's Europe/London, selected", first)
		}
		for _, want := range []string{`<optgroup label="Europe">`, `<option value="Europe/Jersey">Jersey</option>`,
			`<option value="America/Argentina/Buenos_Aires">Argentina/Buenos Aires</option>`, `<optgroup label="Pacific">`} {
			if !strings.Contains(body, want) {
				t.Errorf("zone select lacks %s", want)
			}
		}
		slug := createDraft(t, b, eventFormValues())
		_, body = b.get("/events/" + slug + "/preview")
		for _, want := range []string{"will see this form once you publish the event", `<fieldset disabled class="inert">`, `id="rsvp-name"`, "Send RSVP"} {
			if !strings.Contains(body, want) {
				t.Errorf("preview lacks %q", want)
			}
		}
	})
}
