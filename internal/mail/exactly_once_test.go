package mail_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/mail"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestExactlyOnceAcrossInstances: two instances (two stores, two workers,
// each with its own SMTP client) share one Postgres outbox. 200 RSVPs with
// emails and one edit: every address gets exactly one confirmation and one
// change alert.
func TestExactlyOnceAcrossInstances(t *testing.T) {
	target, ok := storetest.PostgresTarget(t)
	if !ok {
		t.Skipf("needs Postgres: set %s", storetest.EnvPostgres)
	}
	a := storetest.Open(t, target)
	b := storetest.Open(t, target)
	r := newRig(t, a) // the event, the SMTP server, and a's worker
	b.SetMail(true)
	const people = 200
	for i := 0; i < people; i++ {
		r.rsvp(t, fmt.Sprintf("p%03d@example.org", i))
	}
	venue := "New venue"
	if _, err := a.UpdateEvent(context.Background(), r.event.ID, turnout.EventInput{Venue: &venue}); err != nil {
		t.Fatal(err)
	}
	r.skew = turnout.ChangeAlertDelay + time.Second // the alerts are due too
	senderB, err := mail.NewSender(r.smtp.URL(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	wb := &mail.Worker{Store: b, Sender: senderB, Base: r.worker.Base, From: r.worker.From, Now: r.worker.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	var claimed [2]atomic.Int64
	var wg sync.WaitGroup
	for i, w := range []*mail.Worker{r.worker, wb} {
		w.Batch = 10
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := w.RunOnce(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					return
				}
				claimed[i].Add(int64(n))
			}
		}()
	}
	wg.Wait()
	msgs := r.smtp.Wait(2*people, 30*time.Second)
	count := map[string]int{}
	for _, m := range msgs {
		kind := "confirmation"
		if strings.HasPrefix(m.DecodedSubject(), "Changed: ") {
			kind = "change"
		}
		count[m.To+" "+kind]++
	}
	for i := 0; i < people; i++ {
		for _, kind := range []string{"confirmation", "change"} {
			if k := fmt.Sprintf("p%03d@example.org %s", i, kind); count[k] != 1 {
				t.Errorf("%s: %d messages, want 1", k, count[k])
			}
		}
	}
	if len(msgs) != 2*people {
		t.Errorf("%d messages, want %d", len(msgs), 2*people)
	}
	t.Logf("instance A sent %d, instance B sent %d", claimed[0].Load(), claimed[1].Load())
	if claimed[0].Load() == 0 || claimed[1].Load() == 0 {
		t.Logf("one instance sent everything: the test still proves no duplicates, not sharing")
	}
}
