package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// abuseServer serves a Turnout over a real listener behind a trusted proxy
// at 127.0.0.1, so that each test browser can claim its own client address
// through X-Forwarded-For. Each test gets its own rate-limit windows.
func abuseServer(t *testing.T, st *store.Store, window int) (*Server, string) {
	t.Helper()
	cfg := testConfig(t)
	cfg.TrustedProxies = []string{"127.0.0.1"}
	cfg.RSVPRateLimit = 3
	s := newServer(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), st)
	start := time.Now().UTC().Truncate(time.Hour).Add(time.Duration(window) * time.Hour)
	s.now = func() time.Time { return start.Add(time.Minute) }
	app, err := s.app()
	if err != nil {
		t.Fatal(err)
	}
	return s, serve(t, app)
}

// TestPasswordWorkAfterCheapChecks: a bogus invitation or an invalid form,
// even with the longest password allowed, is refused without hashing, and a
// sign-up costs one password computation whether or not the email is taken.
func TestPasswordWorkAfterCheapChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, base := abuseServer(t, st, 1)
		long := strings.Repeat("p", 512)
		cases := []struct {
			name, path string
			form       url.Values
			status     int
		}{
			{"BogusInvitation", "/invitations/bogus", url.Values{"name": {"Mallory"}, "email": {"m@example.org"}, "password": {long}}, 404},
			{"SignupBadEmail", "/signup", url.Values{"name": {"M"}, "email": {"not an email"}, "password": {long}, "group_name": {"G"}}, 422},
			{"SignupPasswordTooLong", "/signup", url.Values{"name": {"M"}, "email": {"m@example.org"}, "password": {long + "p"}, "group_name": {"G"}}, 422},
		}
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				b := newHTTPBrowser(t, base, fmt.Sprintf("198.51.100.%d", i+1))
				before := turnout.PasswordHashes()
				resp, _ := b.post("/signup", tc.path, tc.form)
				if resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
				}
				if n := turnout.PasswordHashes() - before; n != 0 {
					t.Fatalf("%d password hashes for a request refused by cheap checks", n)
				}
			})
		}
		form := url.Values{"name": {"Ada"}, "email": {"ada@example.org"}, "password": {testPassword}, "group_name": {"Riverside"}}
		for _, name := range []string{"NewEmail", "TakenEmail"} {
			b := newHTTPBrowser(t, base, "203.0.113.1")
			before := turnout.PasswordHashes()
			if resp, _ := b.post("/signup", "/signup", form); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s: status %d", name, resp.StatusCode)
			}
			if n := turnout.PasswordHashes() - before; n != 1 {
				t.Errorf("%s: %d password computations, want 1", name, n)
			}
		}
	})
}

// TestPasswordFormsThrottledPerAddress: sign-up and invitation forms are
// limited per client address, before any other work; another address is
// not held up.
func TestPasswordFormsThrottledPerAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, base := abuseServer(t, st, 2)
		for _, tc := range []struct {
			path  string
			limit int
			ok    int
		}{{"/signup", limitSignup.max, 422}, {"/invitations/bogus", limitInvitation.max, 404}} {
			t.Run(strings.Trim(tc.path, "/"), func(t *testing.T) {
				form := url.Values{"name": {"M"}, "email": {"bad"}, "password": {"short"}, "group_name": {"G"}}
				flood := newHTTPBrowser(t, base, "2001:db8:"+fmt.Sprint(tc.limit)+"::1")
				for i := 0; i < tc.limit; i++ {
					if resp, _ := flood.post("/signup", tc.path, form); resp.StatusCode != tc.ok {
						t.Fatalf("attempt %d: status %d", i+1, resp.StatusCode)
					}
				}
				before := turnout.PasswordHashes()
				resp, _ := flood.post("/signup", tc.path, url.Values{"name": {"M"}, "email": {"m@example.org"}, "password": {testPassword}, "group_name": {"G"}})
				if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
					t.Fatalf("over the limit: status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
				}
				if turnout.PasswordHashes() != before {
					t.Fatal("a throttled form was hashed")
				}
				if resp, _ := newHTTPBrowser(t, base, "203.0.113.50").post("/signup", tc.path, form); resp.StatusCode != tc.ok {
					t.Fatalf("another address: status %d", resp.StatusCode)
				}
			})
		}
	})
}

