package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestAnotherGroupCannotRewriteAnArticle: Bob, in another group, links the URL
// of the article Alice's published event uses, with his own words, as a draft,
// then publishes, edits and finally deletes his event. Nothing Alice's event
// shows changes at any step: event page, API, .ics, Atom, article page.
func TestAnotherGroupCannotRewriteAnArticle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)
		alice := seedOrganiser(t, st, "alice@example.org", "riverside")
		bob := seedOrganiser(t, st, "bob@example.org", "harbour")
		const aliceTitle, bobTitle = "The Grand Jury decision", "CANCELLED - march called off, stay home"
		resp, body := do(t, app, apiRequest("POST", "/api/v1/groups/riverside/events", alice, `{"title": "Vigil",
			"starts_at": "2031-06-01T20:00", "ends_at": "2031-06-01T21:00", "status": "published",
			"articles": [{"url": "https://example.org/jury", "title": "`+aliceTitle+`", "summary": "What the jury said.", "source": "Riverside News"}]}`))
		if resp.StatusCode != 201 {
			t.Fatalf("alice creates: %d %s", resp.StatusCode, body)
		}
		list, err := st.FindGroupEvents(ctx, groupID(t, st, "riverside"))
		if err != nil || len(list) != 1 {
			t.Fatalf("alice's events: %v %v", list, err)
		}
		vigil, err := st.FindEventBySlug(ctx, list[0].Slug)
		if err != nil {
			t.Fatal(err)
		}
		paths := []string{"/events/" + vigil.Slug, "/api/v1/events/" + vigil.Slug, "/events/" + vigil.Slug + ".ics",
			"/groups/riverside/events.atom", "/articles/" + vigil.Articles[0].PublicID}
		before := map[string]string{}
		check := func(step string) {
			t.Helper()
			for _, p := range paths {
				resp, body := do(t, app, httptest.NewRequest("GET", p, nil))
				if resp.StatusCode != 200 {
					t.Fatalf("%s: GET %s: status %d", step, p, resp.StatusCode)
				}
				if strings.Contains(body, "CANCELLED") || strings.Contains(body, "Bob") {
					t.Fatalf("%s: GET %s shows another group's words:\n%.3000s", step, p, body)
				}
				if b, ok := before[p]; ok && b != body {
					t.Fatalf("%s: GET %s changed:\n%s\n----\n%s", step, p, b, body)
				}
				before[p] = body
			}
			got, err := st.FindEventBySlug(ctx, vigil.Slug)
			if err != nil {
				t.Fatal(err)
			}
			if a := got.Articles[0]; len(got.Articles) != 1 || a.Title != aliceTitle || a.Summary != "What the jury said." ||
				a.Source != "Riverside News" || a.PublicID != vigil.Articles[0].PublicID {
				t.Fatalf("%s: alice's article is now %+v", step, a)
			}
		}
		check("before")

		bobArticles := `"articles": [{"url": "https://example.org/jury", "title": "` + bobTitle + `", "summary": "Bob's words", "source": "Bob"}]`
		resp, body = do(t, app, apiRequest("POST", "/api/v1/groups/harbour/events", bob, `{"title": "Counter",
			"starts_at": "2031-06-01T19:00", "ends_at": "2031-06-01T22:00", `+bobArticles+`}`))
		if resp.StatusCode != 201 {
			t.Fatalf("bob creates: %d %s", resp.StatusCode, body)
		}
		check("bob's draft")
		bobList, _ := st.FindGroupEvents(ctx, groupID(t, st, "harbour"))
		counter := bobList[0].Slug
		if resp, body := do(t, app, apiRequest("PATCH", "/api/v1/events/"+counter, bob, `{"status": "published", `+bobArticles+`}`)); resp.StatusCode != 200 {
			t.Fatalf("bob publishes: %d %s", resp.StatusCode, body)
		}
		pub, err := st.FindGroupEvents(ctx, groupID(t, st, "harbour"))
		if err != nil {
			t.Fatal(err)
		}
		counter = pub[0].Slug // publishing gave the draft its public slug
		check("bob published")
		if _, err := st.DuplicateEvent(ctx, bobList[0].ID, 0); err != nil {
			t.Fatal(err)
		}
		check("bob duplicated")
		if resp, body := do(t, app, apiRequest("PATCH", "/api/v1/events/"+counter, bob, `{"articles": []}`)); resp.StatusCode != 200 {
			t.Fatalf("bob unlinks: %d %s", resp.StatusCode, body)
		}
		check("bob unlinked")
	})
}

