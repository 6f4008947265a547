package browsertest_test

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/config"
	"github.com/turnout-org/turnout/internal/mail"
	"github.com/turnout-org/turnout/internal/mail/mailtest"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/turnout"
)

// mailInstance is an instance with email on: a real SMTP server on
// 127.0.0.1 in this process receives what the outbox worker sends.
type mailInstance struct {
	*instance
	smtp *mailtest.Server
}

// startMailInstance serves Turnout with email on and its outbox worker
// running, until the test ends.
func startMailInstance(t *testing.T) *mailInstance {
	t.Helper()
	smtp := mailtest.Start(t)
	in := startInstanceWith(t, func(cfg *config.Config, st *store.Store) {
		cfg.SMTPURL = smtp.URL()
		st.SetMail(true)
	})
	sender, err := mail.NewSender(smtp.URL(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	w := &mail.Worker{Store: in.store, Sender: sender, Base: in.origin, From: "Turnout <turnout@turnout.test>",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Poll: 50 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return &mailInstance{instance: in, smtp: smtp}
}

// mailTo waits for the n-th message (1-based) to address and returns it.
func (in *mailInstance) mailTo(t *testing.T, address string, n int) *mailtest.Message {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var got []*mailtest.Message
		for _, m := range in.smtp.Messages() {
			if m.To == address {
				got = append(got, m)
			}
		}
		if len(got) >= n {
			return got[n-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited 20s for message %d to %s, got %d", n, address, len(got))
		}
		in.smtp.Wait(len(in.smtp.Messages())+1, time.Second)
	}
}

// linkIn returns the path of the first link under origin+prefix in the
// message's text.
func linkIn(t *testing.T, m *mailtest.Message, origin, prefix string) string {
	t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(origin+prefix) + `[A-Za-z0-9_-]{22,}`)
	found := re.FindString(m.Text)
	if found == "" {
		t.Fatalf("no %s link in %q:\n%s", prefix, m.DecodedSubject(), m.Text)
	}
	return strings.TrimPrefix(found, origin)
}

// TestEmailJourney, on a phone and on a desktop: a supporter RSVPs with an
// email to an event that requires one, opens the confirmation mail's
// confirm link and presses its button, opens the mail's private link, asks
// "Email me my link" and follows the new link (the old one no longer
// works), and stops email with the one-click unsubscribe button. An
// organiser then writes to the people going from the attendee page: the
// message reaches the other supporter, not the one who unsubscribed.
func TestEmailJourney(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []tabOption
	}{{"Phone", []tabOption{phone, a11y}}, {"Desktop", []tabOption{a11y}}} {
		t.Run(tc.name, func(t *testing.T) { emailJourney(t, tc.opts...) })
	}
}

func emailJourney(t *testing.T, opts ...tabOption) {
	in := startMailInstance(t)
	g := in.seedGroup(t, "riverside")
	ev := in.seedEvent(t, g, "Vigil for the dead at the border", func(e *turnout.EventInput) {
		yes := true
		e.RequireEmail = &yes
	})
	in.seedRSVP(t, ev, "Robin", "robin@example.org", turnout.RSVPGoing, 0)
	eventPath := "/events/" + ev.Slug
	const sam = "sam@example.org"
	tb := newTab(t, in.origin, opts...)

	tb.open(eventPath, 200)
	tb.fill("#rsvp-name", "Sam")
	tb.fill("#rsvp-email", sam)
	tb.click(`section.rsvp form button[type=submit]`, 200)
	tb.see("main .panel h1", "You're going")
	tb.see("#rsvp-unconfirmed", "Confirm your email.")
	tb.see("main", "We have also emailed it to you.")
	tb.checkA11y("RSVP confirmation asking to confirm the email")

	confirmation := in.mailTo(t, sam, 1)
	if got := confirmation.DecodedSubject(); got != "Confirm your RSVP: Vigil for the dead at the border" {
		t.Fatalf("confirmation subject %q", got)
	}
	confirm := linkIn(t, confirmation, in.origin, "/rsvp/confirm/")
	tb.open(confirm, 200)
	tb.see("main h1", "Confirm your RSVP")
	tb.checkA11y("Confirm the RSVP")
	tb.click(`form[action="`+confirm+`"] button[type=submit]`, 200)
	tb.wantPath(confirm)
	tb.see("main .panel h1", "Your RSVP is confirmed")
	tb.checkA11y("RSVP confirmed")

	oldManage := linkIn(t, confirmation, in.origin, "/rsvp/")
	tb.open(oldManage, 200)
	tb.see("#rsvp-status", "You're going.")
	if tb.count("#rsvp-unconfirmed") != 0 {
		tb.fatalf("the manage page still asks to confirm a confirmed RSVP")
	}
	tb.fill("#link-email", sam)
	tb.click(`form[action="`+eventPath+`/rsvp/link"] button[type=submit]`, 202)
	tb.see("main h1", "Check your email")
	tb.checkA11y("Link sent")
	linkMail := in.mailTo(t, sam, 2)
	newManage := linkIn(t, linkMail, in.origin, "/rsvp/")
	if newManage == oldManage {
		tb.fatalf("the new link is the old one")
	}
	tb.open(oldManage, 404)
	tb.open(newManage, 200)
	tb.see("#rsvp-status", "You're going.")

	unsubscribe := strings.TrimPrefix(strings.Trim(linkMail.Header.Get("List-Unsubscribe"), "<>"), in.origin)
	if !strings.HasPrefix(unsubscribe, "/unsubscribe/") || linkMail.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		tb.fatalf("List-Unsubscribe %q", linkMail.Header.Get("List-Unsubscribe"))
	}
	tb.open(unsubscribe, 200)
	tb.see("main h1", "Stop email about your RSVP")
	tb.checkA11y("Unsubscribe")
	tb.click(`form[action="`+unsubscribe+`"] button[type=submit]`, 200)
	tb.see("main h1", "You will get no more email")

	org := newTab(t, in.origin, opts...)
	org.login("riverside@example.org", organiserPassword)
	attendees := eventPath + "/attendees"
	org.open(attendees, 200)
	org.fill("#message-subject", "Meeting point moved to the east entrance")
	org.fill("#message-body", "Please meet at the east entrance of the station, by the clock.")
	org.click(`form[action="`+eventPath+`/messages"] button[type=submit]`, 200)
	org.wantPath(attendees)
	org.see("main", "Your message is on its way to 1 person.", "Meeting point moved to the east entrance")
	org.checkA11y("Attendees after a message")

	note := in.mailTo(t, "robin@example.org", 2)
	if got := note.DecodedSubject(); got != "Meeting point moved to the east entrance" || !strings.Contains(note.Text, "by the clock") {
		t.Fatalf("organiser message %q:\n%s", got, note.Text)
	}
	for _, m := range in.smtp.Messages() {
		if m.To == sam && m.DecodedSubject() == "Meeting point moved to the east entrance" {
			t.Fatal("the message reached the supporter who unsubscribed")
		}
	}
}

