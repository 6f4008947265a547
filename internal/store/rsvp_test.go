package store_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// newEvent creates a group and a published event starting in `in`, lasting two hours.
func newEvent(t *testing.T, st *store.Store, slug string, in time.Duration, capacity *int) *turnout.Event {
	t.Helper()
	ctx := context.Background()
	if _, err := st.AddOrganiser(ctx, turnout.OrganiserInput{Email: slug + "@example.org", Name: "Org", GroupSlug: slug, GroupName: "Group " + slug}); err != nil {
		t.Fatal(err)
	}
	g, err := st.FindGroupBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	title, status := "Vigil "+slug, turnout.StatusPublished
	start := time.Now().Add(in).UTC().Format(time.RFC3339)
	end := time.Now().Add(in + 2*time.Hour).UTC().Format(time.RFC3339)
	input := turnout.EventInput{Title: &title, StartsAt: &start, EndsAt: &end, Status: &status}
	if capacity != nil {
		input.Capacity = turnout.Of(*capacity)
	}
	e, err := st.CreateEvent(ctx, g.ID, input)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func rsvp(t *testing.T, st *store.Store, e *turnout.Event, name string, guests int) (*turnout.RSVP, string) {
	t.Helper()
	r, token, err := st.CreateRSVP(context.Background(), e.ID, turnout.RSVPInput{Name: name, Status: turnout.RSVPGoing, Guests: guests})
	if err != nil {
		t.Fatalf("rsvp %s: %v", name, err)
	}
	return r, token
}

func going(t *testing.T, st *store.Store, e *turnout.Event) int {
	t.Helper()
	got, err := st.FindEventBySlug(context.Background(), e.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return got.GoingCount
}

func TestRSVPWaitlistAndPromotion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEvent(t, st, "wait", 48*time.Hour, intp(5))
		a, aTok := rsvp(t, st, e, "A", 2) // 3 going
		b, _ := rsvp(t, st, e, "B", 2)    // 3 more do not fit: waitlisted 1
		c, _ := rsvp(t, st, e, "C", 1)    // 2 fit: going, 5/5
		d, _ := rsvp(t, st, e, "D", 0)    // waitlisted 2
		for _, tc := range []struct {
			r      *turnout.RSVP
			status string
			pos    int
		}{{a, "going", 0}, {b, "waitlisted", 1}, {c, "going", 0}, {d, "waitlisted", 2}} {
			if tc.r.Status != tc.status || tc.r.Position != tc.pos {
				t.Errorf("%s: %s #%d, want %s #%d", tc.r.Name, tc.r.Status, tc.r.Position, tc.status, tc.pos)
			}
		}
		if n := going(t, st, e); n != 5 {
			t.Fatalf("going %d, want 5", n)
		}
		// A cancels: 3 places free; B (3 people) fits whole first, then D does not.
		if err := st.CancelRSVP(ctx, aTok); err != nil {
			t.Fatal(err)
		}
		list, err := st.FindRSVPs(ctx, e.ID, turnout.RSVPFilter{Limit: turnout.MaxRSVPPage})
		if err != nil {
			t.Fatal(err)
		}
		counts, _, err := st.CountRSVPs(ctx, e.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"B": "going", "C": "going", "D": "waitlisted"}
		if len(list) != 3 {
			t.Fatalf("%d rsvps, want 3", len(list))
		}
		for _, r := range list {
			if want[r.Name] != r.Status {
				t.Errorf("%s is %s, want %s", r.Name, r.Status, want[r.Name])
			}
		}
		if counts.Going != 5 || counts.Waitlisted != 1 || going(t, st, e) != 5 {
			t.Errorf("counts %+v, going %d", counts, going(t, st, e))
		}
		if _, _, err := st.FindRSVPByToken(ctx, aTok); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Errorf("cancelled token: %v, want not found", err)
		}
	})
}

func TestRSVPUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEvent(t, st, "upd", 48*time.Hour, intp(4))
		_, aTok := rsvp(t, st, e, "A", 1)
		_, bTok := rsvp(t, st, e, "B", 1)
		c, cTok := rsvp(t, st, e, "C", 0)
		if c.Status != turnout.RSVPWaitlisted {
			t.Fatalf("C %s", c.Status)
		}
		// More guests than fit: refused, nothing changes.
		_, err := st.UpdateRSVP(ctx, aTok, turnout.RSVPUpdate{Guests: intp(3)})
		if turnout.ErrorCode(err) != turnout.ECONFLICT || going(t, st, e) != 4 {
			t.Fatalf("grow: %v, going %d", err, going(t, st, e))
		}
		// Fewer guests frees a place: C is promoted.
		if _, err := st.UpdateRSVP(ctx, aTok, turnout.RSVPUpdate{Guests: intp(0)}); err != nil {
			t.Fatal(err)
		}
		if r, _, _ := st.FindRSVPByToken(ctx, cTok); r.Status != turnout.RSVPGoing || going(t, st, e) != 4 {
			t.Fatalf("C %s, going %d", r.Status, going(t, st, e))
		}
		// B switches to maybe: 2 places free; then back to going takes them again.
		r, err := st.UpdateRSVP(ctx, bTok, turnout.RSVPUpdate{Status: strp("maybe"), Name: strp("  Bee ")})
		if err != nil || r.Status != "maybe" || r.Name != "Bee" || going(t, st, e) != 2 {
			t.Fatalf("maybe: %+v %v going %d", r, err, going(t, st, e))
		}
		_, dTok := rsvp(t, st, e, "D", 1) // takes the 2 places
		r, err = st.UpdateRSVP(ctx, bTok, turnout.RSVPUpdate{Status: strp("going")})
		if err != nil || r.Status != turnout.RSVPWaitlisted || r.Position != 1 {
			t.Fatalf("back to going: %+v %v", r, err)
		}
		if _, err := st.UpdateRSVP(ctx, bTok, turnout.RSVPUpdate{Guests: intp(99)}); turnout.ErrorCode(err) != turnout.EINVALID {
			t.Fatalf("99 guests: %v", err)
		}
		if err := st.CancelRSVP(ctx, dTok); err != nil {
			t.Fatal(err)
		}
		if r, _, _ := st.FindRSVPByToken(ctx, bTok); r.Status != turnout.RSVPGoing || going(t, st, e) != 4 {
			t.Fatalf("after D cancels, B %s, going %d", r.Status, going(t, st, e))
		}
	})
}

func TestRSVPRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEvent(t, st, "rules", 48*time.Hour, nil)
		in := turnout.RSVPInput{Name: "Sam", Email: " Sam@Example.org ", Status: "going"}
		r, tok, err := st.CreateRSVP(ctx, e.ID, in)
		if err != nil || r.EmailValue() != "sam@example.org" || len(tok) < 43 {
			t.Fatalf("%+v %q %v", r, tok, err)
		}
		if r.ManageTokenHash == nil || *r.ManageTokenHash != turnout.HashToken(tok) {
			t.Fatal("token not stored as its hash")
		}
		in.Email = "sam@EXAMPLE.org"
		// A second RSVP with the same email records nothing and issues no
		// link, but answers like a new one: the sender learns nothing.
		dup, dupTok, err := st.CreateRSVP(ctx, e.ID, in)
		if err != nil || dupTok != "" || dup == nil || dup.Status != turnout.RSVPGoing || dup.ID != 0 {
			t.Fatalf("duplicate email: %+v %q %v", dup, dupTok, err)
		}
		if _, _, err := st.FindRSVPByToken(ctx, tok); err != nil {
			t.Fatalf("with mail off the owner's link must keep working: %v", err)
		}
		bad := []turnout.RSVPInput{
			{Name: "", Status: "going"},
			{Name: "x\u202ey", Status: "going"},
			{Name: "ok", Status: "waitlisted"},
			{Name: "ok", Status: "going", Guests: 6},
			{Name: "ok", Status: "going", Guests: -1},
			{Name: "ok", Email: "not-an-email", Status: "going"},
		}
		for _, b := range bad {
			if _, _, err := st.CreateRSVP(ctx, e.ID, b); turnout.ErrorCode(err) != turnout.EINVALID {
				t.Errorf("%+v: %v, want invalid", b, err)
			}
		}
		if n := going(t, st, e); n != 1 {
			t.Errorf("going %d after bad input, want 1", n)
		}
		past := newEvent(t, st, "past", -time.Hour, nil)
		if _, _, err := st.CreateRSVP(ctx, past.ID, turnout.RSVPInput{Name: "Late", Status: "going"}); turnout.ErrorCode(err) != turnout.ECONFLICT {
			t.Errorf("started event: %v", err)
		}
	})
}

