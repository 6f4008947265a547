// Package worker runs the background loops of serve (the mail outbox, the
// federation deliveries): one batch at a time, at once again while batches
// come back full, otherwise after a pause.
package worker

import (
	"context"
	"time"
)

// Loop calls once until ctx ends. When once reports a full batch (n ==
// batch) it is called again at once, since more may be due; otherwise, and
// after an error (passed to onErr unless ctx has ended), Loop waits poll.
func Loop(ctx context.Context, poll time.Duration, batch int, once func(context.Context) (int, error), onErr func(error)) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		n, err := once(ctx)
		if err != nil && ctx.Err() == nil {
			onErr(err)
		}
		if ctx.Err() != nil {
			return
		}
		if n == batch && err == nil {
			continue
		}
		t.Reset(poll)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
