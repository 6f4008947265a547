package web

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/turnout"
)

// browser is a test client with a cookie jar, like a person's browser.
type browser struct {
	t    testing.TB
	app  *fiber.App
	jar  *cookiejar.Jar
	base *url.URL
	// real, when set, sends requests over HTTP to the server at base
	// instead of through app.Test; forwardedFor is then the
	// X-Forwarded-For it adds (a client address behind a trusted proxy).
	real         bool
	forwardedFor string
}

// newHTTPBrowser is a browser that talks to the server at base (serve) over
// a real connection.
func newHTTPBrowser(t testing.TB, base, forwardedFor string) *browser {
	b := newBrowserAt(t, nil, base+"/")
	b.real, b.forwardedFor = true, forwardedFor
	return b
}

func newBrowser(t testing.TB, app *fiber.App) *browser {
	return newBrowserAt(t, app, "http://turnout.test/")
}

// newBrowserAt is a browser for a site at base (https keeps Secure cookies).
func newBrowserAt(t testing.TB, app *fiber.App, base string) *browser {
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(base)
	return &browser{t: t, app: app, jar: jar, base: u}
}

// send sends req with the jar's cookies and stores the cookies it gets back.
func (b *browser) send(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	for _, c := range b.jar.Cookies(b.base) {
		req.AddCookie(c)
	}
	var resp *http.Response
	var body string
	if b.real {
		resp, body = b.sendHTTP(req)
	} else {
		resp, body = do(b.t, b.app, req)
	}
	b.jar.SetCookies(b.base, resp.Cookies())
	return resp, body
}

// sendHTTP sends req over a real connection to b.base, without following redirects.
func (b *browser) sendHTTP(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	req.RequestURI = ""
	req.URL = b.base.ResolveReference(&url.URL{Path: req.URL.Path, RawQuery: req.URL.RawQuery})
	req.Host = ""
	if b.forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", b.forwardedFor)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp, string(raw)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	return b.send(httptest.NewRequest("GET", path, nil))
}

// post submits a form. The CSRF token is read from page first (a GET),
// unless form already holds _csrf.
func (b *browser) post(page, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	copied := url.Values{}
	for k, v := range form {
		copied[k] = v
	}
	form = copied
	if _, set := form["_csrf"]; !set {
		form.Set("_csrf", b.csrf(page))
	}
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf reads the CSRF token from a page's form.
func (b *browser) csrf(page string) string {
	b.t.Helper()
	resp, body := b.get(page)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no CSRF token on %s (status %d): %.300s", page, resp.StatusCode, body)
	}
	return m[1]
}

// login signs the browser in through the login form.
func (b *browser) login(email, password string) {
	b.t.Helper()
	resp, body := b.post("/login", "/login", url.Values{"email": {email}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("login %s: status %d: %.300s", email, resp.StatusCode, body)
	}
}

// cookie returns the jar's value of a cookie.
func (b *browser) cookie(name string) string {
	for _, c := range b.jar.Cookies(b.base) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

const testPassword = "correct horse battery"

// seedOrganiser creates (or reuses) an account with testPassword, member of
// the group (owner when it creates the group), and returns its API token.
func seedOrganiser(t testing.TB, st *store.Store, email, group string) string {
	t.Helper()
	tok, err := st.AddOrganiser(context.Background(), turnout.OrganiserInput{Email: email, Name: strings.Split(email, "@")[0],
		GroupSlug: group, GroupName: "Group " + group, Password: testPassword, Timezone: "Europe/London"})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// apiRequest builds a JSON API request with an optional bearer token.
func apiRequest(method, path, token, body string) *http.Request {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}
