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

// TestConcurrentReadThenWriteTransactions runs transactions that read before
// they write (CreateEvent reads the group first) side by side. On SQLite they
// must queue for the write lock (BEGIN IMMEDIATE, busy_timeout) rather than
// fail with SQLITE_BUSY, as deferred transactions in WAL mode do.
func TestConcurrentReadThenWriteTransactions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := st.AddOrganiser(ctx, turnout.OrganiserInput{Email: "c@example.org", Name: "C", GroupSlug: "conc", GroupName: "Conc"}); err != nil {
			t.Fatal(err)
		}
		g, err := st.FindGroupBySlug(ctx, "conc")
		if err != nil {
			t.Fatal(err)
		}
		const n = 24
		errs := make([]error, n)
		var wg sync.WaitGroup
		startGun := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-startGun
				title, status := fmt.Sprintf("Event %d", i), turnout.StatusPublished
				start := time.Now().Add(time.Duration(i+1) * time.Hour).UTC().Format(time.RFC3339)
				end := time.Now().Add(time.Duration(i+2) * time.Hour).UTC().Format(time.RFC3339)
				_, errs[i] = st.CreateEvent(ctx, g.ID, turnout.EventInput{Title: &title, StartsAt: &start, EndsAt: &end, Status: &status})
			}(i)
		}
		close(startGun)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("transaction %d: %v", i, err)
			}
		}
	})
}
