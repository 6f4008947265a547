package mail_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/turnout-org/turnout/internal/mail"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// BenchmarkOutboxThroughput measures messages sent per second from the
// outbox to a real SMTP server on 127.0.0.1 (one connection per message):
// SQLite with one worker, Postgres with one and with two workers (two
// stores, as two instances would have).
func BenchmarkOutboxThroughput(b *testing.B) {
	b.Run("sqlite/1", func(b *testing.B) { benchSend(b, storetest.Open(b, storetest.SQLiteTarget(b)), 1, storetest.Target{}) })
	pg, ok := storetest.PostgresTarget(b)
	if !ok {
		return
	}
	st := storetest.Open(b, pg)
	b.Run("postgres/1", func(b *testing.B) { benchSend(b, st, 1, pg) })
	pg2, _ := storetest.PostgresTarget(b)
	st2 := storetest.Open(b, pg2)
	b.Run("postgres/2", func(b *testing.B) { benchSend(b, st2, 2, pg2) })
}

func benchSend(b *testing.B, st *store.Store, workers int, target storetest.Target) {
	r := newRig(b, st)
	for i := 0; i < b.N; i++ {
		r.rsvp(b, fmt.Sprintf("b%d-%d@example.org", i, len(r.smtp.Messages())))
	}
	ws := []*mail.Worker{r.worker}
	for i := 1; i < workers; i++ {
		other := storetest.Open(b, target)
		other.SetMail(true)
		sender, err := mail.NewSender(r.smtp.URL(), io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		ws = append(ws, &mail.Worker{Store: other, Sender: sender, Base: r.worker.Base, From: r.worker.From,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	}
	b.ResetTimer()
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := w.RunOnce(context.Background())
				if err != nil {
					b.Error(err)
					return
				}
				if n == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if got := len(r.smtp.Messages()); got != b.N {
		b.Fatalf("%d messages, want %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
