package web

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	eical "github.com/emersion/go-ical"
	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/mail"
	"github.com/turnout-org/turnout/internal/mail/mailtest"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// mailRig is an application with email on, a real SMTP server on
// 127.0.0.1, and the outbox worker that sends through it.
type mailRig struct {
	app    *fiber.App
	st     *store.Store
	smtp   *mailtest.Server
	worker *mail.Worker
}

func newMailRig(t *testing.T, st *store.Store) *mailRig {
	t.Helper()
	srv := mailtest.Start(t)
	cfg := testConfig(t)
	cfg.SMTPURL = srv.URL()
	st.SetMail(true)
	sender, err := mail.NewSender(cfg.SMTPURL, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	w := &mail.Worker{Store: st, Sender: sender, Base: cfg.BaseURL, From: "Turnout <turnout@turnout.test>",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return &mailRig{app: newTestApp(t, cfg, st), st: st, smtp: srv, worker: w}
}

// flush sends every message due now.
func (m *mailRig) flush(t *testing.T) {
	t.Helper()
	for {
		n, err := m.worker.RunOnce(context.Background())
		if err != nil {
			t.Fatalf("worker: %v", err)
		}
		if n == 0 {
			return
		}
	}
}

// rsvpForm posts the event page's RSVP form.
func (m *mailRig) rsvp(t *testing.T, slug string, form url.Values) (int, string) {
	t.Helper()
	req := httptest.NewRequest("POST", "/events/"+slug+"/rsvp", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := do(t, m.app, req)
	return resp.StatusCode, body
}

var manageLinkRe = regexp.MustCompile(`http://turnout\.test/rsvp/([A-Za-z0-9_-]+)`)

// icalUID reads UID and SEQUENCE of the only VEVENT with both parsers the
// feed tests use, failing if they disagree.
func icalUID(t *testing.T, b []byte) (uid, seq, status string) {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("golang-ical: %v", err)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("golang-ical: %d events", len(evs))
	}
	get := func(p ics.ComponentProperty) string {
		if prop := evs[0].GetProperty(p); prop != nil {
			return prop.Value
		}
		return ""
	}
	uid, seq, status = get(ics.ComponentPropertyUniqueId), get(ics.ComponentPropertySequence), get(ics.ComponentPropertyStatus)
	ecal, err := eical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("go-ical: %v", err)
	}
	if m := ecal.Props.Get("METHOD"); m == nil || m.Value != "PUBLISH" {
		t.Errorf("METHOD = %v, want PUBLISH", m)
	}
	ev := ecal.Events()
	if len(ev) != 1 {
		t.Fatalf("go-ical: %d events", len(ev))
	}
	if u, _ := ev[0].Props.Text("UID"); u != uid {
		t.Errorf("parsers disagree on UID: %q vs %q", u, uid)
	}
	return uid, seq, status
}

func TestRSVPConfirmationEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		g, _ := seedGroup(t, st, "mailers")
		e := seedEvent(t, st, g.ID, "Station die-in", 48*time.Hour, func(in *turnout.EventInput) {
			venue, addr, tz := "Central Station", "1 Station Square", "Europe/Berlin"
			in.Venue, in.Address, in.Timezone = &venue, &addr, &tz
		})
		status, body := rig.rsvp(t, e.Slug, url.Values{"name": {"Ada"}, "email": {"ada@example.org"}, "status": {"going"}})
		if status != 200 {
			t.Fatalf("RSVP: status %d: %.300s", status, body)
		}
		rig.flush(t)
		msgs := rig.smtp.Wait(1, 10*time.Second)
		if len(msgs) != 1 {
			t.Fatalf("%d messages, want 1", len(msgs))
		}
		m := msgs[0]
		if m.To != "ada@example.org" || !strings.Contains(m.DecodedSubject(), "You're going") {
			t.Errorf("to %q, subject %q", m.To, m.DecodedSubject())
		}
		unsub := m.Header.Get("List-Unsubscribe")
		if !regexp.MustCompile(`^<http://turnout\.test/unsubscribe/[A-Za-z0-9_-]{22,}>$`).MatchString(unsub) {
			t.Errorf("List-Unsubscribe = %q", unsub)
		}
		if got := m.Header.Get("List-Unsubscribe-Post"); got != "List-Unsubscribe=One-Click" {
			t.Errorf("List-Unsubscribe-Post = %q", got)
		}
		local := e.StartsAt.In(e.Location()).Format("15:04")
		for _, want := range []string{"Station die-in", "Central Station", local, "CET"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("text lacks %q:\n%s", want, m.Text)
			}
		}
		if strings.Contains(m.HTML, "<img") || m.HTML == "" {
			t.Errorf("HTML part empty or loads an image:\n%s", m.HTML)
		}
		link := manageLinkRe.FindStringSubmatch(m.Text)
		if link == nil {
			t.Fatalf("no manage link in:\n%s", m.Text)
		}
		resp, page := do(t, rig.app, httptest.NewRequest("GET", "/rsvp/"+link[1], nil))
		if resp.StatusCode != 200 || !strings.Contains(page, "Ada") {
			t.Fatalf("manage link from the email: status %d", resp.StatusCode)
		}
		_, feedBody := do(t, rig.app, httptest.NewRequest("GET", "/events/"+e.Slug+".ics", nil))
		feedUID, feedSeq, _ := icalUID(t, []byte(feedBody))
		uid, seq, _ := icalUID(t, m.ICS)
		if uid != feedUID || seq != feedSeq || uid == "" {
			t.Errorf("attachment UID %q SEQUENCE %q, feed %q %q", uid, seq, feedUID, feedSeq)
		}
		if n, err := st.PendingMail(context.Background()); err != nil || n != 0 {
			t.Errorf("outbox holds %d messages after sending (err %v)", n, err)
		}
	})
}
