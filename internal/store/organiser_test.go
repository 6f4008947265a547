package store_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

func str(s string) *string { return &s }

func newGroup(t *testing.T, st *store.Store, email, slug string) *turnout.Group {
	t.Helper()
	ctx := context.Background()
	if _, err := st.AddOrganiser(ctx, turnout.OrganiserInput{Email: email, Name: "Org", GroupSlug: slug, Timezone: "Europe/London"}); err != nil {
		t.Fatal(err)
	}
	g, err := st.FindGroupBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestUpdateEvent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clock := time.Date(2031, 1, 1, 12, 0, 0, 0, time.UTC)
		st.Now = func() time.Time { clock = clock.Add(time.Second); return clock }
		g := newGroup(t, st, "ada@example.org", "riverside")
		e, err := st.CreateEvent(ctx, g.ID, turnout.EventInput{Title: str("Vigil for Gaza"), StartsAt: str("2031-03-29T00:30"), EndsAt: str("2031-03-29T03:30")})
		if err != nil {
			t.Fatal(err)
		}
		draftSlug := e.Slug
		scope := "event:" + strconv.FormatInt(e.ID, 10)
		version := func(scope string) int64 {
			v, err := st.FindFeedVersion(ctx, scope)
			if err != nil {
				t.Fatal(err)
			}
			return v.Version
		}
		v0 := version(scope)

		// A draft's slug follows its title, with a random suffix, until it
		// is published; publishing gives it the bare title-date.
		e, err = st.UpdateEvent(ctx, e.ID, turnout.EventInput{Title: str("Night vigil")})
		if err != nil || !strings.HasPrefix(e.Slug, "night-vigil-2031-03-29-") || len(e.Slug) != len("night-vigil-2031-03-29-")+6 || e.Slug == draftSlug {
			t.Fatalf("draft retitled: slug %q, %v", e.Slug, err)
		}
		e, err = st.UpdateEvent(ctx, e.ID, turnout.EventInput{Status: str(turnout.StatusPublished)})
		if err != nil || e.PublishedAt == nil || e.Sequence != 2 || e.Slug != "night-vigil-2031-03-29" {
			t.Fatalf("publish: %+v %v", e, err)
		}
		published := e.Slug

		before := e
		e, err = st.UpdateEvent(ctx, e.ID, turnout.EventInput{Summary: str("Candles provided.")})
		if err != nil || e.Sequence != before.Sequence || !e.UpdatedAt.After(before.UpdatedAt) {
			t.Fatalf("non-material: sequence %d -> %d, %v", before.Sequence, e.Sequence, err)
		}
		e, err = st.UpdateEvent(ctx, e.ID, turnout.EventInput{Title: str("Night vigil, moved"), Venue: str("The square")})
		if err != nil || e.Sequence != before.Sequence+1 || e.Slug != published {
			t.Fatalf("material: sequence %d, slug %q (want %q), %v", e.Sequence, e.Slug, published, err)
		}
		if v := version(scope); v != v0+4 {
			t.Errorf("feed version %d after 4 updates from %d", v, v0)
		}
		if v := version("site"); v == 0 {
			t.Error("site feed version not bumped")
		}

		// Refusals change nothing.
		for name, in := range map[string]turnout.EventInput{
			"ErrDSTGap":     {StartsAt: str("2031-03-30T01:30")},
			"ErrEndFirst":   {EndsAt: str("2031-03-28T23:00")},
			"ErrBadStatus":  {Status: str("cancelled")},
			"ErrArticleURL": {Articles: &[]turnout.ArticleInput{{URL: "javascript:x", Title: "x"}}},
		} {
			if _, err := st.UpdateEvent(ctx, e.ID, in); turnout.ErrorCode(err) != turnout.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		after, _ := st.FindEventBySlug(ctx, e.Slug)
		if after.Sequence != e.Sequence || !after.UpdatedAt.Equal(e.UpdatedAt) || !after.StartsAt.Equal(e.StartsAt) {
			t.Fatalf("refused updates changed the event: %+v", after)
		}
		if _, err := st.UpdateEvent(ctx, 999999, turnout.EventInput{Title: str("x")}); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Errorf("unknown event: %v", err)
		}
		// Published events cannot be deleted.
		if err := st.DeleteEvent(ctx, e.ID); turnout.ErrorCode(err) != turnout.ECONFLICT {
			t.Errorf("delete published: %v", err)
		}
	})
}

func TestLastOwnerUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for round := 0; round < 5; round++ {
			slug := "group-" + strconv.Itoa(round)
			g := newGroup(t, st, "a"+slug+"@example.org", slug)
			if _, err := st.AddOrganiser(ctx, turnout.OrganiserInput{Email: "b" + slug + "@example.org", Name: "B", GroupSlug: slug}); err != nil {
				t.Fatal(err)
			}
			members, _ := st.FindMembers(ctx, g.ID)
			for _, m := range members {
				if err := st.SetMemberRole(ctx, g.ID, m.AccountID, turnout.RoleOwner); err != nil {
					t.Fatal(err)
				}
			}
			// Both owners step down at once: one must stay owner.
			var wg sync.WaitGroup
			errs := make([]error, len(members))
			for i, m := range members {
				wg.Add(1)
				go func(i int, id int64) {
					defer wg.Done()
					if i == 0 {
						errs[i] = st.SetMemberRole(ctx, g.ID, id, turnout.RoleOrganiser)
					} else {
						errs[i] = st.RemoveMember(ctx, g.ID, id)
					}
				}(i, m.AccountID)
			}
			wg.Wait()
			after, _ := st.FindMembers(ctx, g.ID)
			owners := 0
			for _, m := range after {
				if m.Role == turnout.RoleOwner {
					owners++
				}
			}
			if owners != 1 {
				t.Fatalf("round %d: %d owners left (errors %v)", round, owners, errs)
			}
		}
	})
}

func TestInvitationSingleUseUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		g := newGroup(t, st, "owner@example.org", "riverside")
		members, _ := st.FindMembers(ctx, g.ID)
		token, _, err := st.CreateInvitation(ctx, g.ID, members[0].AccountID, turnout.RoleOrganiser)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make([]error, 4)
		for i := range results {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				in := &turnout.AccountInput{Email: "p" + strconv.Itoa(i) + "@example.org", Name: "P", Password: "long enough password"}
				_, results[i] = st.AcceptInvitation(ctx, token, 0, in)
			}(i)
		}
		wg.Wait()
		ok := 0
		for _, err := range results {
			if err == nil {
				ok++
			} else if turnout.ErrorCode(err) != turnout.ENOTFOUND {
				t.Errorf("unexpected error %v", err)
			}
		}
		after, _ := st.FindMembers(ctx, g.ID)
		if ok != 1 || len(after) != 2 {
			t.Fatalf("%d acceptances, %d members", ok, len(after))
		}
	})
}

func TestSessionsExpire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		g := newGroup(t, st, "ada@example.org", "riverside")
		members, _ := st.FindMembers(ctx, g.ID)
		id, sess, err := st.CreateSession(ctx, members[0].AccountID)
		if err != nil || sess.CSRFToken == "" {
			t.Fatal(err)
		}
		if got, err := st.FindSession(ctx, id); err != nil || got.Account.Email != "ada@example.org" {
			t.Fatalf("find: %v", err)
		}
		real := st.Now
		st.Now = func() time.Time { return real().Add(turnout.SessionTTL + time.Minute) }
		defer func() { st.Now = real }()
		if _, err := st.FindSession(ctx, id); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Fatalf("expired session: %v", err)
		}
	})
}

func TestConcurrentCreatesGetDistinctSlugsAndOwnArticles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		g := newGroup(t, st, "ada@example.org", "riverside")
		const n = 8
		var wg sync.WaitGroup
		slugs := make([]string, n)
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				arts := []turnout.ArticleInput{{URL: "https://example.org/open-letter", Title: "Open letter"}}
				e, err := st.CreateEvent(ctx, g.ID, turnout.EventInput{Title: str("Picket"), StartsAt: str("2031-04-01T08:00"),
					EndsAt: str("2031-04-01T10:00"), Articles: &arts})
				errs[i] = err
				if err == nil {
					slugs[i] = e.Slug
				}
			}(i)
		}
		wg.Wait()
		seen := map[string]bool{}
		for i := range slugs {
			if errs[i] != nil {
				t.Fatalf("create %d: %v", i, errs[i])
			}
			if seen[slugs[i]] {
				t.Fatalf("slug %s given twice", slugs[i])
			}
			seen[slugs[i]] = true
		}
		ids := map[string]bool{}
		for _, s := range slugs {
			ev, err := st.FindEventBySlug(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			if len(ev.Articles) != 1 || ev.Articles[0].Title != "Open letter" || ids[ev.Articles[0].PublicID] {
				t.Fatalf("%s links %+v, want its own copy of the open letter", s, ev.Articles[0])
			}
			ids[ev.Articles[0].PublicID] = true
		}
	})
}

// TestRevokeInvitation: a withdrawn invitation's link stops working; another
// group cannot withdraw it; withdrawing twice is not found.
func TestRevokeInvitation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		g, other := addGroup(t, st, "inviting"), addGroup(t, st, "elsewhere")
		members, err := st.FindMembers(ctx, g.ID)
		if err != nil || len(members) == 0 {
			t.Fatalf("members %v %v", members, err)
		}
		token, inv, err := st.CreateInvitation(ctx, g.ID, members[0].AccountID, turnout.RoleOrganiser)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.RevokeInvitation(ctx, other.ID, inv.ID); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Fatalf("another group withdrew it: %v", err)
		}
		if _, err := st.FindInvitation(ctx, token); err != nil {
			t.Fatalf("refused withdrawal changed the invitation: %v", err)
		}
		if err := st.RevokeInvitation(ctx, g.ID, inv.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.FindInvitation(ctx, token); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Fatalf("withdrawn link still works: %v", err)
		}
		if err := st.RevokeInvitation(ctx, g.ID, inv.ID); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Fatalf("second withdrawal: %v", err)
		}
	})
}
