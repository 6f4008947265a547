package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// requireEmail turns on required email for e with hours to confirm.
func requireEmail(t *testing.T, st *store.Store, e *turnout.Event, hours int) {
	t.Helper()
	yes := true
	if _, err := st.UpdateEvent(context.Background(), e.ID, turnout.EventInput{RequireEmail: &yes, EmailConfirmHours: &hours}); err != nil {
		t.Fatal(err)
	}
}

// confirmTokens claims the queued mail and returns the confirmation token
// each address's latest message carries, by address.
func confirmTokens(t *testing.T, st *store.Store, now time.Time) map[string]string {
	t.Helper()
	items, err := st.ClaimMail(context.Background(), now, 1000, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, it := range items {
		if it.RSVP != nil && it.Confirm != "" {
			out[it.RSVP.EmailValue()] = it.Confirm
		}
		if err := st.MailSent(context.Background(), it); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestUnconfirmedRSVPReleased: with email required, an RSVP holds its place
// unconfirmed until its link is followed; when the event's hours run out the
// unconfirmed one is released, the waitlist moves up into its place and the
// promoted person is mailed; a confirmed one stays.
func TestUnconfirmedRSVPReleased(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		st.SetMail(true)
		start := time.Now().UTC().Truncate(time.Second)
		clock := start
		st.Now = func() time.Time { return clock }
		e := newEvent(t, st, "confirming", 30*24*time.Hour, intp(2))
		requireEmail(t, st, e, 48)
		ada, _, err := st.CreateRSVP(ctx, e.ID, turnout.RSVPInput{Name: "Ada", Email: "ada@example.org", Status: turnout.RSVPGoing, Guests: 1})
		if err != nil {
			t.Fatal(err)
		}
		if !ada.Unconfirmed() || !ada.ConfirmBy.Equal(start.Add(48*time.Hour)) {
			t.Fatalf("new RSVP confirm_by %v, want %v", ada.ConfirmBy, start.Add(48*time.Hour))
		}
		clock = start.Add(time.Hour)
		bo, _, err := st.CreateRSVP(ctx, e.ID, turnout.RSVPInput{Name: "Bo", Email: "bo@example.org", Status: turnout.RSVPGoing})
		if err != nil || bo.Status != turnout.RSVPWaitlisted {
			t.Fatalf("Bo: %+v, %v", bo, err)
		}
		tokens := confirmTokens(t, st, clock)
		if len(tokens) != 2 {
			t.Fatalf("confirmation tokens for %v, want both", tokens)
		}
		if r, _, err := st.ConfirmRSVP(ctx, tokens["bo@example.org"]); err != nil || r.Unconfirmed() {
			t.Fatalf("confirm Bo: %+v, %v", r, err)
		}
		if _, _, err := st.ConfirmRSVP(ctx, tokens["bo@example.org"]); err != nil {
			t.Fatalf("confirming again: %v", err)
		}

		clock = start.Add(48*time.Hour - time.Second)
		if n, err := st.ReleaseUnconfirmed(ctx, clock); err != nil || n != 0 {
			t.Fatalf("before the deadline: released %d, %v", n, err)
		}
		clock = start.Add(48 * time.Hour)
		if n, err := st.ReleaseUnconfirmed(ctx, clock); err != nil || n != 1 {
			t.Fatalf("at the deadline: released %d, %v", n, err)
		}
		if _, _, err := st.FindRSVPConfirmation(ctx, tokens["ada@example.org"]); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Fatalf("released RSVP's link: %v, want not found", err)
		}
		r, _, err := st.FindRSVPConfirmation(ctx, tokens["bo@example.org"])
		if err != nil || r.Status != turnout.RSVPGoing || r.Unconfirmed() {
			t.Fatalf("Bo after the release: %+v, %v", r, err)
		}
		if g := going(t, st, e); g != 1 {
			t.Fatalf("going %d, want 1 (Bo)", g)
		}
		items, err := st.ClaimMail(ctx, clock, 100, time.Minute)
		if err != nil || len(items) != 1 || items[0].Kind != turnout.MailPromotion || items[0].RSVP.EmailValue() != "bo@example.org" {
			t.Fatalf("mail after the release: %d items, %v", len(items), err)
		}
		clock = start.Add(1000 * time.Hour)
		if n, err := st.ReleaseUnconfirmed(ctx, clock); err != nil || n != 0 {
			t.Fatalf("a confirmed RSVP was released: %d, %v", n, err)
		}
	})
}

