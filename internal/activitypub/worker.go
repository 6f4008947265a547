package activitypub

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/turnout-org/turnout/internal/turnout"
	"github.com/turnout-org/turnout/internal/worker"
)

// Worker tells followers what changed: it turns owed announcements into
// deliveries (Store.Announce) and posts due deliveries to their inboxes,
// signed by the group, with retries. Instances sharing one Postgres share
// the work: Announce runs in one of them at a time, and each delivery is
// claimed by one.
type Worker struct {
	Store  turnout.FederationService
	Site   Site
	Keys   *Keys
	Client *Client
	Log    *slog.Logger
	// Poll is how often the worker looks for work (default 5s).
	Poll time.Duration
	// Batch is how many deliveries one claim takes (default 50).
	Batch int
	// Parallel is how many deliveries go out at once (default 8).
	Parallel int
	// Lease is how long a claimed delivery stays with this worker
	// (default 2m): the bound on a duplicate after a crash mid-delivery.
	Lease time.Duration
	// Now returns the current time (tests move it).
	Now func() time.Time

	signers sync.Map // group id -> Signer
}

// GiveUpAfter is how long a delivery is retried before its inbox is taken
// for dead: backoff grows to six hours, so about 15 tries over three days.
const GiveUpAfter = 72 * time.Hour

// Backoff is the wait before retry n (1-based): 1 min, 5 min, 30 min, 2 h,
// then every 6 h.
func Backoff(n int) time.Duration {
	steps := []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour}
	if n >= 1 && n <= len(steps) {
		return steps[n-1]
	}
	return 6 * time.Hour
}

// attemptsBefore is the number of tries that fit in GiveUpAfter.
func attemptsBefore(d time.Duration) int {
	n, total := 0, time.Duration(0)
	for total < d {
		n++
		total += Backoff(n)
	}
	return n
}

func (w *Worker) defaults() {
	if w.Poll <= 0 {
		w.Poll = 5 * time.Second
	}
	if w.Batch <= 0 {
		w.Batch = 50
	}
	if w.Parallel <= 0 {
		w.Parallel = 8
	}
	if w.Lease <= 0 {
		w.Lease = 2 * time.Minute
	}
	if w.Now == nil {
		w.Now = time.Now
	}
}

// Run works until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	w.defaults()
	worker.Loop(ctx, w.Poll, w.Batch, w.RunOnce, func(err error) { w.Log.Error("federation", "err", err) })
}

// RunOnce queues owed announcements, then claims and posts one batch of
// deliveries, returning how many it claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	w.defaults()
	for {
		n, err := w.Store.Announce(ctx, w.Now(), 100, w.render)
		if err != nil {
			return 0, err
		}
		if n < 100 {
			break
		}
	}
	items, err := w.Store.ClaimDeliveries(ctx, w.Now(), w.Batch, w.Lease)
	if err != nil {
		return 0, err
	}
	sem := make(chan struct{}, w.Parallel)
	errs := make(chan error, len(items))
	var wg sync.WaitGroup
	for _, d := range items {
		wg.Add(1)
		sem <- struct{}{}
		go func(d *turnout.Delivery) {
			defer func() { <-sem; wg.Done() }()
			errs <- w.deliver(ctx, d)
		}(d)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return len(items), err
		}
	}
	return len(items), nil
}

// render makes the activity of an announcement.
func (w *Worker) render(a *turnout.Announcement) ([]byte, error) {
	if a.Group == nil {
		return nil, fmt.Errorf("activitypub: announcement of event %d has no group", a.EventID)
	}
	return Marshal(w.Site.Announce(a, a.Group.Slug, w.Now()))
}

// deliver posts one delivery and reports the outcome to the store. A 2xx is
// delivered; 429, 5xx and network errors are retried; any other 4xx means
// the inbox will never take it.
func (w *Worker) deliver(ctx context.Context, d *turnout.Delivery) error {
	as, err := w.signer(ctx, d.GroupID, d.GroupSlug)
	if err != nil {
		return err
	}
	postCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	status, err := w.Client.Post(postCtx, d.Inbox, d.Body, as)
	cancel()
	report := context.WithoutCancel(ctx)
	switch {
	case err == nil && status >= 200 && status < 300:
		return w.Store.DeliverySent(report, d.ID)
	case err == nil && status != 429 && status < 500:
		w.Log.Warn("federation delivery refused", "inbox", d.Inbox, "status", status)
		return w.Store.DeliveryFailed(report, d.ID, fmt.Sprintf("the inbox answered %d", status))
	}
	why := fmt.Sprintf("the inbox answered %d", status)
	if err != nil {
		why = err.Error()
	}
	if d.Attempts >= attemptsBefore(GiveUpAfter) {
		w.Log.Warn("federation inbox given up", "inbox", d.Inbox, "err", why)
		return w.Store.DeliveryFailed(report, d.ID, why)
	}
	return w.Store.DeliveryRetry(report, d.ID, w.Now().Add(Backoff(d.Attempts)), why)
}

// signer returns the signer of a group, opening its key once.
func (w *Worker) signer(ctx context.Context, groupID int64, slug string) (Signer, error) {
	if s, ok := w.signers.Load(groupID); ok {
		return s.(Signer), nil
	}
	g, err := w.Store.ActorKey(ctx, turnout.GroupKeyOwner(groupID), w.Keys.New)
	if err != nil {
		return Signer{}, err
	}
	key, err := w.Keys.Open(g)
	if err != nil {
		return Signer{}, err
	}
	s := Signer{KeyID: KeyID(w.Site.GroupActorURL(slug)), Key: key}
	w.signers.Store(groupID, s)
	return s, nil
}
