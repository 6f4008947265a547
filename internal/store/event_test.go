package store_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

func addGroup(t *testing.T, st *store.Store, slug string) *turnout.Group {
	t.Helper()
	ctx := context.Background()
	if _, err := st.AddOrganiser(ctx, turnout.OrganiserInput{Email: "o@" + slug + ".org", Name: "O", GroupSlug: slug, Timezone: "Europe/London"}); err != nil {
		t.Fatal(err)
	}
	g, err := st.FindGroupBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func addEvent(t *testing.T, st *store.Store, g *turnout.Group, title, kind string, start time.Time, status string) *turnout.Event {
	t.Helper()
	s, e := start.UTC().Format(time.RFC3339), start.Add(2*time.Hour).UTC().Format(time.RFC3339)
	ev, err := st.CreateEvent(context.Background(), g.ID, turnout.EventInput{Title: &title, Kind: &kind, StartsAt: &s, EndsAt: &e, Status: &status})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestFindEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		a, b := addGroup(t, st, "alpha"), addGroup(t, st, "beta")
		march := addEvent(t, st, a, "Big march for housing", turnout.KindMarch, now.Add(48*time.Hour), turnout.StatusPublished)
		vigil := addEvent(t, st, b, "Quiet vigil", turnout.KindVigil, now.Add(24*time.Hour), turnout.StatusPublished)
		addEvent(t, st, a, "Draft rally", turnout.KindRally, now.Add(24*time.Hour), turnout.StatusDraft)
		addEvent(t, st, a, "Past picket", turnout.KindPicket, now.Add(-72*time.Hour), turnout.StatusPublished)
		cancelled := addEvent(t, st, b, "100% called off_march", turnout.KindMarch, now.Add(96*time.Hour), turnout.StatusPublished)
		if _, err := st.CancelEvent(ctx, cancelled.ID, "Rain"); err != nil {
			t.Fatal(err)
		}
		slugs := func(f turnout.EventFilter) []string {
			t.Helper()
			f.EndsAfter = now
			evs, _, err := st.FindEvents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range evs {
				if e.Group == nil {
					t.Fatalf("event %s without group", e.Slug)
				}
				out = append(out, e.Slug)
			}
			return out
		}
		tests := []struct {
			name string
			f    turnout.EventFilter
			want []string
		}{
			{"Upcoming", turnout.EventFilter{}, []string{vigil.Slug, march.Slug, cancelled.Slug}},
			{"Group", turnout.EventFilter{GroupSlug: "alpha"}, []string{march.Slug}},
			{"Kinds", turnout.EventFilter{Kinds: []string{turnout.KindMarch}}, []string{march.Slug, cancelled.Slug}},
			{"QueryCaseInsensitive", turnout.EventFilter{Query: "HOUSING"}, []string{march.Slug}},
			{"QueryLikeMetacharacters", turnout.EventFilter{Query: "100%"}, []string{cancelled.Slug}},
			{"QueryUnderscoreLiteral", turnout.EventFilter{Query: "off_m"}, []string{cancelled.Slug}},
			{"To", turnout.EventFilter{To: ptr(now.Add(30 * time.Hour))}, []string{vigil.Slug}},
			{"From", turnout.EventFilter{From: ptr(now.Add(40 * time.Hour))}, []string{march.Slug, cancelled.Slug}},
			{"Page", turnout.EventFilter{Limit: 1, After: &turnout.Cursor{StartsAt: vigil.StartsAt, ID: vigil.ID}}, []string{march.Slug}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				if got := slugs(tc.f); strings.Join(got, " ") != strings.Join(tc.want, " ") {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			})
		}
		_, more, err := st.FindEvents(ctx, turnout.EventFilter{EndsAfter: now, Limit: 2})
		if err != nil || !more {
			t.Fatalf("more = %v, err %v", more, err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func TestCreateEvent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		g := addGroup(t, st, "gamma")
		start := time.Date(2030, 3, 9, 12, 0, 0, 0, time.UTC)
		e1 := addEvent(t, st, g, "Rally for Sanctuary!", turnout.KindRally, start, turnout.StatusPublished)
		e2 := addEvent(t, st, g, "Rally for sanctuary", turnout.KindRally, start, turnout.StatusPublished)
		if e1.Slug != "rally-for-sanctuary-2030-03-09" || !regexp.MustCompile(`^rally-for-sanctuary-2030-03-09-[a-z2-9]{6}$`).MatchString(e2.Slug) {
			t.Fatalf("slugs %q, %q", e1.Slug, e2.Slug)
		}
		if e1.UID == "" || e1.UID == e2.UID {
			t.Fatalf("uids %q %q", e1.UID, e2.UID)
		}
		got, err := st.FindEventBySlug(ctx, e1.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if !got.StartsAt.Equal(start) || got.StartsAt.Location() != time.UTC && got.StartsAt.UTC() != start {
			t.Fatalf("start %v, want %v", got.StartsAt, start)
		}
		if got.Group == nil || got.Group.Slug != "gamma" || got.Timezone != "Europe/London" {
			t.Fatalf("group %+v zone %q", got.Group, got.Timezone)
		}

		// Each event keeps its own words for a URL, in order.
		title, s, e := "With reading", "2030-04-01T10:00", "2030-04-01T11:00"
		arts := []turnout.ArticleInput{{URL: "https://example.org/b", Title: "B"}, {URL: "https://example.org/a", Title: "A", Source: "Zine"}}
		e3, err := st.CreateEvent(ctx, g.ID, turnout.EventInput{Title: &title, StartsAt: &s, EndsAt: &e, Articles: &arts})
		if err != nil {
			t.Fatal(err)
		}
		arts2 := []turnout.ArticleInput{{URL: "https://example.org/a", Title: "A (updated)"}}
		title2 := "Second reading"
		e4, err := st.CreateEvent(ctx, g.ID, turnout.EventInput{Title: &title2, StartsAt: &s, EndsAt: &e, Articles: &arts2})
		if err != nil {
			t.Fatal(err)
		}
		got3, _ := st.FindEventBySlug(ctx, e3.Slug)
		got4, _ := st.FindEventBySlug(ctx, e4.Slug)
		if len(got3.Articles) != 2 || got3.Articles[0].URL != "https://example.org/b" || got3.Articles[1].Title != "A" ||
			got3.Articles[1].Source != "Zine" {
			t.Fatalf("articles of e3: %+v %+v", got3.Articles[0], got3.Articles[1])
		}
		if len(got4.Articles) != 1 || got4.Articles[0].Title != "A (updated)" || got4.Articles[0].PublicID == got3.Articles[1].PublicID ||
			!turnout.ValidArticleID(got4.Articles[0].PublicID) {
			t.Fatalf("articles of e4: %+v", got4.Articles[0])
		}

		// Bad input changes nothing.
		bad := "x"
		if _, err := st.CreateEvent(ctx, g.ID, turnout.EventInput{Title: &bad, StartsAt: &e, EndsAt: &s}); turnout.ErrorCode(err) != turnout.EINVALID {
			t.Fatalf("end before start: %v", err)
		}
		evs, _, _ := st.FindEvents(ctx, turnout.EventFilter{GroupSlug: "gamma", Limit: 100})
		if len(evs) != 2 { // e3 and e4 are drafts
			t.Fatalf("%d listed events", len(evs))
		}
		if _, err := st.FindEventBySlug(ctx, "../etc/passwd"); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Fatalf("path slug: %v", err)
		}
	})
}

func TestCancelEvent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		g := addGroup(t, st, "delta")
		e := addEvent(t, st, g, "Picket", turnout.KindPicket, time.Now().Add(time.Hour), turnout.StatusPublished)
		c, err := st.CancelEvent(ctx, e.ID, "Police kettle expected; regroup next week.")
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != turnout.StatusCancelled || c.Sequence != e.Sequence+1 || c.CancelledAt == nil || !c.UpdatedAt.After(e.UpdatedAt) && !c.UpdatedAt.Equal(e.UpdatedAt) {
			t.Fatalf("cancelled %+v", c)
		}
		if _, err := st.CancelEvent(ctx, e.ID, "again"); turnout.ErrorCode(err) != turnout.ECONFLICT {
			t.Fatalf("second cancel: %v", err)
		}
		if _, err := st.CancelEvent(ctx, 999999, "x"); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Fatalf("unknown: %v", err)
		}
	})
}

