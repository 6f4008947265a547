package store_test

import (
	"context"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestMigrationGivesEachEventItsOwnArticles: migration 60 turns one shared
// article row per URL into a row per linking event, with the shared words,
// the event's order and a fresh opaque public id each; its down migration
// folds them back into one row per URL.
func TestMigrationGivesEachEventItsOwnArticles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, b := newGroup(t, st, "a@example.org", "alpha"), newGroup(t, st, "b@example.org", "beta")
		create := func(groupID int64, title string, arts ...turnout.ArticleInput) *turnout.Event {
			t.Helper()
			e, err := st.CreateEvent(ctx, groupID, turnout.EventInput{Title: str(title), StartsAt: str("2031-04-01T08:00"),
				EndsAt: str("2031-04-01T10:00"), Status: str(turnout.StatusPublished), Articles: &arts})
			if err != nil {
				t.Fatal(err)
			}
			return e
		}
		jury := turnout.ArticleInput{URL: "https://example.org/jury", Title: "The jury", Summary: "What it said.", Source: "News"}
		letter := turnout.ArticleInput{URL: "https://example.org/letter", Title: "Open letter"}
		e1 := create(a.ID, "Vigil", letter, jury)
		e2 := create(b.ID, "March", jury)
		if err := st.MigrateTo(ctx, 50); err != nil {
			t.Fatalf("down to 50: %v", err)
		}
		var shared, links int64
		if err := st.SQLDB().QueryRowContext(ctx, "SELECT count(*) FROM articles").Scan(&shared); err != nil {
			t.Fatal(err)
		}
		if err := st.SQLDB().QueryRowContext(ctx, "SELECT count(*) FROM event_articles").Scan(&links); err != nil {
			t.Fatal(err)
		}
		if shared != 2 || links != 3 {
			t.Fatalf("after down: %d shared articles, %d links; want 2 and 3", shared, links)
		}
		if _, err := st.SQLDB().ExecContext(ctx, "UPDATE articles SET title = 'The jury, shared' WHERE url = 'https://example.org/jury'"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatalf("up again: %v", err)
		}
		ids := map[string]bool{}
		for _, want := range []struct {
			slug   string
			titles []string
		}{{e1.Slug, []string{"Open letter", "The jury, shared"}}, {e2.Slug, []string{"The jury, shared"}}} {
			e, err := st.FindEventBySlug(ctx, want.slug)
			if err != nil {
				t.Fatal(err)
			}
			if len(e.Articles) != len(want.titles) {
				t.Fatalf("%s: %d articles, want %d", want.slug, len(e.Articles), len(want.titles))
			}
			for i, art := range e.Articles {
				if art.Title != want.titles[i] || !turnout.ValidArticleID(art.PublicID) || ids[art.PublicID] {
					t.Fatalf("%s article %d: %+v", want.slug, i, art)
				}
				if art.URL == jury.URL && (art.Summary != jury.Summary || art.Source != jury.Source) {
					t.Fatalf("%s: jury lost its words: %+v", want.slug, art)
				}
				ids[art.PublicID] = true
			}
		}
	})
}
