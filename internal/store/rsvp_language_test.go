package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestRSVPLanguageKeptUntilPurge: the language an RSVP was made in is
// stored with it, for its emails, and erased with its personal data.
func TestRSVPLanguageKeptUntilPurge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEvent(t, st, "lang", time.Hour, intp(10))
		r, tok, err := st.CreateRSVP(ctx, e.ID, turnout.RSVPInput{Name: "Mina", Email: "mina@example.org", Status: turnout.RSVPGoing, Language: "de"})
		if err != nil {
			t.Fatal(err)
		}
		if found, _, err := st.FindRSVPByToken(ctx, tok); err != nil || found.Language != "de" {
			t.Fatalf("stored language %q, %v; want de", found.Language, err)
		}
		shift(t, st, e, -31*24*time.Hour)
		if _, err := st.PurgeRSVPs(ctx, time.Now().Add(-30*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if raw := rawRSVP(t, st, r.ID); raw.Language != "" {
			t.Errorf("purged RSVP keeps its language %q", raw.Language)
		}
	})
}
