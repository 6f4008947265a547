package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

func TestSignupLoginLogout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		b := newBrowser(t, app)

		form := url.Values{"name": {"Ada"}, "email": {"ada@example.org"}, "password": {"short"}, "group_name": {"Riverside Action"}, "timezone": {"Europe/London"}}
		resp, body := b.post("/signup", "/signup", form)
		if resp.StatusCode != 422 || !strings.Contains(body, `aria-describedby="password-hint password-error"`) || !strings.Contains(body, `value="ada@example.org"`) {
			t.Fatalf("short password: status %d: %.500s", resp.StatusCode, body)
		}
		form.Set("password", testPassword)
		resp, body = b.post("/signup", "/signup", form)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("signup: status %d: %.300s", resp.StatusCode, body)
		}
		if _, body = b.get("/login"); !strings.Contains(body, "Now log in with your email address and password") {
			t.Fatalf("login page after sign-up: %.500s", body)
		}
		b.login("ada@example.org", testPassword)
		resp, body = b.get("/dashboard")
		if resp.StatusCode != 200 || !strings.Contains(body, "Riverside Action") {
			t.Fatalf("dashboard: status %d: %.500s", resp.StatusCode, body)
		}
		if _, err := st.FindGroupBySlug(context.Background(), "riverside-action"); err != nil {
			t.Fatalf("group not created: %v", err)
		}
		// The same email again creates nothing (TestSignupDoesNotDiscloseAccounts
		// checks that the answer is the same as for a new one).
		b2 := newBrowser(t, app)
		if resp, _ = b2.post("/signup", "/signup", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("duplicate email: status %d", resp.StatusCode)
		}
		if _, err := st.FindGroupBySlug(context.Background(), "riverside-action-2"); err == nil {
			t.Fatal("duplicate sign-up created a group")
		}

		sessionBefore := b.cookie(sessionCookie)
		resp, _ = b.post("/dashboard", "/logout", nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: status %d", resp.StatusCode)
		}
		if _, err := st.FindSession(context.Background(), sessionBefore); err == nil {
			t.Fatal("session still in the database after logout")
		}
		resp, _ = b.get("/dashboard")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=%2Fdashboard") {
			t.Fatalf("dashboard after logout: status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		// Replaying the old cookie does not sign anyone in.
		replay := newBrowser(t, app)
		req, _ := http.NewRequest("GET", "/dashboard", nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: sessionBefore})
		if resp, _ := replay.send(req); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("old session cookie still works: status %d", resp.StatusCode)
		}
	})
}

func TestLogin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg := testConfig(t)
		cfg.BaseURL = "https://turnout.test"
		app := newTestApp(t, cfg, st)
		seedOrganiser(t, st, "ada@example.org", "riverside")

		t.Run("GenericMessage", func(t *testing.T) {
			b := newBrowserAt(t, app, "https://turnout.test/")
			var bodies []string
			for _, email := range []string{"ada@example.org", "nobody@example.org"} {
				resp, body := b.post("/login", "/login", url.Values{"email": {email}, "password": {"wrong password"}})
				if resp.StatusCode != 401 || !strings.Contains(body, loginFailureMessage) {
					t.Fatalf("%s: status %d", email, resp.StatusCode)
				}
				bodies = append(bodies, body)
			}
			if strings.Contains(bodies[0], "nobody") || strings.Contains(bodies[1], "not found") {
				t.Error("the message differs between a known and an unknown email")
			}
		})
		t.Run("RotatesSessionAndSecureCookie", func(t *testing.T) {
			b := newBrowserAt(t, app, "https://turnout.test/")
			b.login("ada@example.org", testPassword)
			first := b.cookie(sessionCookie)
			// Log in again in the same browser: a new id, the old one destroyed.
			resp, _ := b.post("/dashboard", "/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}})
			var set *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == sessionCookie && c.Value != "" {
					set = c
				}
			}
			if set == nil || set.Value == first {
				t.Fatalf("session id not rotated at login")
			}
			if !set.HttpOnly || !set.Secure || set.SameSite != http.SameSiteLaxMode {
				t.Errorf("cookie attributes: HttpOnly=%v Secure=%v SameSite=%v", set.HttpOnly, set.Secure, set.SameSite)
			}
			if _, err := st.FindSession(context.Background(), first); err == nil {
				t.Error("the session before login still exists")
			}
		})
		t.Run("NextOnlyLocal", func(t *testing.T) {
			for next, want := range map[string]string{
				"/groups/riverside/settings": "/groups/riverside/settings",
				"https://evil.example/":      "/dashboard",
				"//evil.example/":            "/dashboard",
				"/\\evil.example":            "/dashboard",
				"javascript:alert(1)":        "/dashboard",
				"":                           "/dashboard",
			} {
				b := newBrowserAt(t, app, "https://turnout.test/")
				resp, _ := b.post("/login", "/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}, "next": {next}})
				if got := resp.Header.Get("Location"); got != want {
					t.Errorf("next %q: redirected to %q, want %q", next, got, want)
				}
			}
		})
	})
}

