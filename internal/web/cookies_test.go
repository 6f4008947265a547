package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// TestCookieAttributes walks an organiser through login, a form with a
// flash message, an RSVP and logout, and checks every cookie Turnout sets:
// HttpOnly and SameSite always, Secure exactly when the site is https.
func TestCookieAttributes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, base := range []string{"http://turnout.test", "https://turnout.test"} {
			t.Run(strings.SplitN(base, ":", 2)[0], func(t *testing.T) {
				cfg := testConfig(t)
				cfg.BaseURL = base
				app := newTestApp(t, cfg, st)
				email := "cookie-" + strings.SplitN(base, ":", 2)[0] + "@example.org"
				seedOrganiser(t, st, email, "cookies")
				g, _ := seedGroup(t, st, "cookies-"+strings.SplitN(base, ":", 2)[0])
				e := seedEvent(t, st, g.ID, "Cookie check", 24*time.Hour, nil)
				b := newBrowserAt(t, app, base+"/")
				var seen []*http.Cookie
				record := func(resp *http.Response) { seen = append(seen, resp.Cookies()...) }
				resp, _ := b.get("/login")
				record(resp)
				resp, _ = b.post("/login", "/login", url.Values{"email": {email}, "password": {testPassword}})
				record(resp)
				resp, _ = b.get("/dashboard")
				record(resp)
				resp, _ = b.post("/account/tokens", "/account/tokens", url.Values{"name": {"ci"}})
				record(resp)
				resp, _ = b.post("/events/"+e.Slug, "/events/"+e.Slug+"/rsvp", url.Values{"name": {"A"}, "status": {"going"}, "guests": {"0"}})
				record(resp)
				resp, _ = b.post("/dashboard", "/logout", url.Values{})
				record(resp)
				names := map[string]bool{}
				for _, c := range seen {
					names[c.Name] = true
					if !c.HttpOnly || (c.SameSite != http.SameSiteLaxMode && c.SameSite != http.SameSiteStrictMode) {
						t.Errorf("cookie %s: HttpOnly=%v SameSite=%v", c.Name, c.HttpOnly, c.SameSite)
					}
					if c.Secure != strings.HasPrefix(base, "https://") {
						t.Errorf("cookie %s on %s: Secure=%v", c.Name, base, c.Secure)
					}
				}
				csrfName := map[bool]string{false: "turnout_csrf", true: "__Host-turnout_csrf"}[strings.HasPrefix(base, "https://")]
				for _, want := range []string{csrfName, "turnout_session"} {
					if !names[want] {
						t.Errorf("flow never set %s (saw %v)", want, names)
					}
				}
			})
		}
	})
}