func TestPurgeRSVPs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		old := newEvent(t, st, "old", time.Hour, intp(10))
		recent := newEvent(t, st, "recent", time.Hour, intp(10))
		o1, oTok := rsvp(t, st, old, "Old One", 2)
		rsvp(t, st, old, "Old Two", 0)
		_, rTok := rsvp(t, st, recent, "Recent", 1)
		// Move the clock: the old event ended 31 days ago, the recent one 29.
		shift(t, st, old, -31*24*time.Hour)
		shift(t, st, recent, -29*24*time.Hour)
		cutoff := time.Now().Add(-30 * 24 * time.Hour)
		n, err := st.PurgeRSVPs(ctx, cutoff)
		if err != nil || n != 2 {
			t.Fatalf("purged %d, %v; want 2", n, err)
		}
		if n, _ := st.PurgeRSVPs(ctx, cutoff); n != 0 {
			t.Errorf("second purge erased %d", n)
		}
		list, err := st.FindRSVPs(ctx, old.ID, turnout.RSVPFilter{Limit: turnout.MaxRSVPPage})
		if err != nil {
			t.Fatal(err)
		}
		counts, _, err := st.CountRSVPs(ctx, old.ID, "")
		if err != nil || len(list) != 0 || counts.Going != 4 {
			t.Fatalf("old event: %d listed, counts %+v, %v", len(list), counts, err)
		}
		if _, _, err := st.FindRSVPByToken(ctx, oTok); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Errorf("purged token still works: %v", err)
		}
		if r, _, err := st.FindRSVPByToken(ctx, rTok); err != nil || r.Name != "Recent" {
			t.Errorf("recent RSVP touched: %+v %v", r, err)
		}
		raw := rawRSVP(t, st, o1.ID)
		if raw.Name != "" || raw.Email != nil || raw.ManageTokenHash != nil || raw.PurgedAt == nil || raw.Guests != 2 {
			t.Errorf("purged row keeps personal data: %+v", raw)
		}
	})
}

func TestRateLimitCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := time.Now().UTC().Truncate(time.Minute)
		for i := 1; i <= 3; i++ {
			n, err := st.HitRateLimit(ctx, "rsvp:10.0.0.1", w)
			if err != nil || n != i {
				t.Fatalf("hit %d: %d %v", i, n, err)
			}
		}
		if n, _ := st.HitRateLimit(ctx, "rsvp:10.0.0.1", w.Add(time.Minute)); n != 1 {
			t.Errorf("next window starts at %d", n)
		}
		if n, err := st.PruneRateLimits(ctx, w.Add(time.Second)); err != nil || n != 1 {
			t.Errorf("pruned %d %v", n, err)
		}
	})
}

func intp(n int) *int       { return &n }
func strp(s string) *string { return &s }

func shift(t *testing.T, st *store.Store, e *turnout.Event, d time.Duration) {
	store.ShiftEventForTest(t, st, e, d)
}

func rawRSVP(t *testing.T, st *store.Store, id int64) *turnout.RSVP {
	return store.RawRSVPForTest(t, st, id)
}

