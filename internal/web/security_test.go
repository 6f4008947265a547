package web

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// securityRoutes are requests over every kind of answer: pages, errors,
// API, static files, health checks.
func securityRoutes(slug string) [][2]string {
	return [][2]string{
		{"GET", "/"}, {"GET", "/?kind=march"}, {"GET", "/?kind=nope"}, {"GET", "/events/" + slug},
		{"GET", "/groups/headers"}, {"GET", "/groups/nobody"}, {"GET", "/no/such/page"}, {"POST", "/"},
		{"GET", "/api/v1/events"}, {"GET", "/api/v1/events/" + slug}, {"GET", "/api/v1/events/nope"},
		{"GET", "/static/app.css"}, {"GET", "/static/favicon.svg"}, {"GET", "/healthz"}, {"GET", "/readyz"},
		{"POST", "/api/v1/events"}, {"GET", "/events.ics"}, {"GET", "/events.atom"}, {"GET", "/events/" + slug + ".ics"},
		{"GET", "/groups/headers/events.ics"}, {"GET", "/metrics"},
		{"GET", "/login"}, {"GET", "/signup"}, {"POST", "/login"}, {"GET", "/dashboard"}, {"GET", "/rsvp/bogus"},
		{"GET", "/events/" + slug + "/attendees"}, {"GET", "/events/" + slug + "/attendees.csv"}, {"POST", "/events/" + slug + "/rsvp"},
		{"GET", "/api/v1/rsvps/bogus"}, {"GET", "/articles/1"},
	}
}

// checkSecurityHeaders fails t unless h carries the headers every answer must.
func checkSecurityHeaders(t *testing.T, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	if directives["default-src"] != "'self'" {
		t.Errorf("CSP default-src %q, want 'self' (CSP %q)", directives["default-src"], csp)
	}
	if directives["frame-ancestors"] != "'none'" {
		t.Errorf("CSP frame-ancestors %q, want 'none'", directives["frame-ancestors"])
	}
	for _, name := range []string{"script-src", "style-src", "default-src"} {
		v := directives[name]
		if strings.Contains(v, "unsafe-inline") || strings.Contains(v, "unsafe-eval") || strings.Contains(v, "data:") || strings.Contains(v, "*") {
			t.Errorf("CSP %s allows inline or foreign code: %q", name, v)
		}
	}
	if directives["object-src"] != "'none'" {
		t.Errorf("CSP object-src %q, want 'none'", directives["object-src"])
	}
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"X-Frame-Options":        "DENY",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	pp := h.Get("Permissions-Policy")
	for _, feature := range []string{"camera=()", "microphone=()", "geolocation=()", "payment=()"} {
		if !strings.Contains(pp, feature) {
			t.Errorf("Permissions-Policy %q lacks %s", pp, feature)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "headers")
		e := seedEvent(t, st, g.ID, "Header check", 24*time.Hour, nil)
		base := serve(t, app)
		routes := append(securityRoutes(e.Slug), [2]string{"POST", "/api/v1/events/" + e.Slug})
		for _, r := range routes {
			t.Run(r[0]+" "+r[1], func(t *testing.T) {
				req, _ := http.NewRequest(r[0], base+r[1], nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				checkSecurityHeaders(t, resp.Header)
				if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					checkNoInlineCode(t, string(body))
				}
			})
		}
		t.Run("BodyOverLimit", func(t *testing.T) {
			resp, _ := rawExchange(t, strings.TrimPrefix(base, "http://"), "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n")
			if resp.StatusCode != fiber.StatusRequestEntityTooLarge {
				t.Fatalf("status %d", resp.StatusCode)
			}
			checkSecurityHeaders(t, resp.Header)
		})
	})
}

// checkNoInlineCode fails t when a page carries inline script, inline
// styles or event-handler attributes, which the CSP would block anyway.
var jsonLD = regexp.MustCompile(`<script type="application/ld\+json">[^<]*</script>`)

func checkNoInlineCode(t *testing.T, page string) {
	t.Helper()
	// JSON-LD is data that browsers never run: the only script element allowed.
	lower := jsonLD.ReplaceAllString(strings.ToLower(page), "")
	for _, bad := range []string{"<script", " style=", "<style", "javascript:", " onclick=", " onload=", " onerror="} {
		if strings.Contains(lower, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
}

// TestTrustedProxies checks that X-Forwarded-For is believed only from the
// configured proxies, and then only from the right, so that a client cannot
// pick its own address (and dodge per-address rate limits) by sending it.
func TestTrustedProxies(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	tests := []struct {
		name    string
		trusted []string
		xff     string
		want    string
	}{
		{"NoProxiesIgnoresHeader", nil, "203.0.113.9", "127.0.0.1"},
		{"UntrustedPeerIgnoresHeader", []string{"10.0.0.0/8"}, "203.0.113.9", "127.0.0.1"},
		{"TrustedPeerBelieved", []string{"127.0.0.1"}, "203.0.113.9", "203.0.113.9"},
		{"TrustedRangeBelieved", []string{"127.0.0.0/8"}, "203.0.113.9", "203.0.113.9"},
		{"SpoofedLeftmostIgnored", []string{"127.0.0.1"}, "1.2.3.4, 203.0.113.9", "203.0.113.9"},
		{"ChainOfTrustedProxies", []string{"127.0.0.1", "10.0.0.0/8"}, "6.6.6.6, 198.51.100.7, 10.1.2.3", "198.51.100.7"},
		{"GarbageStopsTheWalk", []string{"127.0.0.1"}, "203.0.113.9, <script>", "127.0.0.1"},
		{"MissingHeaderIsPeer", []string{"127.0.0.1"}, "", "127.0.0.1"},
		{"IPv6Client", []string{"127.0.0.1"}, "2001:db8::1", "2001:db8::1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.TrustedProxies = tc.trusted
			app := newTestApp(t, cfg, st)
			app.Get("/test/ip", func(c *fiber.Ctx) error { return c.SendString(c.IP()) })
			req, _ := http.NewRequest("GET", serve(t, app)+"/test/ip", nil)
			if tc.xff != "" {
				req.Header.Set("X-Forwarded-For", tc.xff)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != tc.want {
				t.Errorf("c.IP() = %q, want %q", body, tc.want)
			}
		})
	}
}
