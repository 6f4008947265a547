package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// postLogin posts the login form over HTTP with a CSRF cookie and field of
// the caller's choosing, and returns the status.
func postLogin(t *testing.T, base, cookie, cookieValue, field string) int {
	t.Helper()
	form := url.Values{"_csrf": {field}, "email": {"ada@example.org"}, "password": {"wrong password"}}
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: cookie, Value: cookieValue})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestCSRFRefusesWeakTokens: a double-submit pair that a page on another
// site (or a sibling subdomain) could plant, short or not base64, is
// refused; a token of Turnout's own form passes on to the login check.
func TestCSRFRefusesWeakTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedOrganiser(t, st, "ada@example.org", "riverside")
		base := serve(t, newTestApp(t, testConfig(t), st))
		for name, tok := range map[string]string{"OneCharacter": "x", "Under128Bits": strings.Repeat("a", 21), "NotBase64": strings.Repeat("*", 43)} {
			if got := postLogin(t, base, "turnout_csrf", tok, tok); got != http.StatusForbidden {
				t.Errorf("%s pair: status %d, want 403", name, got)
			}
		}
		tok := turnout.NewToken()
		if got := postLogin(t, base, "turnout_csrf", tok, tok); got != http.StatusUnauthorized {
			t.Errorf("a real token pair: status %d, want 401 (wrong password)", got)
		}
	})
}

// TestHTTPSHeadersAndCSRFCookie: on an https site every answer carries
// Strict-Transport-Security and the CSRF cookie is __Host- prefixed, so an
// unprefixed cookie (which a subdomain could set) is not believed; on
// http there is no HSTS.
func TestHTTPSHeadersAndCSRFCookie(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seedOrganiser(t, st, "ada@example.org", "riverside")
		for _, scheme := range []string{"http", "https"} {
			t.Run(scheme, func(t *testing.T) {
				cfg := testConfig(t)
				cfg.BaseURL = scheme + "://turnout.test"
				base := serve(t, newTestApp(t, cfg, st))
				for _, path := range []string{"/login", "/", "/no-such-page"} {
					resp, err := http.Get(base + path)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if got := resp.Header.Get("Strict-Transport-Security"); (got != "") != (scheme == "https") {
						t.Errorf("GET %s: Strict-Transport-Security %q on %s", path, got, scheme)
					}
					if path != "/login" {
						continue
					}
					want := map[string]string{"http": "turnout_csrf", "https": "__Host-turnout_csrf"}[scheme]
					var found *http.Cookie
					for _, c := range resp.Cookies() {
						if strings.HasSuffix(c.Name, "turnout_csrf") {
							found = c
						}
					}
					if found == nil || found.Name != want || found.Path != "/" || found.Domain != "" || found.Secure != (scheme == "https") {
						t.Fatalf("CSRF cookie %+v, want %s", found, want)
					}
				}
				if scheme == "https" {
					tok := turnout.NewToken()
					if got := postLogin(t, base, "turnout_csrf", tok, tok); got != http.StatusForbidden {
						t.Errorf("unprefixed cookie on https: status %d, want 403", got)
					}
					if got := postLogin(t, base, "__Host-turnout_csrf", tok, tok); got != http.StatusUnauthorized {
						t.Errorf("__Host- cookie on https: status %d, want 401", got)
					}
				}
			})
		}
	})
}
