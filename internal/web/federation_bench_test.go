package web

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// BenchmarkFederationDelivery measures signed deliveries per second from
// one worker (8 at once) to 20 inboxes on loopback that take each POST at
// once: the cost of claiming, signing (RSA 2048), posting and recording.
// It runs on SQLite, and on Postgres when TURNOUT_TEST_DATABASE_URL is set.
func BenchmarkFederationDelivery(b *testing.B) {
	for _, target := range storetest.Targets(b) {
		b.Run(target.Name, func(b *testing.B) {
			st := storetest.Open(b, target)
			tn := newFedTurnout(b, st)
			g, _ := seedGroup(b, st, "riverside")
			inboxes := make([]string, 20)
			for i := range inboxes {
				inboxes[i] = acceptingInbox(b)
			}
			ctx := context.Background()
			body := []byte(`{"type":"Update"}`)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := st.QueueDelivery(ctx, &turnout.Delivery{GroupID: g.ID, Inbox: inboxes[i%len(inboxes)], Body: body}, time.Now()); err != nil {
					b.Fatal(err)
				}
			}
			for {
				n, err := tn.worker.RunOnce(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if n == 0 {
					break
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
		})
	}
}

// acceptingInbox serves an inbox on loopback that answers 202 to anything.
func acceptingInbox(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	})}
	go func() { _ = srv.Serve(ln) }()
	b.Cleanup(func() { _ = srv.Close() })
	return fmt.Sprintf("http://%s/inbox", ln.Addr())
}