func TestAddOrganiser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		tok1, err := st.AddOrganiser(ctx, turnout.OrganiserInput{Email: "Sam@Example.org", Name: "Sam", GroupSlug: "eps", GroupName: "Epsilon", Password: "long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		tok2, err := st.AddOrganiser(ctx, turnout.OrganiserInput{Email: "sam@EXAMPLE.org", Name: "Sam", GroupSlug: "eps"})
		if err != nil {
			t.Fatal(err)
		}
		if len(tok1) < 22 || tok1 == tok2 {
			t.Fatalf("tokens %q %q", tok1, tok2)
		}
		a1, err := st.FindAccountByToken(ctx, tok1)
		if err != nil {
			t.Fatal(err)
		}
		a2, err := st.FindAccountByToken(ctx, tok2)
		if err != nil || a1.ID != a2.ID {
			t.Fatalf("same email made two accounts: %v %v %v", a1, a2, err)
		}
		if ok, _ := turnout.CheckPassword(ctx, a1.PasswordHash, "long enough password"); !ok {
			t.Fatal("password not set")
		}
		g, _ := st.FindGroupBySlug(ctx, "eps")
		m, err := st.FindMembership(ctx, a1.ID, g.ID)
		if err != nil || m.Role != turnout.RoleOwner {
			t.Fatalf("membership %+v %v", m, err)
		}
		if _, err := st.FindAccountByToken(ctx, "not-a-token"); turnout.ErrorCode(err) != turnout.EUNAUTHORIZED {
			t.Fatalf("bad token: %v", err)
		}
		for name, in := range map[string]turnout.OrganiserInput{
			"ErrEmail":    {Email: "nope", Name: "X", GroupSlug: "zeta"},
			"ErrSlug":     {Email: "x@y.org", Name: "X", GroupSlug: "Bad Slug/.."},
			"ErrPassword": {Email: "x@y.org", Name: "X", GroupSlug: "zeta", Password: "short"},
		} {
			if _, err := st.AddOrganiser(ctx, in); turnout.ErrorCode(err) != turnout.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := st.FindGroupBySlug(ctx, "zeta"); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Fatalf("refused input created a group: %v", err)
		}
	})
}

func TestOpenBadURL(t *testing.T) {
	for _, raw := range []string{"mysql://x", "sqlite:", "sqlite::memory:", "postgres://u:secret@%zz/db", "turnout.db"} {
		_, err := store.Open(context.Background(), raw)
		if err == nil {
			t.Errorf("%q: no error", raw)
			continue
		}
		if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error leaks or spans lines: %v", raw, err)
		}
	}
}