// TestDraftArticlesAnswerLikeMissing: the article page of an article only a
// draft links answers exactly as an id that never existed, and as an id of
// the wrong shape; ids are 128 random bits, not a sequence.
func TestDraftArticlesAnswerLikeMissing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "riverside")
		arts := []turnout.ArticleInput{{URL: "https://example.org/secret-plan", Title: "Our secret plan", Summary: "Not yet public."},
			{URL: "https://example.org/second", Title: "Second"}}
		draft := seedEvent(t, st, g.ID, "Surprise action", 48*3600e9, func(in *turnout.EventInput) {
			s := turnout.StatusDraft
			in.Status, in.Articles = &s, &arts
		})
		d, err := st.FindEventBySlug(ctx, draft.Slug)
		if err != nil || len(d.Articles) != 2 {
			t.Fatalf("draft %v: %v", d, err)
		}
		for _, a := range d.Articles {
			if !turnout.ValidArticleID(a.PublicID) || a.PublicID == fmt.Sprint(a.ID) {
				t.Fatalf("public id %q is not opaque", a.PublicID)
			}
		}
		if d.Articles[0].PublicID[:8] == d.Articles[1].PublicID[:8] {
			t.Fatalf("ids of one event share a prefix: %s %s", d.Articles[0].PublicID, d.Articles[1].PublicID)
		}
		_, missing := do(t, app, httptest.NewRequest("GET", "/articles/"+turnout.NewArticleID(), nil))
		for _, p := range []string{d.Articles[0].PublicID, d.Articles[1].PublicID, fmt.Sprint(d.Articles[0].ID), "1", strings.ToUpper(d.Articles[0].PublicID)} {
			resp, body := do(t, app, httptest.NewRequest("GET", "/articles/"+p, nil))
			if resp.StatusCode != 404 || body != missing {
				t.Fatalf("/articles/%s: status %d, body differs from a missing article: %v\n%.2000s", p, resp.StatusCode, body != missing, body)
			}
			if strings.Contains(body, "secret") {
				t.Fatal("the draft's article shows")
			}
		}
		// Published, the same ids answer.
		pub := turnout.StatusPublished
		if _, err := st.UpdateEvent(ctx, d.ID, turnout.EventInput{Status: &pub}); err != nil {
			t.Fatal(err)
		}
		if resp, body := do(t, app, httptest.NewRequest("GET", "/articles/"+d.Articles[0].PublicID, nil)); resp.StatusCode != 200 || !strings.Contains(body, "Our secret plan") {
			t.Fatalf("published article: status %d", resp.StatusCode)
		}
	})
}

// TestAPIArticleCap: the API takes at most turnout.MaxArticles articles per
// event, as the form does; a PATCH with 20,000 is a 422 that changes nothing.
func TestAPIArticleCap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)
		g, tok := seedGroup(t, st, "riverside")
		e := seedEvent(t, st, g.ID, "Picket", 48*3600e9, nil)
		list := func(n int) string {
			items := make([]string, n)
			for i := range items {
				items[i] = fmt.Sprintf(`{"url":"https://e.org/%d","title":"A"}`, i) // 20,000 fit in the 1 MiB body limit
			}
			return `{"title": "Changed", "articles": [` + strings.Join(items, ",") + `]}`
		}
		for _, n := range []int{20000, turnout.MaxArticles + 1} {
			resp, body := do(t, app, apiRequest("PATCH", "/api/v1/events/"+e.Slug, tok, list(n)))
			if resp.StatusCode != 422 || !strings.Contains(body, `"articles"`) {
				t.Fatalf("%d articles: status %d %.300s", n, resp.StatusCode, body)
			}
			got, err := st.FindEventBySlug(ctx, e.Slug)
			if err != nil || got.Title != "Picket" || len(got.Articles) != 0 || got.UpdatedAt != e.UpdatedAt && !got.UpdatedAt.Equal(e.UpdatedAt) {
				t.Fatalf("%d articles changed the event: %v %v", n, got, err)
			}
		}
		if resp, body := do(t, app, apiRequest("PATCH", "/api/v1/events/"+e.Slug, tok, list(turnout.MaxArticles))); resp.StatusCode != 200 {
			t.Fatalf("%d articles: status %d %.300s", turnout.MaxArticles, resp.StatusCode, body)
		}
		if got, _ := st.FindEventBySlug(ctx, e.Slug); len(got.Articles) != turnout.MaxArticles {
			t.Fatalf("stored %d articles", len(got.Articles))
		}
	})
}