// TestRSVPLeavesFeedVersions checks that RSVPs never move the site and
// group versions (so feed polls stay cached and RSVPs to different events do
// not queue on one row), and move their event's own version exactly when the
// going count, which its page shows, changes.
func TestRSVPLeavesFeedVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEvent(t, st, "feedv", 48*time.Hour, intp(1))
		scopes := turnout.FeedScopes(e)
		version := func() []int64 {
			var out []int64
			for _, s := range scopes {
				v, err := st.FindFeedVersion(ctx, s)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, v.Version)
			}
			return out
		}
		step := func(name string, countMoves bool, fn func()) {
			t.Helper()
			before := version()
			fn()
			after := version()
			for i := range scopes {
				want := countMoves && scopes[i] == "event:"+strconv.FormatInt(e.ID, 10)
				if (after[i] != before[i]) != want {
					t.Errorf("%s: %s went %d -> %d", name, scopes[i], before[i], after[i])
				}
			}
		}
		var aTok, bTok string
		step("going", true, func() { _, aTok = rsvp(t, st, e, "A", 0) })
		step("waitlisted", false, func() { _, bTok = rsvp(t, st, e, "B", 0) })
		step("rename", false, func() {
			if _, err := st.UpdateRSVP(ctx, bTok, turnout.RSVPUpdate{Name: strp("Bea")}); err != nil {
				t.Fatal(err)
			}
		})
		step("cancel with promotion", true, func() {
			if err := st.CancelRSVP(ctx, aTok); err != nil {
				t.Fatal(err)
			}
		})
		step("to maybe", true, func() {
			if _, err := st.UpdateRSVP(ctx, bTok, turnout.RSVPUpdate{Status: strp("maybe")}); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// TestPromoteOnCapacityChange raises the capacity as an organiser's edit
// would: waitlisted parties that now fit whole are promoted in order, one
// that does not fit waits, and removing the limit promotes everyone.
func TestPromoteOnCapacityChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEvent(t, st, "grow", 48*time.Hour, intp(2))
		rsvp(t, st, e, "A", 1)            // going, 2/2
		_, bTok := rsvp(t, st, e, "B", 2) // waitlisted #1, party of 3
		_, cTok := rsvp(t, st, e, "C", 0) // waitlisted #2, party of 1
		if n := store.SetCapacityForTest(t, st, e.ID, intp(4)); n != 1 {
			t.Fatalf("capacity 4 promoted %d people, want 1 (C; B's party of 3 does not fit)", n)
		}
		b, _, _ := st.FindRSVPByToken(ctx, bTok)
		c, _, _ := st.FindRSVPByToken(ctx, cTok)
		if b.Status != turnout.RSVPWaitlisted || b.Position != 1 || c.Status != turnout.RSVPGoing || going(t, st, e) != 3 {
			t.Fatalf("B %s #%d, C %s, going %d", b.Status, b.Position, c.Status, going(t, st, e))
		}
		if n := store.SetCapacityForTest(t, st, e.ID, nil); n != 3 || going(t, st, e) != 6 {
			t.Fatalf("unlimited promoted %d, going %d", n, going(t, st, e))
		}
	})
}

// TestFindRSVPsPositionsWhenSearched: a search of the attendee list keeps
// each waitlisted RSVP's place in the whole waitlist.
func TestFindRSVPsPositionsWhenSearched(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEvent(t, st, "door", 48*time.Hour, intp(1))
		rsvp(t, st, e, "Ash", 0)    // going
		rsvp(t, st, e, "Bea", 0)    // waitlisted 1
		rsvp(t, st, e, "Cai", 0)    // waitlisted 2
		rsvp(t, st, e, "Bashir", 0) // waitlisted 3
		for query, want := range map[string]map[string]int{
			"":    {"Ash": 0, "Bea": 1, "Cai": 2, "Bashir": 3},
			"cai": {"Cai": 2},
			"b":   {"Bea": 1, "Bashir": 3},
		} {
			list, err := st.FindRSVPs(ctx, e.ID, turnout.RSVPFilter{Query: query, Limit: turnout.MaxRSVPPage})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, r := range list {
				got[r.Name] = r.Position
			}
			if len(got) != len(want) {
				t.Fatalf("%q: got %v, want %v", query, got, want)
			}
			for name, pos := range want {
				if got[name] != pos {
					t.Errorf("%q: %s at %d, want %d", query, name, got[name], pos)
				}
			}
		}
	})
}

