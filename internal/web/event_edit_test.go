package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// eventFormValues is a valid event form.
func eventFormValues() url.Values {
	return url.Values{"title": {"Die-in at Central Station"}, "kind": {"die-in"}, "summary": {"Solidarity with refugees."},
		"description": {"We lie down for **those who drowned**."}, "starts_at": {"2031-03-22T13:00"}, "ends_at": {"2031-03-22T15:00"},
		"timezone": {"Europe/Berlin"}, "venue": {"Central Station"}, "address": {"Platz 1"}, "online_url": {""},
		"accessibility": {"Step-free"}, "capacity": {"200"}, "status": {"published"},
		"articles.0.url": {"https://example.org/why"}, "articles.0.title": {"Why we lie down"}, "articles.0.position": {"2"},
		"articles.1.url": {"https://example.org/report"}, "articles.1.title": {"The report"}, "articles.1.position": {"1"}}
}

func TestEventFormErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "ada@example.org", "riverside")
		b := newBrowser(t, app)
		b.login("ada@example.org", testPassword)
		page := "/groups/riverside/events/new"
		tests := []struct {
			name, field, value, message string
		}{
			{"ErrEndBeforeStart", "ends_at", "2031-03-22T12:00", "The end must be after the start."},
			{"ErrDSTGap", "starts_at", "2031-03-30T02:30", "does not exist in Europe/Berlin"},
			{"ErrCapacityText", "capacity", "lots", "whole number"},
			{"ErrCapacityZero", "capacity", "0", "Capacity must be"},
			{"ErrOnlineURLScheme", "online_url", "javascript:alert(1)", "http:// or https://"},
			{"ErrTitleEmpty", "title", "  ", "title"},
			{"ErrBadZone", "timezone", "Mars/Olympus", "Choose a time zone"},
			{"ErrArticleURL", "articles.0.url", "ftp://example.org/x", "http:// or https://"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				form := eventFormValues()
				form.Set(tc.field, tc.value)
				if tc.name == "ErrArticleURL" {
					form.Set("articles.1.url", "")
				}
				resp, body := b.post(page, page, form)
				if resp.StatusCode != 422 {
					t.Fatalf("status %d, want 422", resp.StatusCode)
				}
				id := strings.ReplaceAll(tc.field, ".", "-")
				if !regexp.MustCompile(`id="`+id+`-error">[^<]*`).MatchString(body) || !strings.Contains(body, `aria-describedby="`) {
					t.Errorf("no message linked to %s", tc.field)
				}
				if !strings.Contains(strings.ToLower(body), strings.ToLower(tc.message)) {
					t.Errorf("body lacks %q", tc.message)
				}
				if !strings.Contains(body, `value="Die-in at Central Station"`) && tc.field != "title" {
					t.Error("the typed title is not shown again")
				}
				events, _ := st.FindGroupEvents(context.Background(), groupID(t, st, "riverside"))
				if len(events) != 0 {
					t.Fatalf("an event was stored from invalid input")
				}
			})
		}
	})
}

func groupID(t testing.TB, st *store.Store, slug string) int64 {
	t.Helper()
	g, err := st.FindGroupBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return g.ID
}

