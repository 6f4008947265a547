package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/mail"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// editingSender passes messages on to next, and runs edit, once, while the
// first change alert is on its way: an organiser's edit landing mid-send.
type editingSender struct {
	next mail.Sender
	edit func()
	done bool
}

func (s *editingSender) Send(ctx context.Context, m *mail.Message) error {
	if !s.done && strings.HasPrefix(m.Subject, "Changed: ") {
		s.done = true
		s.edit()
	}
	return s.next.Send(ctx, m)
}

// TestChangeAlertEditDuringSend: an edit made while the change alert for the
// same event is being sent is announced by a second alert, which says what
// changed since the first one (the first alert's new venue as "was").
func TestChangeAlertEditDuringSend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newRig(t, st)
		ctx := context.Background()
		r.rsvpAs(t, "ada@example.org", turnout.RSVPGoing)
		r.drain(t, 1)
		first, second := "Town Hall steps", "Market Square"
		if _, err := st.UpdateEvent(ctx, r.event.ID, turnout.EventInput{Venue: &first}); err != nil {
			t.Fatal(err)
		}
		// The second edit comes 30 s (by the store's clock) after the first.
		var edited time.Time
		r.worker.Sender = &editingSender{next: r.worker.Sender, edit: func() {
			edited = time.Now().Add(30 * time.Second)
			st.Now = func() time.Time { return edited }
			if _, err := st.UpdateEvent(ctx, r.event.ID, turnout.EventInput{Venue: &second}); err != nil {
				t.Error(err)
			}
		}}
		// The worker's clock stands still just past the first alert's delay:
		// the second edit's alert is not due yet.
		now := time.Now().Add(turnout.ChangeAlertDelay + time.Second)
		r.worker.Now = func() time.Time { return now }
		msgs := r.drain(t, 2)
		if !strings.Contains(msgs[1].Text, "Venue (now): "+first) {
			t.Fatalf("first alert:\n%s", msgs[1].Text)
		}
		if n, err := st.PendingMail(ctx); err != nil || n != 1 {
			t.Fatalf("%d messages queued after the first alert, want the second edit's (%v)", n, err)
		}
		now = edited.Add(turnout.ChangeAlertDelay + time.Second)
		msgs = r.drain(t, 3)
		alert := msgs[2]
		if !strings.HasPrefix(alert.DecodedSubject(), "Changed: ") || !strings.Contains(alert.Text, "Venue (was): "+first) ||
			!strings.Contains(alert.Text, "Venue (now): "+second) {
			t.Fatalf("second alert %q:\n%s", alert.DecodedSubject(), alert.Text)
		}
		if n := r.runOnce(t); n != 0 {
			t.Fatalf("%d more messages after both alerts", n)
		}
	})
}

// TestChangeAlertDroppedWhenEditUndone: an edit undone before its alert is
// due sends nothing: nothing changed for the people coming.
func TestChangeAlertDroppedWhenEditUndone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newRig(t, st)
		ctx := context.Background()
		r.rsvpAs(t, "ada@example.org", turnout.RSVPGoing)
		r.drain(t, 1)
		moved, back := "Town Hall steps", r.event.Venue
		for _, v := range []string{moved, back} {
			if _, err := st.UpdateEvent(ctx, r.event.ID, turnout.EventInput{Venue: &v}); err != nil {
				t.Fatal(err)
			}
		}
		r.skew = turnout.ChangeAlertDelay + time.Second
		for r.runOnce(t) > 0 {
		}
		if n := len(r.smtp.Messages()); n != 1 {
			t.Fatalf("%d messages, want only the confirmation: the edit was undone", n)
		}
		if n, err := st.PendingMail(ctx); err != nil || n != 0 {
			t.Fatalf("%d messages still queued, %v", n, err)
		}
	})
}