// TestRequeueKeepsRSVP: an RSVP that asks to go again and does not fit joins
// the end of the waitlist behind RSVPs with larger ids, and keeps its id and
// created_at; promotion follows that order.
func TestRequeueKeepsRSVP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEvent(t, st, "requeue", 48*time.Hour, intp(2))
		_, aTok := rsvp(t, st, e, "A", 0)
		_, bTok := rsvp(t, st, e, "B", 0)
		c, cTok, err := st.CreateRSVP(ctx, e.ID, turnout.RSVPInput{Name: "C", Status: turnout.RSVPMaybe})
		if err != nil {
			t.Fatal(err)
		}
		d, dTok := rsvp(t, st, e, "D", 0)
		if d.Status != turnout.RSVPWaitlisted || d.Position != 1 || c.ID >= d.ID {
			t.Fatalf("D %s #%d (id %d, C id %d)", d.Status, d.Position, d.ID, c.ID)
		}
		r, err := st.UpdateRSVP(ctx, cTok, turnout.RSVPUpdate{Status: strp(turnout.RSVPGoing)})
		if err != nil {
			t.Fatal(err)
		}
		if r.ID != c.ID || !r.CreatedAt.Equal(c.CreatedAt) {
			t.Errorf("requeued C is id %d created %v, want id %d created %v", r.ID, r.CreatedAt, c.ID, c.CreatedAt)
		}
		if r.Status != turnout.RSVPWaitlisted || r.Position != 2 {
			t.Errorf("requeued C %s #%d, want waitlisted #2", r.Status, r.Position)
		}
		list, err := st.FindRSVPs(ctx, e.ID, turnout.RSVPFilter{Limit: turnout.MaxRSVPPage})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list {
			if x.Name == "D" && x.Position != 1 || x.Name == "C" && x.Position != 2 {
				t.Errorf("attendee list: %s #%d", x.Name, x.Position)
			}
		}
		// A place frees: D, first in the queue, goes; C moves up to #1.
		if err := st.CancelRSVP(ctx, aTok); err != nil {
			t.Fatal(err)
		}
		for tok, want := range map[string]string{dTok: "going #0", cTok: "waitlisted #1"} {
			got, _, err := st.FindRSVPByToken(ctx, tok)
			if err != nil {
				t.Fatal(err)
			}
			if s := got.Status + " #" + strconv.Itoa(got.Position); s != want {
				t.Errorf("%s after A cancels: %s, want %s", got.Name, s, want)
			}
		}
		if err := st.CancelRSVP(ctx, bTok); err != nil {
			t.Fatal(err)
		}
		got, _, err := st.FindRSVPByToken(ctx, cTok)
		if err != nil || got.Status != turnout.RSVPGoing || got.ID != c.ID {
			t.Fatalf("C after B cancels: %+v %v", got, err)
		}
	})
}

// TestFindRSVPsOneSnapshot: a waitlisted RSVP cancelled after FindRSVPs read
// the page but before it read the waitlist positions still has its place in
// the answer, and the one behind it keeps the place it had when the page was
// read.
func TestFindRSVPsOneSnapshot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEvent(t, st, "snap", 48*time.Hour, intp(1))
		rsvp(t, st, e, "Ash", 0)
		_, bea := rsvp(t, st, e, "Bea", 0)
		rsvp(t, st, e, "Cai", 0)
		st.AfterFirstFind(func() {
			if err := st.CancelRSVP(ctx, bea); err != nil {
				t.Errorf("cancel: %v", err)
			}
		})
		list, err := st.FindRSVPs(ctx, e.ID, turnout.RSVPFilter{Limit: turnout.MaxRSVPPage})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, r := range list {
			got[r.Name+" "+r.Status] = r.Position
		}
		want := map[string]int{"Ash going": 0, "Bea waitlisted": 1, "Cai waitlisted": 2}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("got %v, want %v: the page and the positions are not one snapshot", got, want)
		}
		list, err = st.FindRSVPs(ctx, e.ID, turnout.RSVPFilter{Limit: turnout.MaxRSVPPage})
		if err != nil {
			t.Fatal(err)
		}
		got = map[string]int{}
		for _, r := range list {
			got[r.Name+" "+r.Status] = r.Position
		}
		if want := map[string]int{"Ash going": 0, "Cai waitlisted": 1}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("after the cancel: got %v, want %v", got, want)
		}
	})
}
