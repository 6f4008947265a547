package web

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// BenchmarkRSVPWithEmail compares the time of an RSVP with an email with
// email off and on (the confirmation queued in the same transaction), side
// by side in one run, and reports the 99th percentile of each.
func BenchmarkRSVPWithEmail(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "mail_off"
		if on {
			name = "mail_on"
		}
		b.Run(name, func(b *testing.B) {
			st := storetest.Open(b, storetest.SQLiteTarget(b))
			benchRSVPs(b, st, on)
		})
	}
}

func benchRSVPs(b *testing.B, st *store.Store, mailOn bool) {
	cfg := testConfig(b)
	cfg.RSVPRateLimit = 0
	if mailOn {
		cfg.SMTPURL = "log" // nothing sends during the run: only the queueing is measured
	}
	st.SetMail(mailOn)
	app := newTestApp(b, cfg, st)
	g, _ := seedGroup(b, st, "bench")
	e := seedEvent(b, st, g.ID, "Bench march", 48*time.Hour, nil)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		form := url.Values{"name": {"N"}, "email": {fmt.Sprintf("p%d@example.org", i)}}
		req := httptest.NewRequest("POST", "/events/"+e.Slug+"/rsvp", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", formType)
		start := time.Now()
		resp, err := app.Test(req, -1)
		lat = append(lat, time.Since(start))
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("RSVP %d: %v %v", i, resp.StatusCode, err)
		}
		resp.Body.Close()
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
}