// TestRateLimitsKeyIPv6By64: addresses of one IPv6 /64 share one bucket, for
// RSVPs and for login failures; another /64 has its own.
func TestRateLimitsKeyIPv6By64(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		g, _ := seedGroup(t, st, "six")
		e := seedEvent(t, st, g.ID, "Vigil", 48*time.Hour, nil)
		seedOrganiser(t, st, "ada@example.org", "riverside")
		_, base := abuseServer(t, st, 3)
		refused := 0
		for i := 0; i < 6; i++ {
			b := newHTTPBrowser(t, base, fmt.Sprintf("2001:db8:aa:bb::%x", i+1))
			req, _ := http.NewRequest("POST", "/api/v1/events/"+e.Slug+"/rsvps", strings.NewReader(fmt.Sprintf(`{"name": "R%d", "status": "maybe"}`, i)))
			req.Header.Set("Content-Type", "application/json")
			resp, _ := b.send(req)
			switch resp.StatusCode {
			case 201:
			case 429:
				refused++
			default:
				t.Fatalf("RSVP %d: status %d", i, resp.StatusCode)
			}
		}
		if refused != 3 {
			t.Errorf("%d of 6 RSVPs from one /64 refused at 3 a minute, want 3", refused)
		}
		for i := 0; i < limitLoginPair.max; i++ {
			b := newHTTPBrowser(t, base, fmt.Sprintf("2001:db8:cc:dd:%x::1", i+1))
			if resp, _ := b.post("/login", "/login", url.Values{"email": {"ada@example.org"}, "password": {"wrong password"}}); resp.StatusCode != 401 {
				t.Fatalf("failure %d: status %d", i+1, resp.StatusCode)
			}
		}
		// Those were ten different /64s; ten failures from one /64 stop it.
		for i := 0; i < limitLoginPair.max; i++ {
			b := newHTTPBrowser(t, base, fmt.Sprintf("2001:db8:ee:ff::%x", i+1))
			if resp, _ := b.post("/login", "/login", url.Values{"email": {"ada@example.org"}, "password": {"wrong password"}}); resp.StatusCode != 401 {
				t.Fatalf("failure %d from one /64: status %d", i+1, resp.StatusCode)
			}
		}
		b := newHTTPBrowser(t, base, "2001:db8:ee:ff::99")
		if resp, _ := b.post("/login", "/login", url.Values{"email": {"ada@example.org"}, "password": {"wrong password"}}); resp.StatusCode != 429 {
			t.Fatalf("another address of the /64: status %d, want 429", resp.StatusCode)
		}
	})
}

// TestForwardedForLinesCombined: a client that sends its own
// X-Forwarded-For line ahead of the one the trusted proxy adds cannot pick
// its rate-limit bucket: the lines are one list.
func TestForwardedForLinesCombined(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		g, _ := seedGroup(t, st, "lines")
		e := seedEvent(t, st, g.ID, "Vigil", 48*time.Hour, nil)
		_, base := abuseServer(t, st, 4)
		refused := 0
		for i := 0; i < 6; i++ {
			req, _ := http.NewRequest("POST", base+"/api/v1/events/"+e.Slug+"/rsvps", strings.NewReader(fmt.Sprintf(`{"name": "R%d", "status": "maybe"}`, i)))
			req.Header.Set("Content-Type", "application/json")
			req.Header["X-Forwarded-For"] = []string{fmt.Sprintf("198.51.100.%d", i+1), "203.0.113.7"}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			switch resp.StatusCode {
			case 201:
			case 429:
				refused++
			default:
				t.Fatalf("RSVP %d: status %d", i, resp.StatusCode)
			}
		}
		if refused != 3 {
			t.Errorf("%d of 6 RSVPs refused at 3 a minute, want 3: the spoofed first line chose the bucket", refused)
		}
	})
}

