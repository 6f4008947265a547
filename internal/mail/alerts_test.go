package mail_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/turnout-org/turnout/internal/mail/mailtest"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// vevent parses an attachment with golang-ical and returns its one event's
// UID, SEQUENCE and STATUS.
func vevent(t *testing.T, b []byte) (uid, seq, status string) {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("attachment: %v, %d events", err, len(cal.Events()))
	}
	get := func(p ics.ComponentProperty) string {
		if prop := cal.Events()[0].GetProperty(p); prop != nil {
			return prop.Value
		}
		return ""
	}
	return get(ics.ComponentPropertyUniqueId), get(ics.ComponentPropertySequence), get(ics.ComponentPropertyStatus)
}

// rsvpAs records an RSVP with the given status and email ("" for none).
func (r *rig) rsvpAs(t *testing.T, email, status string) {
	t.Helper()
	if _, _, err := r.st.CreateRSVP(context.Background(), r.event.ID, turnout.RSVPInput{Name: "N", Email: email, Status: status}); err != nil {
		t.Fatal(err)
	}
}

// drain sends everything due now and forgets what arrived so far.
func (r *rig) drain(t *testing.T, want int) []*mailtest.Message {
	t.Helper()
	for r.runOnce(t) > 0 {
	}
	got := r.smtp.Wait(want, 5*time.Second)
	if len(got) != want {
		t.Fatalf("%d messages, want %d", len(got), want)
	}
	return got
}

// TestChangeAlertCoalescesEdits: two edits in a row make one message per
// person going, maybe or waitlisted with an email, sent after the delay,
// saying old and new, with the updated .ics.
func TestChangeAlertCoalescesEdits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newRig(t, st)
		ctx := context.Background()
		r.rsvpAs(t, "going@example.org", turnout.RSVPGoing)
		r.rsvpAs(t, "maybe@example.org", turnout.RSVPMaybe)
		r.rsvpAs(t, "no@example.org", turnout.RSVPNotGoing)
		r.rsvpAs(t, "", turnout.RSVPGoing)
		r.drain(t, 3) // confirmations
		venue := "Town Hall steps"
		if _, err := st.UpdateEvent(ctx, r.event.ID, turnout.EventInput{Venue: &venue}); err != nil {
			t.Fatal(err)
		}
		start := r.event.StartsAt.Add(time.Hour).UTC().Format(time.RFC3339)
		e, err := st.UpdateEvent(ctx, r.event.ID, turnout.EventInput{StartsAt: &start})
		if err != nil {
			t.Fatal(err)
		}
		if n := r.runOnce(t); n != 0 {
			t.Fatalf("change alert sent before the delay (%d)", n)
		}
		r.skew = turnout.ChangeAlertDelay + time.Second
		msgs := r.drain(t, 5)[3:]
		to := map[string]bool{}
		for _, m := range msgs {
			to[m.To] = true
			if !strings.HasPrefix(m.DecodedSubject(), "Changed: ") {
				t.Errorf("subject %q", m.DecodedSubject())
			}
			for _, want := range []string{"Venue (was): none", "Venue (now): Town Hall steps", "When (was): ", "When (now): "} {
				if !strings.Contains(m.Text, want) {
					t.Errorf("text lacks %q:\n%s", want, m.Text)
				}
			}
			_, seq, _ := vevent(t, m.ICS)
			if seq != "2" || e.Sequence != 2 {
				t.Errorf("SEQUENCE %s, event's %d, want 2", seq, e.Sequence)
			}
		}
		if !to["going@example.org"] || !to["maybe@example.org"] {
			t.Errorf("alerts went to %v", to)
		}
	})
}

// TestChangeAlertCanBeWithheld: "tell the people coming" unticked
// (notify false) queues nothing.
func TestChangeAlertCanBeWithheld(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newRig(t, st)
		r.rsvpAs(t, "going@example.org", turnout.RSVPGoing)
		r.drain(t, 1)
		venue, no := "Typo fixed", false
		if _, err := st.UpdateEvent(context.Background(), r.event.ID, turnout.EventInput{Venue: &venue, Notify: &no}); err != nil {
			t.Fatal(err)
		}
		if n, _ := st.PendingMail(context.Background()); n != 0 {
			t.Fatalf("%d messages queued with notify off", n)
		}
	})
}

