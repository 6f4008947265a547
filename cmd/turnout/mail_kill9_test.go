package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/mail/mailtest"
	"github.com/turnout-org/turnout/internal/proctest"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestKill9WhileSendingMail: 50 confirmations wait in the outbox; a real
// `turnout serve` claims a batch of 20 and sends them one by one. The SMTP
// server keeps the 7th message and holds back its "250 OK", so that message
// is delivered but the sender cannot know it: the worst moment. The server
// is killed with SIGKILL there. A new server sends the 30 never claimed at
// once and leaves the dead one's 14 claimed messages alone while their lease
// lasts; when the lease ends (the test ends it in the database instead of
// waiting its two minutes) it sends those too. Every address gets its
// confirmation, none is lost, and the only duplicate is the one message in
// flight at the kill.
func TestKill9WhileSendingMail(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			ctx := context.Background()
			st := storetest.Open(t, target)
			st.SetMail(true)
			e := seedCapacityEvent(t, st, 1000)
			const people, batch, inFlight = 50, 20, 7
			for i := 0; i < people; i++ {
				in := turnout.RSVPInput{Name: "K", Email: fmt.Sprintf("k%02d@example.org", i), Status: turnout.RSVPGoing}
				if _, _, err := st.CreateRSVP(ctx, e.ID, in); err != nil {
					t.Fatal(err)
				}
			}
			smtp := mailtest.Start(t)
			held := smtp.HoldAt(inFlight)
			env := []string{"TURNOUT_DATABASE_URL=" + target.URL, "TURNOUT_SMTP_URL=" + smtp.URL(), "TURNOUT_MAIL_FROM=Turnout <t@turnout.test>"}
			p := proctest.Start(t, env...)
			select {
			case <-held:
			case <-time.After(30 * time.Second):
				t.Fatalf("the server did not send %d messages: %d arrived\n%s", inFlight, len(smtp.Messages()), p.Stderr.String())
			}
			p.Kill()
			smtp.Release()
			inFlightTo := smtp.Messages()[inFlight-1].To
			if n := pending(t, st); n != people-(inFlight-1) {
				t.Fatalf("after the kill %d messages wait, want %d (all but the %d marked sent)", n, people-(inFlight-1), inFlight-1)
			}

			p2 := proctest.Start(t, env...)
			unclaimed := people - batch
			proctest.Await(t, "the never-claimed messages", 30*time.Second, func() bool { return len(smtp.Messages()) >= inFlight+unclaimed })
			proctest.Await(t, "their rows marked sent", 10*time.Second, func() bool { return pending(t, st) == batch-(inFlight-1) })
			if got := len(smtp.Messages()); got != inFlight+unclaimed {
				t.Fatalf("%d messages arrived while the dead server's lease lasted, want %d: the lease was not honoured", got, inFlight+unclaimed)
			}
			expireLeases(t, st)
			proctest.Await(t, "the dead server's batch", 30*time.Second, func() bool { return pending(t, st) == 0 })
			msgs := smtp.Wait(people+1, 10*time.Second)
			count := map[string]int{}
			for _, m := range msgs {
				count[m.To]++
			}
			for i := 0; i < people; i++ {
				addr := fmt.Sprintf("k%02d@example.org", i)
				want := 1
				if addr == inFlightTo {
					want = 2
				}
				if count[addr] != want {
					t.Errorf("%s got %d confirmations, want %d", addr, count[addr], want)
				}
			}
			if len(msgs) != people+1 {
				t.Errorf("%d messages for %d people, want one duplicate (the one in flight)", len(msgs), people)
			}
			t.Logf("%d messages for %d people: %s got the one in flight at the kill twice", len(msgs), people, inFlightTo)
			p2.Kill()
		})
	}
}

// pending counts messages in the outbox that have not failed.
func pending(t *testing.T, st *store.Store) int {
	t.Helper()
	n, err := st.PendingMail(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// expireLeases ends every lease in the outbox, as two minutes passing would.
func expireLeases(t *testing.T, st *store.Store) {
	t.Helper()
	if _, err := st.SQLDB().Exec("UPDATE outbox SET locked_until = NULL WHERE locked_until IS NOT NULL"); err != nil {
		t.Fatal(err)
	}
}