// TestPasswordResetJourney, on a phone and on a desktop: an organiser who
// forgot the password follows "Forgot your password?", asks for a link,
// opens it from the email, chooses a new password and is signed in, and
// invites an organiser by email (the mailed link is the one on the page,
// and it opens the invitation); then the new password logs in and the
// reset link no longer works.
func TestPasswordResetJourney(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []tabOption
	}{{"Phone", []tabOption{phone, a11y}}, {"Desktop", []tabOption{a11y}}} {
		t.Run(tc.name, func(t *testing.T) { passwordResetJourney(t, tc.opts...) })
	}
}

func passwordResetJourney(t *testing.T, opts ...tabOption) {
	in := startMailInstance(t)
	in.seedGroup(t, "riverside")
	const email = "riverside@example.org"
	tb := newTab(t, in.origin, opts...)
	tb.open("/login", 200)
	tb.click(`a[href="/password/reset"]`, 200)
	tb.see("main h1", "Reset your password")
	tb.checkA11y("Password reset request")
	tb.fill("#email", "not an address")
	tb.click(`form[action="/password/reset"] button[type=submit]`, 422)
	tb.see(".error-summary", "There is a problem")
	tb.wantFieldError("#email", "email-error")
	tb.checkA11y("Password reset request with an error")
	tb.fill("#email", email)
	tb.click(`form[action="/password/reset"] button[type=submit]`, 200)
	tb.wantPath("/password/reset/sent")
	tb.see("main h1", "Check your email")
	tb.checkA11y("Password reset sent")

	m := in.mailTo(t, email, 1)
	link := linkIn(t, m, in.origin, "/password/reset/")
	tb.open(link, 200)
	tb.see("main h1", "Choose a new password")
	tb.checkA11y("Choose a new password")
	tb.fill("#password", "short")
	tb.click(`form[action="`+link+`"] button[type=submit]`, 422)
	tb.wantFieldError("#password", "password-error")
	const newPassword = "a lantern for every name"
	tb.fill("#password", newPassword)
	tb.click(`form[action="`+link+`"] button[type=submit]`, 200)
	tb.wantPath("/dashboard")
	tb.see("main", "Password changed.")

	// Signed in again, the owner invites an organiser by email.
	tb.open("/groups/riverside/members", 200)
	tb.fill("#email", "noor@example.org")
	tb.click(`form[action="/groups/riverside/members/invite"] button[type=submit]`, 200)
	tb.see("main", "We are emailing this invitation link to noor@example.org")
	tb.checkA11y("Members after an emailed invitation")
	invitation := in.mailTo(t, "noor@example.org", 1)
	join := linkIn(t, invitation, in.origin, "/invitations/")
	if got := tb.value("#invite-url"); got != in.origin+join {
		tb.fatalf("the page shows %q, the email %q", got, in.origin+join)
	}
	noor := newTab(t, in.origin, opts...)
	noor.open(join, 200)
	noor.see("main h1", "Join Riverside Solidarity Network")

	notice := in.mailTo(t, email, 2)
	if notice.DecodedSubject() != "Your Turnout password was changed" {
		t.Fatalf("notice subject %q", notice.DecodedSubject())
	}
	other := newTab(t, in.origin, opts...)
	other.login(email, newPassword)
	other.open(link, 404)
}
