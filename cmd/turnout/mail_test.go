package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/mail/mailtest"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// TestServeSendsMailAfterSMTPOutage: `turnout serve` with TURNOUT_SMTP_URL
// starts the outbox worker. While the SMTP server refuses mail (421) an RSVP
// still succeeds at once; once the server takes mail again the confirmation
// arrives at the first retry, 15 s after the refused try.
func TestServeSendsMailAfterSMTPOutage(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			smtp := mailtest.Start(t)
			smtp.TempFail(true)
			getenv := env("TURNOUT_ADDR", "127.0.0.1:0", "TURNOUT_DATABASE_URL", target.URL, "TURNOUT_SMTP_URL", smtp.URL(),
				"TURNOUT_MAIL_FROM", "Turnout <events@turnout.test>")
			base, stop := startServer(t, getenv, "--demo")
			defer func() {
				if err := stop(); err != nil {
					t.Error(err)
				}
			}()
			_, body := get(t, base+"/api/v1/events")
			var list struct {
				Events []struct{ Slug, Status string } `json:"events"`
			}
			if err := json.Unmarshal([]byte(body), &list); err != nil || len(list.Events) == 0 {
				t.Fatalf("events: %v", err)
			}
			slug := list.Events[0].Slug
			form := url.Values{"name": {"Ines"}, "email": {"ines@example.org"}, "status": {"going"}}
			start := time.Now()
			resp, err := http.Post(base+"/events/"+slug+"/rsvp", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("RSVP while SMTP is down: %d", resp.StatusCode)
			}
			t.Logf("RSVP answered in %s with SMTP down", time.Since(start))
			smtp.WaitRefused(1, 30*time.Second)
			refused := time.Now()
			smtp.TempFail(false)
			m := smtp.Wait(1, 30*time.Second)[0]
			if d := time.Since(refused); d > 30*time.Second {
				t.Errorf("first retry after %s, want within 30 s", d)
			}
			if m.To != "ines@example.org" || m.Header.Get("From") != `"Turnout" <events@turnout.test>` {
				t.Errorf("to %q from %q", m.To, m.Header.Get("From"))
			}
			t.Logf("confirmation arrived %s after the RSVP", time.Since(start))
		})
	}
}