// TestCancellationAlert: cancelling emails everyone coming at once, with the
// .ics as STATUS:CANCELLED, and replaces a pending change alert.
func TestCancellationAlert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newRig(t, st)
		ctx := context.Background()
		r.rsvpAs(t, "going@example.org", turnout.RSVPGoing)
		r.drain(t, 1)
		venue := "Moved"
		if _, err := st.UpdateEvent(ctx, r.event.ID, turnout.EventInput{Venue: &venue}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CancelEvent(ctx, r.event.ID, "Police ban on marches this weekend"); err != nil {
			t.Fatal(err)
		}
		m := r.drain(t, 2)[1]
		if !strings.HasPrefix(m.DecodedSubject(), "Cancelled: ") || !strings.Contains(m.Text, "Police ban") {
			t.Errorf("subject %q text:\n%s", m.DecodedSubject(), m.Text)
		}
		if _, _, status := vevent(t, m.ICS); status != "CANCELLED" {
			t.Errorf("STATUS %q", status)
		}
		r.skew = time.Hour
		if n := r.runOnce(t); n != 0 {
			t.Errorf("a change alert still went out after the cancellation (%d)", n)
		}
	})
}

// TestPromotionEmail: a waitlisted person whose place comes free is told.
func TestPromotionEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newRig(t, st)
		ctx := context.Background()
		one := 1
		if _, err := st.UpdateEvent(ctx, r.event.ID, turnout.EventInput{Capacity: turnout.Nullable[int]{Set: true, Value: &one}}); err != nil {
			t.Fatal(err)
		}
		_, first := r.rsvp(t, "first@example.org")
		w, _ := r.rsvp(t, "second@example.org")
		if w.Status != turnout.RSVPWaitlisted {
			t.Fatalf("second is %s", w.Status)
		}
		r.drain(t, 2)
		if err := st.CancelRSVP(ctx, first); err != nil {
			t.Fatal(err)
		}
		m := r.drain(t, 3)[2]
		if m.To != "second@example.org" || !strings.HasPrefix(m.DecodedSubject(), "You have a place") {
			t.Errorf("to %q subject %q", m.To, m.DecodedSubject())
		}
	})
}

// TestReminders: a reminder goes once to each person going with an email
// who RSVPed before the window opened; none to those who RSVPed inside it,
// none for an event with reminders off.
func TestReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newRig(t, st)
		ctx := context.Background()
		r.worker.Leads = []time.Duration{24 * time.Hour}
		r.rsvp(t, "early@example.org")
		st.Now = func() time.Time { return time.Now().Add(25 * time.Hour) } // inside the window
		r.rsvp(t, "late@example.org")
		st.Now = time.Now
		r.skew = 25 * time.Hour
		reminders := func() []string {
			for r.runOnce(t) > 0 {
			}
			var to []string
			for _, m := range r.smtp.Messages() {
				if strings.HasPrefix(m.DecodedSubject(), "Reminder: ") {
					to = append(to, m.To)
				}
			}
			return to
		}
		if got := reminders(); len(got) != 1 || got[0] != "early@example.org" {
			t.Fatalf("reminders to %v, want early@example.org only", got)
		}
		r.skew += 2 * time.Minute
		if got := reminders(); len(got) != 1 {
			t.Fatalf("reminders to %v after a second look, want still one", got)
		}
		off := false
		if _, err := st.UpdateEvent(ctx, r.event.ID, turnout.EventInput{Reminders: &off}); err != nil {
			t.Fatal(err)
		}
		r.rsvp(t, "quiet@example.org")
		r.skew += 2 * time.Minute
		if got := reminders(); len(got) != 1 {
			t.Fatalf("reminders to %v with reminders off", got)
		}
	})
}
