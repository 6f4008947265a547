package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/turnout-org/turnout/internal/turnout"
)

// TestFindFeedEventsQueryCount: groups and articles load in one query each,
// whatever the number of events (no N+1).
func TestFindFeedEventsQueryCount(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for g := 0; g < 3; g++ {
		slug := fmt.Sprintf("group-%d", g)
		if _, err := st.AddOrganiser(ctx, turnout.OrganiserInput{Email: slug + "@example.org", Name: "O", GroupSlug: slug, Timezone: "Europe/London"}); err != nil {
			t.Fatal(err)
		}
		grp, err := st.FindGroupBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 10; i++ {
			title, status := fmt.Sprintf("Event %d-%d", g, i), turnout.StatusPublished
			start := now.Add(time.Duration(i*24-100) * time.Hour).Format(time.RFC3339)
			end := now.Add(time.Duration(i*24-98) * time.Hour).Format(time.RFC3339)
			arts := []turnout.ArticleInput{{URL: fmt.Sprintf("https://news.example/%d/%d", g, i), Title: "Why"}}
			if _, err := st.CreateEvent(ctx, grp.ID, turnout.EventInput{Title: &title, StartsAt: &start, EndsAt: &end, Status: &status, Articles: &arts}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var queries atomic.Int64
	count := func(*gorm.DB) { queries.Add(1) }
	if err := st.db.Callback().Query().After("gorm:query").Register("count_feed_queries", count); err != nil {
		t.Fatal(err)
	}
	if err := st.db.Callback().Row().After("gorm:row").Register("count_feed_rows", count); err != nil {
		t.Fatal(err)
	}
	events, err := st.FindFeedEvents(ctx, turnout.FeedQuery{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 30 {
		t.Fatalf("%d events, want 30", len(events))
	}
	for _, e := range events {
		if e.Group == nil || len(e.Articles) != 1 {
			t.Fatalf("%s: group %v, %d articles", e.Title, e.Group, len(e.Articles))
		}
	}
	// Upcoming, past, groups, articles, pictures (none here; their files
	// would be one more query for all events).
	if n := queries.Load(); n != 5 {
		t.Errorf("%d queries for 30 events in 3 groups, want 5", n)
	}
}