// TestOwnerLogsInDuringAttack: failures against an account from rotating
// addresses never lock its owner out. Each attacking address is stopped
// after its own failures; past the account's ceiling, logins are slowed,
// and the owner's right password from their own address still works.
func TestOwnerLogsInDuringAttack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedOrganiser(t, st, "ada@example.org", "riverside")
		s, base := abuseServer(t, st, 5)
		var delays []time.Duration
		s.delay = func(_ context.Context, d time.Duration) { delays = append(delays, d) }
		for i := 0; i < 12; i++ {
			b := newHTTPBrowser(t, base, fmt.Sprintf("198.51.100.%d", i+1))
			if resp, _ := b.post("/login", "/login", url.Values{"email": {"ada@example.org"}, "password": {"guess"}}); resp.StatusCode != 401 {
				t.Fatalf("failure %d: status %d", i+1, resp.StatusCode)
			}
		}
		owner := newHTTPBrowser(t, base, "203.0.113.20")
		owner.login("ada@example.org", testPassword)

		// One address is stopped after its own failures against the account.
		attacker := newHTTPBrowser(t, base, "192.0.2.66")
		for i := 0; i < limitLoginPair.max; i++ {
			attacker.post("/login", "/login", url.Values{"email": {"ada@example.org"}, "password": {"guess"}})
		}
		if resp, _ := attacker.post("/login", "/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}}); resp.StatusCode != 429 {
			t.Fatalf("attacking address after %d failures: status %d, want 429", limitLoginPair.max, resp.StatusCode)
		}

		// Past the account's ceiling, the owner waits but gets in.
		saved := limitLoginAccount
		limitLoginAccount.max = 20
		defer func() { limitLoginAccount = saved }()
		if len(delays) != 0 {
			t.Fatalf("delayed below the ceiling: %v", delays)
		}
		owner = newHTTPBrowser(t, base, "203.0.113.21")
		owner.login("ada@example.org", testPassword)
		if len(delays) != 1 || delays[0] != loginDelay {
			t.Fatalf("delays %v, want one of %v", delays, loginDelay)
		}
	})
}

// TestSignupDoesNotDiscloseAccounts: signing up with an email that has an
// account answers exactly as with a new one, and creates nothing.
func TestSignupDoesNotDiscloseAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedOrganiser(t, st, "ada@example.org", "riverside")
		_, base := abuseServer(t, st, 6)
		answer := func(email string) (int, string, string) {
			b := newHTTPBrowser(t, base, "203.0.113.30")
			resp, body := b.post("/signup", "/signup", url.Values{"name": {"Someone"}, "email": {email}, "password": {"another long password"}, "group_name": {"Harbour"}})
			var page string
			if loc := resp.Header.Get("Location"); loc != "" {
				_, page = b.get(loc)
			}
			return resp.StatusCode, resp.Header.Get("Location") + body, flashOf(page)
		}
		s1, l1, f1 := answer("new@example.org")
		s2, l2, f2 := answer("ADA@example.org")
		if s1 != s2 || l1 != l2 || f1 != f2 || f1 == "" {
			t.Fatalf("new email: %d %q %q\ntaken email: %d %q %q", s1, l1, f1, s2, l2, f2)
		}
		if _, err := st.Authenticate(context.Background(), "ada@example.org", testPassword); err != nil {
			t.Fatalf("the existing account changed: %v", err)
		}
		if _, err := st.Authenticate(context.Background(), "ada@example.org", "another long password"); err == nil {
			t.Fatal("the sign-up replaced the existing account's password")
		}
		if _, err := st.FindGroupBySlug(context.Background(), "harbour-2"); err == nil {
			t.Fatal("a sign-up with a taken email created a group")
		}
	})
}