// TestLoginThrottle: failures against one account from one address stop
// that address, even with the right password; another account from the
// same address is not held up by them.
func TestLoginThrottle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "ada@example.org", "riverside")
		b := newBrowser(t, app)
		for i := 0; i < limitLoginPair.max; i++ {
			resp, _ := b.post("/login", "/login", url.Values{"email": {"ADA@example.org"}, "password": {"guess " + string(rune('a'+i))}})
			if resp.StatusCode != 401 {
				t.Fatalf("attempt %d: status %d", i+1, resp.StatusCode)
			}
		}
		// Now even the right password is refused from this address.
		other := newBrowser(t, app)
		resp, body := other.post("/login", "/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}})
		if resp.StatusCode != 429 || !strings.Contains(body, "Too many failed attempts") || other.cookie(sessionCookie) != "" {
			t.Fatalf("after %d failures: status %d", limitLoginPair.max, resp.StatusCode)
		}
		// Another account from the same address is not locked out by these.
		seedOrganiser(t, st, "bo@example.org", "harbour")
		other.login("bo@example.org", testPassword)
	})
}

func TestSignupClosed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg := testConfig(t)
		cfg.OpenSignup = false
		app := newTestApp(t, cfg, st)
		b := newBrowser(t, app)
		resp, _ := b.get("/signup")
		if resp.StatusCode != 403 {
			t.Fatalf("GET /signup: status %d", resp.StatusCode)
		}
		form := url.Values{"_csrf": {b.csrf("/login")}, "name": {"Ada"}, "email": {"ada@example.org"}, "password": {testPassword}, "group_name": {"X"}}
		resp, _ = b.post("/login", "/signup", form)
		if resp.StatusCode != 403 {
			t.Fatalf("POST /signup: status %d", resp.StatusCode)
		}
		if _, err := st.Authenticate(context.Background(), "ada@example.org", testPassword); err == nil {
			t.Fatal("account created although sign-up is closed")
		}
	})
}

func TestCSRF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "ada@example.org", "riverside")
		b := newBrowser(t, app)
		b.login("ada@example.org", testPassword)
		for name, token := range map[string]string{"Missing": "", "Wrong": "not-the-token", "Short": "x"} {
			t.Run(name, func(t *testing.T) {
				form := url.Values{"_csrf": {token}, "name": {"Hijacked"}, "timezone": {"UTC"}}
				resp, _ := b.post("", "/groups/riverside/settings", form)
				if resp.StatusCode != 403 {
					t.Fatalf("status %d, want 403", resp.StatusCode)
				}
				g, _ := st.FindGroupBySlug(context.Background(), "riverside")
				if g.Name == "Hijacked" {
					t.Fatal("settings changed without a valid CSRF token")
				}
			})
		}
		// The login form needs its double-submit token too.
		anon := newBrowser(t, app)
		resp, _ := anon.post("", "/login", url.Values{"_csrf": {""}, "email": {"ada@example.org"}, "password": {testPassword}})
		if resp.StatusCode != 403 || anon.cookie(sessionCookie) != "" {
			t.Fatalf("login without CSRF token: status %d", resp.StatusCode)
		}
	})
}

func TestLoginThrottlePerAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newServer(testConfig(t), slog.New(slog.NewTextHandler(io.Discard, nil)), st)
		// A clock of its own, mid-window, so that a slow run cannot cross
		// into the next window half-way through.
		start := time.Now().UTC().Truncate(time.Hour).Add(9 * time.Hour)
		s.now = func() time.Time { return start.Add(time.Minute) }
		app, err := s.app()
		if err != nil {
			t.Fatal(err)
		}
		seedOrganiser(t, st, "ada@example.org", "riverside")
		b := newBrowser(t, app)
		// Guessing many accounts from one address...
		for i := 0; i < limitLoginAddress.max; i++ {
			email := "guess" + strconv.Itoa(i) + "@example.org"
			if resp, _ := b.post("/login", "/login", url.Values{"email": {email}, "password": {"password123"}}); resp.StatusCode != 401 {
				t.Fatalf("attempt %d: status %d", i+1, resp.StatusCode)
			}
		}
		// ...locks that address out, even for a real account and password.
		resp, _ := b.post("/login", "/login", url.Values{"email": {"ada@example.org"}, "password": {testPassword}})
		if resp.StatusCode != 429 || b.cookie(sessionCookie) != "" {
			t.Fatalf("status %d after %d failures from one address", resp.StatusCode, limitLoginAddress.max)
		}
	})
}
