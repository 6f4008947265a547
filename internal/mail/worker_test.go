package mail_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/mail"
	"github.com/turnout-org/turnout/internal/mail/mailtest"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// rig is a store with mail on, one event, and a worker sending to a real
// SMTP server on 127.0.0.1 with a clock the test moves ahead.
type rig struct {
	st     *store.Store
	smtp   *mailtest.Server
	worker *mail.Worker
	event  *turnout.Event
	skew   time.Duration // how far the worker's clock is ahead
}

func newRig(t testing.TB, st *store.Store) *rig {
	t.Helper()
	ctx := context.Background()
	srv := mailtest.Start(t)
	st.SetMail(true)
	sender, err := mail.NewSender(srv.URL(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddOrganiser(ctx, turnout.OrganiserInput{Email: "o@example.org", Name: "O", GroupSlug: "g", GroupName: "G", Timezone: "Europe/London"}); err != nil {
		t.Fatal(err)
	}
	g, err := st.FindGroupBySlug(ctx, "g")
	if err != nil {
		t.Fatal(err)
	}
	title, status := "Vigil", turnout.StatusPublished
	start, end := time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339), time.Now().Add(50*time.Hour).UTC().Format(time.RFC3339)
	e, err := st.CreateEvent(ctx, g.ID, turnout.EventInput{Title: &title, StartsAt: &start, EndsAt: &end, Status: &status})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{st: st, smtp: srv, event: e}
	r.worker = &mail.Worker{Store: st, Sender: sender, Base: "http://turnout.test", From: "turnout@turnout.test",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return time.Now().Add(r.skew) }}
	return r
}

func (r *rig) rsvp(t testing.TB, email string) (*turnout.RSVP, string) {
	t.Helper()
	rv, token, err := r.st.CreateRSVP(context.Background(), r.event.ID, turnout.RSVPInput{Name: "N", Email: email, Status: turnout.RSVPGoing})
	if err != nil {
		t.Fatal(err)
	}
	return rv, token
}

func (r *rig) runOnce(t *testing.T) int {
	t.Helper()
	n, err := r.worker.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestWorkerRetriesWhileSMTPIsDown: RSVPs succeed while the SMTP server is
// stopped; the message is retried within 30 s and arrives once it is back.
func TestWorkerRetriesWhileSMTPIsDown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newRig(t, st)
		r.smtp.Stop()
		r.rsvp(t, "a@example.org")
		if n := r.runOnce(t); n != 1 {
			t.Fatalf("claimed %d, want 1", n)
		}
		if pending, _ := st.PendingMail(context.Background()); pending != 1 {
			t.Fatalf("pending %d after a temporary failure, want 1", pending)
		}
		if n := r.runOnce(t); n != 0 {
			t.Fatalf("retried at once (%d): want a backoff", n)
		}
		r.smtp.Restart()
		r.skew = 30 * time.Second
		if n := r.runOnce(t); n != 1 {
			t.Fatalf("not retried within 30 s (claimed %d)", n)
		}
		if got := r.smtp.Wait(1, 5*time.Second); got[0].To != "a@example.org" {
			t.Fatalf("to %q", got[0].To)
		}
		sent, _, err := st.MailCounts(context.Background())
		if err != nil || sent[turnout.MailConfirmation] != 1 {
			t.Fatalf("sent counts %v, err %v", sent, err)
		}
	})
}

// TestWorkerRecordsPermanentFailure: a 550 for the address is not retried
// and shows in the event's failures.
func TestWorkerRecordsPermanentFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newRig(t, st)
		r.smtp.Reject["nobody@example.org"] = true
		rv, _ := r.rsvp(t, "nobody@example.org")
		r.runOnce(t)
		r.skew = time.Hour
		if n := r.runOnce(t); n != 0 {
			t.Fatalf("permanent failure claimed again (%d)", n)
		}
		fails, err := st.FindMailFailures(context.Background(), r.event.ID)
		if err != nil || len(fails) != 1 || fails[0].RSVPID != rv.ID || fails[0].Error == "" {
			t.Fatalf("failures %+v, err %v", fails, err)
		}
	})
}

// TestWorkerDropsMailOfCancelledRSVP: a message whose RSVP was cancelled
// before it went out is never sent.
func TestWorkerDropsMailOfCancelledRSVP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newRig(t, st)
		_, token := r.rsvp(t, "gone@example.org")
		if err := st.CancelRSVP(context.Background(), token); err != nil {
			t.Fatal(err)
		}
		r.runOnce(t)
		r.rsvp(t, "kept@example.org")
		r.runOnce(t)
		got := r.smtp.Wait(1, 5*time.Second)
		if len(got) != 1 || got[0].To != "kept@example.org" {
			t.Fatalf("got %d messages, first to %q", len(got), got[0].To)
		}
	})
}

// TestPurgeErasesQueuedMail: the retention purge takes an RSVP's queued
// messages (with their manage tokens) with it.
func TestPurgeErasesQueuedMail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newRig(t, st)
		r.rsvp(t, "old@example.org")
		if _, err := st.PurgeRSVPs(context.Background(), time.Now().Add(100*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n, _ := st.PendingMail(context.Background()); n != 0 {
			t.Fatalf("%d messages left after purge", n)
		}
	})
}

func TestBackoff(t *testing.T) {
	if d := mail.Backoff(1); d > 30*time.Second {
		t.Errorf("first retry after %s, want within 30s", d)
	}
	if d := mail.Backoff(100); d != time.Minute {
		t.Errorf("retry 100 after %s, want a minute: waiting mail must go out within a minute of SMTP coming back", d)
	}
}

// TestCrashedClaimIsRetriedAfterLease: an instance that claims a batch and
// dies (kill -9) before reporting loses nothing: once the lease ends another
// worker sends the message; until then nobody does, which bounds a duplicate
// to the message that was in flight.
func TestCrashedClaimIsRetriedAfterLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newRig(t, st)
		r.rsvp(t, "inflight@example.org")
		lease := 2 * time.Minute
		claimed, err := st.ClaimMail(context.Background(), time.Now(), 10, lease)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claimed %d, err %v", len(claimed), err)
		}
		// The claiming instance is gone. Within the lease nobody else sends it.
		if n := r.runOnce(t); n != 0 {
			t.Fatalf("claimed again within the lease (%d)", n)
		}
		r.skew = lease + time.Second
		if n := r.runOnce(t); n != 1 {
			t.Fatalf("not retried after the lease (%d)", n)
		}
		if got := r.smtp.Wait(1, 5*time.Second); got[0].To != "inflight@example.org" {
			t.Fatalf("to %q", got[0].To)
		}
	})
}