// TestInvitationDoesNotDiscloseAccounts: accepting an invitation as a new
// account with an email that has one answers exactly as for a new email;
// the existing account joins only with its own password, and no second
// account is made.
func TestInvitationDoesNotDiscloseAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		seedOrganiser(t, st, "owner@example.org", "riverside")
		seedOrganiser(t, st, "ada@example.org", "harbour")
		g, _ := st.FindGroupBySlug(ctx, "riverside")
		owner, _ := st.Authenticate(ctx, "owner@example.org", testPassword)
		ada, _ := st.Authenticate(ctx, "ada@example.org", testPassword)
		_, base := abuseServer(t, st, 7)
		answer := func(email, password string) (int, string, string) {
			token, _, err := st.CreateInvitation(ctx, g.ID, owner.ID, turnout.RoleOwner)
			if err != nil {
				t.Fatal(err)
			}
			b := newHTTPBrowser(t, base, "203.0.113.40")
			resp, body := b.post("/invitations/"+token, "/invitations/"+token, url.Values{"name": {"Someone"}, "email": {email}, "password": {password}})
			var page string
			if loc := resp.Header.Get("Location"); loc != "" {
				_, page = b.get(loc)
			}
			if resp, _ := b.get("/invitations/" + token); resp.StatusCode != 404 {
				t.Fatalf("the invitation still works after use: %d", resp.StatusCode)
			}
			return resp.StatusCode, resp.Header.Get("Location") + body, flashOf(page)
		}
		s1, l1, f1 := answer("new@example.org", "another long password")
		s2, l2, f2 := answer("ada@example.org", "another long password")
		if s1 != s2 || l1 != l2 || f1 != f2 || f1 == "" {
			t.Fatalf("new email: %d %q %q\ntaken email: %d %q %q", s1, l1, f1, s2, l2, f2)
		}
		if _, err := st.FindMembership(ctx, ada.ID, g.ID); err == nil {
			t.Fatal("an existing account joined with a password that is not its own")
		}
		if _, err := st.Authenticate(ctx, "ada@example.org", "another long password"); err == nil {
			t.Fatal("the existing account's password was replaced")
		}
		answer("ada@example.org", testPassword)
		if m, err := st.FindMembership(ctx, ada.ID, g.ID); err != nil || m.Role != turnout.RoleOwner {
			t.Fatalf("the account's owner, with its password, did not join: %v", err)
		}
		members, _ := st.FindMembers(ctx, g.ID)
		if len(members) != 3 {
			t.Fatalf("%d members, want owner, new and ada", len(members))
		}
	})
}

// flashOf returns the flash message of a page.
func flashOf(page string) string {
	_, after, ok := strings.Cut(page, `<p class="flash" role="status">`)
	if !ok {
		return ""
	}
	msg, _, _ := strings.Cut(after, "</p>")
	return msg
}

// TestBogusInvitationFloodDoesNoHashing is the review's reproduction: many
// concurrent POSTs to a bogus invitation with long passwords, from many
// addresses, are all refused with 404 and none of them hashes.
func TestBogusInvitationFloodDoesNoHashing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, base := abuseServer(t, st, 8)
		tok := turnout.NewToken() // a double-submit pair, as a script would fetch once
		form := url.Values{"_csrf": {tok}, "name": {"Mallory"}, "email": {"m@example.org"}, "password": {strings.Repeat("p", 512)}}
		before := turnout.PasswordHashes()
		const n = 60
		statuses := make(chan int, n)
		for i := 0; i < n; i++ {
			go func(i int) {
				req, _ := http.NewRequest("POST", base+"/invitations/bogus-"+fmt.Sprint(i), strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.%d.%d", i/200, i%200+1))
				req.AddCookie(&http.Cookie{Name: "turnout_csrf", Value: tok})
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					statuses <- 0
					return
				}
				resp.Body.Close()
				statuses <- resp.StatusCode
			}(i)
		}
		for i := 0; i < n; i++ {
			if s := <-statuses; s != http.StatusNotFound {
				t.Errorf("request answered %d, want 404", s)
			}
		}
		if d := turnout.PasswordHashes() - before; d != 0 {
			t.Fatalf("%d password hashes for %d bogus invitations", d, n)
		}
	})
}
