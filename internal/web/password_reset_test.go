package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

var resetLinkRe = regexp.MustCompile(`http://turnout\.test/password/reset/([A-Za-z0-9_-]{22,})`)

// resetLink asks for a reset of email through the form and returns the
// path of the link mailed to it.
func resetLink(t *testing.T, rig *mailRig, b *browser, email string) string {
	t.Helper()
	before := len(rig.smtp.Messages())
	resp, body := b.post("/password/reset", "/password/reset", url.Values{"email": {email}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/password/reset/sent" {
		t.Fatalf("reset request: status %d to %q: %.300s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	rig.flush(t)
	msgs := rig.smtp.Wait(before+1, 10*time.Second)
	m := msgs[len(msgs)-1]
	if m.To != strings.ToLower(strings.TrimSpace(email)) || m.DecodedSubject() != "Reset your Turnout password" {
		t.Fatalf("mail to %q, subject %q", m.To, m.DecodedSubject())
	}
	if m.Header.Get("List-Unsubscribe") != "" {
		t.Errorf("a reset link carries List-Unsubscribe %q", m.Header.Get("List-Unsubscribe"))
	}
	found := resetLinkRe.FindStringSubmatch(m.Text)
	if found == nil || !strings.Contains(m.HTML, found[0]) {
		t.Fatalf("no reset link in text and HTML:\n%s", m.Text)
	}
	return "/password/reset/" + found[1]
}

// TestPasswordResetByEmail walks the reset: the login page links it, the
// same answer comes for a known and an unknown address, only the known one
// gets mail, a short password is refused with the link still good, the new
// password works, other devices are signed out, the link then no longer
// works, and the account is told its password changed.
func TestPasswordResetByEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		rig := newMailRig(t, st)
		seedOrganiser(t, st, "pat@example.org", "riverside")
		phone, laptop := newBrowser(t, rig.app), newBrowser(t, rig.app)
		laptop.login("pat@example.org", testPassword)
		if _, body := phone.get("/login"); !strings.Contains(body, `href="/password/reset"`) {
			t.Fatal(`login page has no "Forgot your password?" link`)
		}

		unknown, _ := phone.post("/password/reset", "/password/reset", url.Values{"email": {"nobody@example.org"}})
		link := resetLink(t, rig, phone, "Pat@Example.org ")
		if unknown.StatusCode != http.StatusSeeOther || unknown.Header.Get("Location") != "/password/reset/sent" {
			t.Fatalf("unknown address: status %d to %q, not the known address's answer", unknown.StatusCode, unknown.Header.Get("Location"))
		}
		if n := len(rig.smtp.Messages()); n != 1 {
			t.Fatalf("%d messages, want only the known address's", n)
		}
		if resp, body := phone.get("/password/reset/sent"); resp.StatusCode != 200 || !strings.Contains(body, "If an account uses that address") {
			t.Fatalf("sent page: %d", resp.StatusCode)
		}

		resp, body := phone.get(link)
		if resp.StatusCode != 200 || !strings.Contains(body, "pat@example.org") || resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("reset page: status %d, cache %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
		resp, body = phone.post(link, link, url.Values{"password": {"short"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="password-error"`) {
			t.Fatalf("short password: status %d", resp.StatusCode)
		}
		if _, err := st.Authenticate(ctx, "pat@example.org", testPassword); err != nil {
			t.Fatalf("refused reset changed the password: %v", err)
		}

		const newPassword = "a brand new passphrase"
		resp, _ = phone.post(link, link, url.Values{"password": {newPassword}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard" {
			t.Fatalf("reset: status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := phone.get("/dashboard"); resp.StatusCode != 200 {
			t.Fatalf("this browser is not signed in after the reset: %d", resp.StatusCode)
		}
		if resp, _ := laptop.get("/dashboard"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("the other device is still signed in: status %d", resp.StatusCode)
		}
		if _, err := st.Authenticate(ctx, "pat@example.org", testPassword); turnout.ErrorCode(err) != turnout.EUNAUTHORIZED {
			t.Fatalf("old password still works: %v", err)
		}
		if _, err := st.Authenticate(ctx, "pat@example.org", newPassword); err != nil {
			t.Fatalf("new password refused: %v", err)
		}

		other := newBrowser(t, rig.app)
		if resp, _ := other.get(link); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("used link: GET status %d, want 404", resp.StatusCode)
		}
		resp, _ = other.post("/password/reset", link, url.Values{"password": {"yet another passphrase"}})
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("used link: POST status %d, want 404", resp.StatusCode)
		}
		if _, err := st.Authenticate(ctx, "pat@example.org", newPassword); err != nil {
			t.Fatalf("a used link changed the password again: %v", err)
		}

		rig.flush(t)
		msgs := rig.smtp.Wait(2, 10*time.Second)
		notice := msgs[1]
		if notice.To != "pat@example.org" || notice.DecodedSubject() != "Your Turnout password was changed" ||
			!strings.Contains(notice.Text, "http://turnout.test/password/reset") {
			t.Fatalf("notice to %q, subject %q:\n%s", notice.To, notice.DecodedSubject(), notice.Text)
		}
	})
}

// TestPasswordResetLinkExpires: a link works for an hour, and a newer
// link leaves an older one working until either is used.
func TestPasswordResetLinkExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		seedOrganiser(t, st, "kim@example.org", "riverside")
		b := newBrowser(t, rig.app)
		start := time.Now().UTC()
		clock := start
		st.Now = func() time.Time { return clock }
		rig.worker.Now = st.Now
		first := resetLink(t, rig, b, "kim@example.org")
		clock = start.Add(59 * time.Minute)
		if resp, _ := b.get(first); resp.StatusCode != 200 {
			t.Fatalf("link at 59 minutes: status %d", resp.StatusCode)
		}
		second := resetLink(t, rig, b, "kim@example.org")
		clock = start.Add(61 * time.Minute)
		if resp, body := b.get(first); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "more than an hour old") {
			t.Fatalf("link at 61 minutes: status %d", resp.StatusCode)
		}
		resp, _ := b.post(second, first, url.Values{"password": {"a brand new passphrase"}})
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("expired link POST: status %d", resp.StatusCode)
		}
		if resp, _ := b.post(second, second, url.Values{"password": {"a brand new passphrase"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("newer link: status %d", resp.StatusCode)
		}
	})
}

// TestPasswordResetBadInput: malformed addresses get 422 and no mail,
// links that are not links get 404, and nothing changes.
func TestPasswordResetBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		seedOrganiser(t, st, "lee@example.org", "riverside")
		b := newBrowser(t, rig.app)
		before := storetest.Snapshot(t, st)
		for _, email := range []string{"", "lee", "lee@example", "Lee <lee@example.org>", strings.Repeat("a", 250) + "@example.org"} {
			resp, body := b.post("/password/reset", "/password/reset", url.Values{"email": {email}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "There is a problem") || !strings.Contains(body, `id="email-error"`) {
				t.Errorf("email %q: status %d, want 422 with the error summary", email, resp.StatusCode)
			}
		}
		for _, token := range []string{"x", strings.Repeat("A", 43), "not-a-token-but-long-enough-to-look-like", strings.Repeat("z", 200), "%00%27"} {
			if resp, _ := b.get("/password/reset/" + token); resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET token %q: status %d, want 404", token, resp.StatusCode)
			}
			if resp, _ := b.post("/password/reset", "/password/reset/"+token, url.Values{"password": {"a brand new passphrase"}}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("POST token %q: status %d, want 404", token, resp.StatusCode)
			}
		}
		if resp, _ := b.post("/password/reset", "/password/reset", url.Values{"email": {"lee@example.org"}, "_csrf": {"forged"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("forged CSRF: status %d, want 403", resp.StatusCode)
		}
		if after := storetest.Snapshot(t, st); after != before {
			t.Errorf("refused requests changed data:\nbefore:\n%s\nafter:\n%s", before, after)
		}
		rig.flush(t)
		if n := len(rig.smtp.Messages()); n != 0 {
			t.Errorf("%d messages sent for refused requests", n)
		}
	})
}

// TestPasswordResetMailOff: without email no page offers or promises a
// reset.
func TestPasswordResetMailOff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "max@example.org", "riverside")
		b := newBrowser(t, app)
		if _, body := b.get("/login"); strings.Contains(body, "/password/reset") {
			t.Error("login page offers a reset on a site that sends no email")
		}
		if resp, _ := b.get("/password/reset"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET /password/reset: status %d, want 404", resp.StatusCode)
		}
		before := storetest.Snapshot(t, st)
		if resp, _ := b.post("/login", "/password/reset", url.Values{"email": {"max@example.org"}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST /password/reset: status %d, want 404", resp.StatusCode)
		}
		if after := storetest.Snapshot(t, st); after != before {
			t.Error("a reset request with email off changed data")
		}
	})
}

// TestPasswordResetRateLimited: an email address gets a few links an hour
// and one network a few requests a quarter; a known and an unknown address
// meet the limit at the same request, so the limit tells nothing.
func TestPasswordResetRateLimited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		cfg := testConfig(t)
		cfg.SMTPURL = rig.smtp.URL()
		s := newServer(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), st)
		// Clocks of their own, mid-window, so that a slow run cannot cross
		// into the next window half-way through.
		hour := time.Now().UTC().Truncate(time.Hour).Add(5 * time.Hour)
		clock := hour.Add(time.Minute)
		s.now = func() time.Time { return clock }
		app, err := s.app()
		if err != nil {
			t.Fatal(err)
		}
		statuses := func(email string) []int {
			b := newBrowser(t, app)
			var out []int
			for i := 0; i <= limitResetAccount.max; i++ {
				resp, _ := b.post("/password/reset", "/password/reset", url.Values{"email": {email}})
				out = append(out, resp.StatusCode)
			}
			return out
		}
		seedOrganiser(t, st, "ana@example.org", "riverside")
		known, unknown := statuses("ana@example.org"), statuses("bo@example.org")
		want := []int{303, 303, 303, 429}
		if !equalInts(known, want) || !equalInts(unknown, want) {
			t.Fatalf("known %v, unknown %v, want both %v", known, unknown, want)
		}
		rig.flush(t)
		if n := len(rig.smtp.Messages()); n != limitResetAccount.max {
			t.Fatalf("%d links sent, want %d", n, limitResetAccount.max)
		}

		clock = hour.Add(2*time.Hour + time.Minute) // fresh windows
		b := newBrowser(t, app)
		for i := 0; i < limitResetAddress.max; i++ {
			if resp, _ := b.post("/password/reset", "/password/reset", url.Values{"email": {"someone" + strconv.Itoa(i) + "@example.org"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("request %d from one address: status %d", i+1, resp.StatusCode)
			}
		}
		resp, _ := b.post("/password/reset", "/password/reset", url.Values{"email": {"ana@example.org"}})
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("over the per-address limit: status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		rig.flush(t)
		if n := len(rig.smtp.Messages()); n != limitResetAccount.max {
			t.Fatalf("%d links sent, want still %d", n, limitResetAccount.max)
		}
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPasswordResetTakesTheSameTime: a request for an address with an
// account and one without are both padded to resetFloor, so the answer's
// timing does not tell which addresses have accounts.
func TestPasswordResetTakesTheSameTime(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		rig := newMailRig(t, st)
		cfg := testConfig(t)
		cfg.SMTPURL = rig.smtp.URL()
		s := newServer(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), st)
		var delays []time.Duration
		s.delay = func(_ context.Context, d time.Duration) { delays = append(delays, d) }
		app, err := s.app()
		if err != nil {
			t.Fatal(err)
		}
		seedOrganiser(t, st, "ana@example.org", "riverside")
		b := newBrowser(t, app)
		for _, email := range []string{"ana@example.org", "nobody@example.org"} {
			delays = nil
			if resp, _ := b.post("/password/reset", "/password/reset", url.Values{"email": {email}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: status %d", email, resp.StatusCode)
			}
			if len(delays) != 1 || delays[0] <= 0 || delays[0] > resetFloor {
				t.Errorf("%s: padded by %v, want one wait under %v", email, delays, resetFloor)
			}
		}
	})
}
