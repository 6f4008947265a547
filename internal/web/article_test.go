package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

func articleServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><head><meta property="og:title" content="Migrant workers organise">
<meta property="og:description" content="A union of cleaners wins."><meta property="og:site_name" content="Union News"></head></html>`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestFillFromURL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		srv := articleServer(t)
		for _, allow := range []bool{true, false} {
			t.Run("AllowPrivate="+strconv.FormatBool(allow), func(t *testing.T) {
				cfg := testConfig(t)
				cfg.AllowPrivateFetch = allow
				app := newTestApp(t, cfg, st)
				seedOrganiser(t, st, "ada@example.org", "riverside")
				b := newBrowser(t, app)
				b.login("ada@example.org", testPassword)
				page := "/groups/riverside/events/new"
				form := url.Values{"title": {"Picket"}, "articles.0.url": {srv.URL + "/cleaners"}, "fill": {"0"}}
				resp, body := b.post(page, page, form)
				if resp.StatusCode != 200 {
					t.Fatalf("status %d", resp.StatusCode)
				}
				if allow {
					if !strings.Contains(body, `value="Migrant workers organise"`) || !strings.Contains(body, "Union News") || !strings.Contains(body, `value="Picket"`) {
						t.Fatalf("form not filled: %.2000s", body)
					}
				} else if !strings.Contains(body, `id="articles-0-url-error"`) || !strings.Contains(body, "private or local networks") {
					t.Fatalf("no friendly message beside the URL")
				}
				if events, _ := st.FindGroupEvents(context.Background(), groupID(t, st, "riverside")); len(events) != 0 {
					t.Fatal("filling saved an event")
				}
			})
		}
	})
}

// TestArticlePageListsTheGroupsEventsLinkingTheURL: /articles/{public id}
// shows the article as its event words it and the listed events of that
// group that link the same URL; another group's event linking the URL is not
// listed, and removing the link through the form takes the event off.
func TestArticlePageListsTheGroupsEventsLinkingTheURL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)
		tok := seedOrganiser(t, st, "ada@example.org", "riverside")
		otherTok := seedOrganiser(t, st, "bo@example.org", "harbour")
		body1 := `{"title": "Vigil", "starts_at": "2031-06-01T20:00", "ends_at": "2031-06-01T21:00", "status": "published",
			"articles": [{"url": "https://example.org/jury", "title": "The Grand Jury decision"}, {"url": "https://example.org/letter", "title": "Open letter"}]}`
		body2 := `{"title": "March", "starts_at": "2031-06-08T12:00", "ends_at": "2031-06-08T15:00", "status": "published",
			"articles": [{"url": "https://example.org/jury", "title": "The Grand Jury decision"}]}`
		body3 := `{"title": "Harbour rally", "starts_at": "2031-06-09T12:00", "ends_at": "2031-06-09T15:00", "status": "published",
			"articles": [{"url": "https://example.org/jury", "title": "The Grand Jury decision"}]}`
		for _, c := range []struct{ group, token, body string }{{"riverside", tok, body1}, {"riverside", tok, body2}, {"harbour", otherTok, body3}} {
			if resp, body := do(t, app, apiRequest("POST", "/api/v1/groups/"+c.group+"/events", c.token, c.body)); resp.StatusCode != 201 {
				t.Fatalf("create: %d %s", resp.StatusCode, body)
			}
		}
		list, _ := st.FindGroupEvents(ctx, groupID(t, st, "riverside"))
		e, err := st.FindEventBySlug(ctx, list[1].Slug)
		if err != nil || e.Title != "Vigil" || len(e.Articles) != 2 {
			t.Fatalf("event %v: %v", e, err)
		}
		jury := e.Articles[0]
		resp, page := do(t, app, httptest.NewRequest("GET", "/articles/"+jury.PublicID, nil))
		if resp.StatusCode != 200 || !strings.Contains(page, "Vigil") || !strings.Contains(page, "March") || strings.Contains(page, "Harbour rally") {
			t.Fatalf("article page: status %d %.3000s", resp.StatusCode, page)
		}
		_, eventPage := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil))
		if !strings.Contains(eventPage, `href="/articles/`+jury.PublicID+`"`) {
			t.Fatal("the event page does not link the article page by its public id")
		}
		// Reorder and remove through the form.
		b := newBrowser(t, app)
		b.login("ada@example.org", testPassword)
		edit := "/events/" + e.Slug + "/edit"
		form := eventFormOf(e).values()
		form.Set("articles.0.position", "2")
		form.Set("articles.1.position", "1")
		if resp, _ := b.post(edit, edit, form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reorder: status %d", resp.StatusCode)
		}
		e2, _ := st.FindEventBySlug(ctx, e.Slug)
		if len(e2.Articles) != 2 || e2.Articles[0].Title != "Open letter" || e2.Articles[1].PublicID != jury.PublicID {
			t.Fatalf("order after reorder: %+v %+v", e2.Articles[0], e2.Articles[1])
		}
		form = eventFormOf(e2).values()
		form.Set("articles.1.remove", "1")
		b.post(edit, edit, form)
		e3, _ := st.FindEventBySlug(ctx, e.Slug)
		if len(e3.Articles) != 1 || e3.Articles[0].Title != "Open letter" {
			t.Fatalf("after remove: %v", e3.Articles)
		}
		// The unlinked row is gone; March's own row still lists March.
		if resp, _ := do(t, app, httptest.NewRequest("GET", "/articles/"+jury.PublicID, nil)); resp.StatusCode != 404 {
			t.Fatalf("removed article: status %d", resp.StatusCode)
		}
		march, _ := st.FindEventBySlug(ctx, list[0].Slug)
		_, page = do(t, app, httptest.NewRequest("GET", "/articles/"+march.Articles[0].PublicID, nil))
		if strings.Contains(page, "Vigil") || !strings.Contains(page, "March") {
			t.Fatal("article page does not follow the unlinking")
		}
	})
}

// values is the form as a browser would post it.
func (f eventForm) values() url.Values {
	v := url.Values{"title": {f.Title}, "kind": {f.Kind}, "summary": {f.Summary}, "description": {f.Description},
		"starts_at": {f.StartsAt}, "ends_at": {f.EndsAt}, "timezone": {f.Timezone}, "venue": {f.Venue}, "address": {f.Address},
		"online_url": {f.OnlineURL}, "accessibility": {f.Accessibility}, "capacity": {f.Capacity}, "status": {f.Status}}
	if f.RequireEmail {
		v.Set("require_email", "true")
	}
	for i, a := range f.Articles {
		p := "articles." + strconv.Itoa(i) + "."
		v.Set(p+"url", a.URL)
		v.Set(p+"title", a.Title)
		v.Set(p+"summary", a.Summary)
		v.Set(p+"source", a.Source)
		v.Set(p+"position", a.Position)
	}
	return v
}
