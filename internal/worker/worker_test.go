package worker

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestLoopRunsAgainAtOnceOnFullBatchesAndStopsWithItsContext: full batches
// are followed at once by another call; a short batch or an error waits the
// poll (here an hour: the error handler stops the loop, which must then
// return rather than wait).
func TestLoopRunsAgainAtOnceOnFullBatchesAndStopsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	results := []int{10, 10, 3}
	calls, errs := 0, 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		Loop(ctx, time.Hour, 10, func(context.Context) (int, error) {
			calls++
			if calls > len(results) {
				t.Error("called again without waiting the poll")
				return 0, nil
			}
			if calls == len(results) {
				return results[calls-1], errors.New("boom")
			}
			return results[calls-1], nil
		}, func(error) { errs++; cancel() })
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Loop did not stop with its context")
	}
	if calls != 3 || errs != 1 {
		t.Fatalf("%d calls and %d errors, want 3 and 1", calls, errs)
	}
}
