package mail

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/turnout-org/turnout/internal/turnout"
	"github.com/turnout-org/turnout/internal/worker"
)

// Worker sends what the outbox holds. Several workers (one per instance) may
// share one Postgres outbox: ClaimMail hands each message to one of them.
type Worker struct {
	Store  turnout.OutboxService
	Sender Sender
	Log    *slog.Logger
	Base   string // public base URL for links
	From   string // From address
	// Poll is how often the worker looks for due messages (default 2s).
	Poll time.Duration
	// Batch is how many messages one claim takes (default 20).
	Batch int
	// Lease is how long a claimed message stays with this worker before
	// another may retry it (default 2m): the bound on a duplicate after a
	// crash mid-send.
	Lease time.Duration
	// Leads are the reminder times before each event's start
	// (TURNOUT_REMINDER_LEAD); none sends no reminders.
	Leads []time.Duration
	// Now returns the current time (tests move it).
	Now func() time.Time

	lastReminders time.Time
}

// reminderEvery is how often the worker looks for reminders that came due
// and for unconfirmed RSVPs whose time ran out.
const reminderEvery = time.Minute

// Backoff is the wait before retry n (1-based) of a temporary failure:
// 15 s, 30 s, then every minute, so that mail waiting through an outage goes
// out within a minute of the server coming back.
func Backoff(n int) time.Duration {
	switch n {
	case 1:
		return 15 * time.Second
	case 2:
		return 30 * time.Second
	}
	return time.Minute
}

// maxAttempts is how many temporary failures make a message fail for good:
// about a day of tries once a minute.
const maxAttempts = 1440

func (w *Worker) defaults() {
	if w.Poll <= 0 {
		w.Poll = 2 * time.Second
	}
	if w.Batch <= 0 {
		w.Batch = 20
	}
	if w.Lease <= 0 {
		w.Lease = 2 * time.Minute
	}
	if w.Now == nil {
		w.Now = time.Now
	}
}

// Run sends due messages until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	w.defaults()
	worker.Loop(ctx, w.Poll, w.Batch, w.RunOnce, func(err error) { w.Log.Error("mail outbox", "err", err) })
}

// RunOnce claims one batch of due messages and sends them, returning how
// many it claimed.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	w.defaults()
	if now := w.Now(); now.Sub(w.lastReminders) >= reminderEvery {
		if len(w.Leads) > 0 {
			if _, err := w.Store.QueueReminders(ctx, now, w.Leads); err != nil {
				return 0, err
			}
		}
		if _, err := w.Store.ReleaseUnconfirmed(ctx, now); err != nil {
			return 0, err
		}
		w.lastReminders = now
	}
	items, err := w.Store.ClaimMail(ctx, w.Now(), w.Batch, w.Lease)
	if err != nil {
		return 0, err
	}
	for _, item := range items {
		if err := w.send(ctx, item); err != nil {
			return len(items), err
		}
	}
	return len(items), nil
}

// send delivers one item and reports the result to the store. Reports use a
// context of their own, so that a shutdown does not lose what was sent.
func (w *Worker) send(ctx context.Context, item *turnout.MailItem) error {
	m, err := Compose(item, w.Base, w.From)
	if err == nil {
		sendCtx, cancel := context.WithTimeout(ctx, time.Minute)
		err = w.Sender.Send(sendCtx, m)
		cancel()
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	switch {
	case err == nil || errors.Is(err, errNothingToTell):
		return w.Store.MailSent(rctx, item)
	case errors.Is(err, ErrPermanent) || item.Attempts >= maxAttempts:
		w.Log.Warn("email not delivered", "kind", item.Kind, "outbox_id", item.ID, "err", err)
		return w.Store.MailFailed(rctx, item.ID, item.Kind, err.Error())
	default:
		w.Log.Info("email delivery will be retried", "kind", item.Kind, "outbox_id", item.ID, "attempt", item.Attempts, "err", err)
		return w.Store.MailRetry(rctx, item.ID, w.Now().Add(Backoff(item.Attempts)), err.Error())
	}
}
