package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

func TestFindFeedEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		a, b := addGroup(t, st, "alpha"), addGroup(t, st, "beta")
		soon := addEvent(t, st, a, "Soon", turnout.KindMarch, now.Add(24*time.Hour), turnout.StatusPublished)
		later := addEvent(t, st, a, "Later", turnout.KindVigil, now.Add(48*time.Hour), turnout.StatusPublished)
		running := addEvent(t, st, a, "Running now", turnout.KindRally, now.Add(-time.Hour), turnout.StatusPublished)
		recent := addEvent(t, st, a, "Ended ten days ago", turnout.KindMarch, now.Add(-10*24*time.Hour), turnout.StatusPublished)
		older := addEvent(t, st, a, "Ended twenty days ago", turnout.KindMarch, now.Add(-20*24*time.Hour), turnout.StatusPublished)
		addEvent(t, st, a, "Ended 31 days ago", turnout.KindMarch, now.Add(-31*24*time.Hour), turnout.StatusPublished)
		addEvent(t, st, a, "Draft", turnout.KindMarch, now.Add(24*time.Hour), turnout.StatusDraft)
		other := addEvent(t, st, b, "Other group", turnout.KindMarch, now.Add(36*time.Hour), turnout.StatusPublished)
		if _, err := st.CancelEvent(ctx, later.ID, "Rain"); err != nil {
			t.Fatal(err)
		}
		title, url := "Why we march", "https://news.example/why"
		start, end := now.Add(24*time.Hour).Format(time.RFC3339), now.Add(26*time.Hour).Format(time.RFC3339)
		arts := []turnout.ArticleInput{{URL: url, Title: title}, {URL: url + "-2", Title: title + " 2"}}
		withArts, err := st.CreateEvent(ctx, b.ID, turnout.EventInput{Title: &title, StartsAt: &start, EndsAt: &end, Status: turnout.Of(turnout.StatusPublished).Value, Articles: &arts})
		if err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			name string
			q    turnout.FeedQuery
			want []*turnout.Event
		}{
			{"Group", turnout.FeedQuery{GroupID: a.ID}, []*turnout.Event{running, soon, later, recent, older}},
			{"Site", turnout.FeedQuery{}, []*turnout.Event{running, soon, withArts, other, later, recent, older}},
			{"Kinds", turnout.FeedQuery{GroupID: a.ID, Kinds: []string{turnout.KindMarch}}, []*turnout.Event{soon, recent, older}},
			{"LimitKeepsNearest", turnout.FeedQuery{GroupID: a.ID, Limit: 4}, []*turnout.Event{running, soon, later, recent}},
			{"LimitUpcomingOnly", turnout.FeedQuery{GroupID: a.ID, Limit: 2}, []*turnout.Event{running, soon}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				tc.q.Now = now
				got, err := st.FindFeedEvents(ctx, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				var gotT, wantT []string
				for _, e := range got {
					gotT = append(gotT, e.Title)
					if e.Group == nil || e.Group.ID != e.GroupID {
						t.Errorf("%s: group not loaded", e.Title)
					}
				}
				for _, e := range tc.want {
					wantT = append(wantT, e.Title)
				}
				if strings.Join(gotT, "|") != strings.Join(wantT, "|") {
					t.Errorf("got  %q\nwant %q", gotT, wantT)
				}
			})
		}
		got, err := st.FindFeedEvents(ctx, turnout.FeedQuery{GroupID: b.ID, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range got {
			if e.ID == withArts.ID && (len(e.Articles) != 2 || e.Articles[0].Title != title || e.Articles[1].URL != url+"-2") {
				t.Errorf("articles of %s: %+v", e.Title, e.Articles)
			}
			if e.ID == other.ID && len(e.Articles) != 0 {
				t.Errorf("%s has %d articles of another event", e.Title, len(e.Articles))
			}
		}
	})
}

// TestFeedVersions: every write that changes an event moves the versions of
// its scopes, in the same transaction, and only those.
func TestFeedVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a, b := addGroup(t, st, "alpha"), addGroup(t, st, "beta")
		version := func(scope string) int64 {
			t.Helper()
			v, err := st.FindFeedVersion(ctx, scope)
			if err != nil {
				t.Fatal(err)
			}
			if v.Scope != scope || (v.Version > 0) == v.UpdatedAt.IsZero() {
				t.Fatalf("%s: %+v", scope, v)
			}
			return v.Version
		}
		if v := version("event:999"); v != 0 {
			t.Fatalf("unknown scope at version %d", v)
		}
		site, groupB := version("site"), version("group:"+itoa(b.ID))
		e := addEvent(t, st, a, "March", turnout.KindMarch, time.Now().Add(24*time.Hour), turnout.StatusPublished)
		scopes := turnout.FeedScopes(e)
		before := map[string]int64{}
		for _, s := range scopes {
			before[s] = version(s)
		}
		if before["site"] != site+1 || before[scopes[2]] != 1 || version("group:"+itoa(b.ID)) != groupB {
			t.Fatalf("after create: %v (site was %d)", before, site)
		}
		steps := []struct {
			name  string
			write func() error
		}{
			{"Cancel", func() error { _, err := st.CancelEvent(ctx, e.ID, "Rain"); return err }},
			{"GroupRename", func() error {
				name := "Alpha renamed"
				_, err := st.UpdateGroup(ctx, a.ID, turnout.GroupInput{Name: &name})
				return err
			}},
		}
		for _, step := range steps {
			if err := step.write(); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			for _, s := range scopes {
				if v := version(s); v <= before[s] {
					t.Errorf("%s: %s stayed at %d", step.name, s, v)
				} else {
					before[s] = v
				}
			}
		}
		if version("group:"+itoa(b.ID)) != groupB {
			t.Errorf("another group's feed version moved")
		}
		// A refused write changes nothing.
		if _, err := st.CancelEvent(ctx, e.ID, "again"); err == nil {
			t.Fatal("cancelled twice")
		}
		for _, s := range scopes {
			if v := version(s); v != before[s] {
				t.Errorf("refused cancel moved %s to %d", s, v)
			}
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestFindGroupFeedVersion checks the one-query group and version lookup of
// group feeds against FindFeedVersion.
func TestFindGroupFeedVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		g := addGroup(t, st, "versioned")
		check := func(step string) {
			t.Helper()
			got, v, err := st.FindGroupFeedVersion(ctx, "versioned")
			if err != nil {
				t.Fatal(err)
			}
			want, err := st.FindFeedVersion(ctx, v.Scope)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != g.ID || v.Scope != "group:"+strconv.FormatInt(g.ID, 10) || v.Version != want.Version || !v.UpdatedAt.Equal(want.UpdatedAt) {
				t.Fatalf("%s: got %+v %+v, want %+v", step, got, v, want)
			}
		}
		check("new group")
		e := addEvent(t, st, g, "Vigil", turnout.KindVigil, time.Now().Add(time.Hour), turnout.StatusPublished)
		check("after create")
		if _, err := st.CancelEvent(ctx, e.ID, "storm"); err != nil {
			t.Fatal(err)
		}
		check("after cancel")
		if _, _, err := st.FindGroupFeedVersion(ctx, "no-such-group"); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Fatalf("unknown group: %v", err)
		}
	})
}
