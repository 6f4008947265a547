package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestFindEventsSearchesEveryField: q matches words of the title, summary,
// description, venue, address and group name, ignoring case and accents,
// and follows edits of the event and renames of its group.
func TestFindEventsSearchesEveryField(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		g := addGroup(t, st, "climate-camp")
		other := addGroup(t, st, "other")
		ev := addEvent(t, st, g, "Vigil for the river", turnout.KindVigil, now.Add(24*time.Hour), turnout.StatusPublished)
		summary, desc, venue, addr := "Bring candles", "We walk **along** the Thames", "Parvis de la Cathédrale", "12 Royal Mile, Edinburgh"
		if _, err := st.UpdateEvent(ctx, ev.ID, turnout.EventInput{Summary: &summary, Description: &desc, Venue: &venue, Address: &addr}); err != nil {
			t.Fatal(err)
		}
		zurich := addEvent(t, st, other, "Demo in Zürich", turnout.KindMarch, now.Add(48*time.Hour), turnout.StatusPublished)
		addEvent(t, st, g, "Edinburgh draft", turnout.KindMarch, now.Add(48*time.Hour), turnout.StatusDraft)
		find := func(q string) []string {
			t.Helper()
			evs, _, err := st.FindEvents(ctx, turnout.EventFilter{EndsAfter: now, Query: q})
			if err != nil {
				t.Fatalf("q=%q: %v", q, err)
			}
			var out []string
			for _, e := range evs {
				out = append(out, e.Slug)
			}
			return out
		}
		for _, tc := range []struct {
			name, q string
			want    []string
		}{
			{"Title", "river", []string{ev.Slug}},
			{"Summary", "CANDLES", []string{ev.Slug}},
			{"Description", "thames", []string{ev.Slug}},
			{"Venue", "cathedrale", []string{ev.Slug}},
			{"VenueWithAccent", "Cathédrale", []string{ev.Slug}},
			{"Address", "edinburgh", []string{ev.Slug}},
			{"AddressPrefix", "edin", []string{ev.Slug}},
			{"GroupName", "Climate", []string{ev.Slug}},
			{"UnaccentedFindsAccented", "Zurich", []string{zurich.Slug}},
			{"AccentedFindsAccented", "zürich", []string{zurich.Slug}},
			{"EveryWordMustMatch", "vigil edinburgh", []string{ev.Slug}},
			{"OneWordMissing", "vigil zurich", nil},
			{"MiddleOfWordIsNoMatch", "inburgh", nil},
			{"PunctuationOnly", "%", []string{ev.Slug, zurich.Slug}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := find(tc.q); !slices.Equal(got, tc.want) {
					t.Errorf("q=%q: got %v, want %v", tc.q, got, tc.want)
				}
			})
		}

		// Edits and renames reach the search.
		addr2 := "Glasgow Green"
		if _, err := st.UpdateEvent(ctx, ev.ID, turnout.EventInput{Address: &addr2}); err != nil {
			t.Fatal(err)
		}
		if got := find("edinburgh"); len(got) != 0 {
			t.Errorf("after the address changed, edinburgh still finds %v", got)
		}
		if got := find("glasgow"); !slices.Equal(got, []string{ev.Slug}) {
			t.Errorf("glasgow finds %v", got)
		}
		name := "Société Rivière"
		if _, err := st.UpdateGroup(ctx, g.ID, turnout.GroupInput{Name: &name}); err != nil {
			t.Fatal(err)
		}
		if got := find("societe riviere"); !slices.Equal(got, []string{ev.Slug}) {
			t.Errorf("the renamed group's name finds %v", got)
		}
		if got := find("climate"); len(got) != 0 {
			t.Errorf("the old group name still finds %v", got)
		}
	})
}

// TestMigrateFillsSearchText: rows without search_text (written before the
// column existed, or inserted by hand) are filled by Migrate.
func TestMigrateFillsSearchText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Now().UTC().Truncate(time.Second)
		g := addGroup(t, st, "alpha")
		ev := addEvent(t, st, g, "Picket at the Bahnhof Zürich", turnout.KindPicket, now.Add(24*time.Hour), turnout.StatusPublished)
		store.ClearSearchTextForTest(t, st)
		evs, _, err := st.FindEvents(ctx, turnout.EventFilter{EndsAfter: now, Query: "zurich"})
		if err != nil || len(evs) != 0 {
			t.Fatalf("before Migrate: %d events, err %v", len(evs), err)
		}
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		evs, _, err = st.FindEvents(ctx, turnout.EventFilter{EndsAfter: now, Query: "zurich"})
		if err != nil || len(evs) != 1 || evs[0].ID != ev.ID {
			t.Fatalf("after Migrate: %v, err %v", evs, err)
		}
	})
}
