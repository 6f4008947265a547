package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/mail"
	"github.com/turnout-org/turnout/internal/mail/mailtest"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// BenchmarkRSVPWithEmail compares the time of an RSVP with an email with
// email off, on (the confirmation queued in the same transaction, nothing
// sending), and on with the outbox worker sending to a real SMTP server on
// 127.0.0.1 at the same time, side by side in one run, on SQLite and (with
// TURNOUT_TEST_DATABASE_URL) Postgres. It reports the 50th and 99th
// percentiles of each.
func BenchmarkRSVPWithEmail(b *testing.B) {
	targets := []storetest.Target{storetest.SQLiteTarget(b)}
	if pg, ok := storetest.PostgresTarget(b); ok {
		targets = append(targets, pg)
	}
	for _, target := range targets {
		for _, mode := range []string{"mail_off", "mail_on", "mail_on_sending"} {
			b.Run(target.Name+"/"+mode, func(b *testing.B) {
				if target.Name != "sqlite" {
					target, _ = storetest.PostgresTarget(b) // a fresh schema per case
				}
				benchRSVPs(b, storetest.Open(b, target), mode)
			})
		}
	}
}

func benchRSVPs(b *testing.B, st *store.Store, mode string) {
	cfg := testConfig(b)
	cfg.RSVPRateLimit = 0
	if mode != "mail_off" {
		cfg.SMTPURL = "log"
		st.SetMail(true)
	}
	if mode == "mail_on_sending" {
		srv := mailtest.Start(b)
		cfg.SMTPURL = srv.URL()
		sender, err := mail.NewSender(srv.URL(), io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		w := &mail.Worker{Store: st, Sender: sender, Base: cfg.BaseURL, From: "Turnout <turnout@turnout.test>",
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Poll: 10 * time.Millisecond}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); w.Run(ctx) }()
		defer func() { cancel(); <-done }()
	}
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
		if err != nil || resp.StatusCode != 303 {
			b.Fatalf("RSVP %d: %v %v", i, resp.StatusCode, err)
		}
		resp.Body.Close()
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
}