// TestConfirmationOnlyWhenAsked: no confirmation is asked of an RSVP
// without email required, nor with email off (nothing could confirm it);
// turning required email off frees the unconfirmed; a lost-link mail of an
// unconfirmed RSVP carries a fresh confirmation link, and the old one stops
// working.
func TestConfirmationOnlyWhenAsked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEvent(t, st, "asking", 30*24*time.Hour, nil)
		requireEmail(t, st, e, 1)
		off, _, err := st.CreateRSVP(ctx, e.ID, turnout.RSVPInput{Name: "Off", Email: "off@example.org", Status: turnout.RSVPGoing})
		if err != nil || off.Unconfirmed() {
			t.Fatalf("email off: %+v, %v", off, err)
		}
		st.SetMail(true)
		plain := newEvent(t, st, "plain", 30*24*time.Hour, nil)
		r, _, err := st.CreateRSVP(ctx, plain.ID, turnout.RSVPInput{Name: "Plain", Email: "plain@example.org", Status: turnout.RSVPGoing})
		if err != nil || r.Unconfirmed() {
			t.Fatalf("email not required: %+v, %v", r, err)
		}
		if _, _, err := st.CreateRSVP(ctx, e.ID, turnout.RSVPInput{Name: "Cy", Email: "cy@example.org", Status: turnout.RSVPMaybe}); err != nil {
			t.Fatal(err)
		}
		first := confirmTokens(t, st, time.Now())["cy@example.org"]
		if err := st.SendManageLink(ctx, e.ID, "cy@example.org"); err != nil {
			t.Fatal(err)
		}
		second := confirmTokens(t, st, time.Now())["cy@example.org"]
		if second == "" || second == first {
			t.Fatalf("lost-link mail carries confirmation %q (first %q)", second, first)
		}
		if _, _, err := st.FindRSVPConfirmation(ctx, first); turnout.ErrorCode(err) != turnout.ENOTFOUND {
			t.Fatalf("old confirmation link: %v", err)
		}
		no := false
		if _, err := st.UpdateEvent(ctx, e.ID, turnout.EventInput{RequireEmail: &no}); err != nil {
			t.Fatal(err)
		}
		if n, err := st.ReleaseUnconfirmed(ctx, time.Now().Add(2*time.Hour)); err != nil || n != 0 {
			t.Fatalf("after email stopped being required: released %d, %v", n, err)
		}
		if c, _, err := st.FindRSVPConfirmation(ctx, second); err != nil || c.Unconfirmed() {
			t.Fatalf("Cy: %+v, %v", c, err)
		}
	})
}

// TestReleaseAcrossInstances: four instances on one Postgres release the
// same expired RSVPs at once; each is released once, the going count stays
// true, and every place freed goes to the waitlist with one promotion mail
// each.
func TestReleaseAcrossInstances(t *testing.T) {
	target, ok := storetest.PostgresTarget(t)
	if !ok {
		t.Skipf("needs Postgres: set %s", storetest.EnvPostgres)
	}
	ctx := context.Background()
	stores := make([]*store.Store, 4)
	for i := range stores {
		stores[i] = storetest.Open(t, target)
		stores[i].SetMail(true)
	}
	st := stores[0]
	e := newEvent(t, st, "released", 30*24*time.Hour, intp(20))
	requireEmail(t, st, e, 1)
	for i := 0; i < 40; i++ {
		if _, _, err := st.CreateRSVP(ctx, e.ID, turnout.RSVPInput{Name: "P", Email: fmt.Sprintf("p%02d@example.org", i), Status: turnout.RSVPGoing}); err != nil {
			t.Fatal(err)
		}
	}
	// The 20 waitlisted confirm; the 20 going never do.
	tokens := confirmTokens(t, st, time.Now())
	for i := 20; i < 40; i++ {
		if _, _, err := st.ConfirmRSVP(ctx, tokens[fmt.Sprintf("p%02d@example.org", i)]); err != nil {
			t.Fatal(err)
		}
	}
	later := time.Now().Add(2 * time.Hour)
	var wg sync.WaitGroup
	released := make([]int, len(stores))
	for i, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := s.ReleaseUnconfirmed(ctx, later)
			if err != nil {
				t.Error(err)
			}
			released[i] = n
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range released {
		total += n
	}
	if total != 20 {
		t.Fatalf("released %v = %d, want 20 in all", released, total)
	}
	if g := going(t, st, e); g != 20 {
		t.Fatalf("going %d, want 20", g)
	}
	items, err := st.ClaimMail(ctx, later, 1000, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	promoted := map[string]int{}
	for _, it := range items {
		if it.Kind == turnout.MailPromotion {
			promoted[it.RSVP.EmailValue()]++
		}
	}
	for i := 20; i < 40; i++ {
		if n := promoted[fmt.Sprintf("p%02d@example.org", i)]; n != 1 {
			t.Errorf("p%02d: %d promotion messages, want 1", i, n)
		}
	}
	t.Logf("released per instance: %v", released)
}

// TestUnconfirmedKeptAtTheDoor: an unconfirmed RSVP checked in at the door,
// or to an event that has started or was cancelled, is not released: there
// is no place left to give, and the organisers' record of who came stays.
func TestUnconfirmedKeptAtTheDoor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		st.SetMail(true)
		unconfirmed := func(e *turnout.Event, email string) *turnout.RSVP {
			r, _, err := st.CreateRSVP(ctx, e.ID, turnout.RSVPInput{Name: "N", Email: email, Status: turnout.RSVPGoing})
			if err != nil || !r.Unconfirmed() {
				t.Fatalf("%s: %+v, %v", email, r, err)
			}
			return r
		}
		door := newEvent(t, st, "door", 2*time.Hour, nil)
		requireEmail(t, st, door, 1)
		ada := unconfirmed(door, "ada@example.org")
		unconfirmed(door, "bo@example.org")
		if _, err := st.SetCheckedIn(ctx, door.ID, ada.ID, true); err != nil {
			t.Fatal(err)
		}
		soon := newEvent(t, st, "soon", 30*time.Minute, nil)
		requireEmail(t, st, soon, 1)
		unconfirmed(soon, "cy@example.org")
		called := newEvent(t, st, "called-off", 3*time.Hour, nil)
		requireEmail(t, st, called, 1)
		unconfirmed(called, "dee@example.org")
		if _, err := st.CancelEvent(ctx, called.ID, "Rain"); err != nil {
			t.Fatal(err)
		}
		n, err := st.ReleaseUnconfirmed(ctx, time.Now().Add(90*time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("released %d, %v; want only Bo", n, err)
		}
		if g := going(t, st, door); g != 1 {
			t.Fatalf("door event going %d, want Ada alone", g)
		}
		if g := going(t, st, soon); g != 1 {
			t.Fatalf("started event going %d, want Cy kept", g)
		}
	})
}