func TestEventLifecycleInBrowser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "ada@example.org", "riverside")
		b := newBrowser(t, app)
		b.login("ada@example.org", testPassword)

		page := "/groups/riverside/events/new"
		resp, body := b.get(page)
		if resp.StatusCode != 200 || !strings.Contains(body, `<option value="Europe/London" selected>`) {
			t.Fatalf("new event form: status %d, zone not defaulted to the group's", resp.StatusCode)
		}
		resp, _ = b.post(page, page, eventFormValues())
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: status %d", resp.StatusCode)
		}
		edit := resp.Header.Get("Location")
		slug := strings.TrimSuffix(strings.TrimPrefix(edit, "/events/"), "/edit")
		e, err := st.FindEventBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != "published" || len(e.Articles) != 2 || e.Articles[0].Title != "The report" || e.Timezone != "Europe/Berlin" {
			t.Fatalf("stored %+v with %d articles", e, len(e.Articles))
		}
		if got := e.LocalStart().Format(turnout.LocalLayout); got != "2031-03-22T13:00" {
			t.Errorf("start %s", got)
		}
		_, body = b.get(edit)
		if !strings.Contains(body, "Published. The event is now public.") || !strings.Contains(body, `value="2031-03-22T13:00"`) {
			t.Errorf("edit page lacks the flash or the local time")
		}

		// A non-material edit keeps the sequence; a material one bumps it and keeps the slug.
		form := eventFormValues()
		form.Set("accessibility", "Step-free, seating")
		b.post(edit, edit, form)
		if e2, _ := st.FindEventBySlug(ctx, slug); e2.Sequence != e.Sequence || e2.Accessibility != "Step-free, seating" {
			t.Fatalf("non-material edit: sequence %d -> %d", e.Sequence, e2.Sequence)
		}
		form.Set("title", "Die-in at the main station")
		form.Set("starts_at", "2031-03-22T14:00")
		form.Set("articles.0.remove", "1")
		resp, _ = b.post(edit, edit, form)
		if resp.Header.Get("Location") != edit {
			t.Fatalf("material edit redirected to %q: the slug of a published event changed", resp.Header.Get("Location"))
		}
		e3, _ := st.FindEventBySlug(ctx, slug)
		if e3.Sequence != e.Sequence+1 || e3.Title != "Die-in at the main station" || len(e3.Articles) != 1 || !e3.UpdatedAt.After(e.UpdatedAt) {
			t.Fatalf("material edit: sequence %d, title %q, %d articles", e3.Sequence, e3.Title, len(e3.Articles))
		}

		// Duplicate: a draft a week later with the same articles.
		resp, _ = b.post(edit, "/events/"+slug+"/duplicate", nil)
		dupSlug := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/events/"), "/edit")
		dup, err := st.FindEventBySlug(ctx, dupSlug)
		if err != nil || dup.Status != "draft" || dup.LocalStart().Format(turnout.LocalLayout) != "2031-03-29T14:00" || len(dup.Articles) != 1 {
			t.Fatalf("duplicate %q: %+v %v", dupSlug, dup, err)
		}
		if resp, _ := b.get("/events/" + dupSlug + "/preview"); resp.StatusCode != 200 {
			t.Fatalf("preview of draft: status %d", resp.StatusCode)
		}
		if resp, _ := b.get("/events/" + dupSlug); resp.StatusCode != 404 {
			t.Fatalf("public page of a draft: status %d", resp.StatusCode)
		}
		// Publish (which gives the draft its public slug) then back to
		// draft; delete the draft.
		resp, _ = b.post(edit, "/events/"+dupSlug+"/publish", nil)
		dupSlug = strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/events/"), "/edit")
		if d, err := st.FindEventBySlug(ctx, dupSlug); err != nil || d.Status != "published" || d.Slug != "die-in-at-the-main-station-2031-03-29" {
			t.Fatalf("publish: %+v %v", d, err)
		}
		b.post(edit, "/events/"+dupSlug+"/unpublish", nil)
		resp, _ = b.post(edit, "/events/"+dupSlug+"/delete", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete draft: status %d", resp.StatusCode)
		}
		if _, err := st.FindEventBySlug(ctx, dupSlug); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Fatalf("draft still there: %v", err)
		}

		// A published event cannot be deleted; it is cancelled with a reason instead.
		resp, _ = b.post(edit, "/events/"+slug+"/delete", nil)
		if resp.StatusCode != 409 {
			t.Fatalf("delete published: status %d", resp.StatusCode)
		}
		resp, body = b.post(edit, "/events/"+slug+"/cancel", url.Values{"reason": {"Bad \x00 reason"}})
		if resp.StatusCode != 422 || !strings.Contains(body, `id="reason-error"`) {
			t.Fatalf("bad reason: status %d", resp.StatusCode)
		}
		resp, _ = b.post(edit, "/events/"+slug+"/cancel", url.Values{"reason": {"Station closed by police order."}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("cancel: status %d", resp.StatusCode)
		}
		_, body = b.get("/events/" + slug)
		if !strings.Contains(body, "Station closed by police order.") || !strings.Contains(body, "The event is cancelled.") {
			t.Error("public page lacks the cancellation or the flash")
		}
	})
}
