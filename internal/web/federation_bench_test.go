package web

import (
	"context"
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
				inboxes[i] = acceptingInboxStatus(b, http.StatusAccepted)
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
