package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// decoded returns the body of resp decoded from its Content-Encoding.
func decoded(t *testing.T, resp *http.Response, body string) string {
	t.Helper()
	var r io.Reader
	switch resp.Header.Get("Content-Encoding") {
	case "":
		return body
	case "gzip":
		zr, err := gzip.NewReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(strings.NewReader(body))
	default:
		t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestPagesStylesAndJSONAreCompressed: HTML, CSS and JSON are encoded
// with brotli or gzip for clients that accept it, say Vary: Accept-Encoding,
// and decode to the same bytes as the plain answer.
func TestPagesStylesAndJSONAreCompressed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "riverside")
		for i := 0; i < 3; i++ {
			seedEvent(t, st, g.ID, "Riverside vigil", time.Duration(24+i)*time.Hour, nil)
		}
		static, err := loadStaticAssets()
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/", "/groups/riverside", static.url("app.css"), "/api/v1/events"} {
			plainResp, plain := do(t, app, httptest.NewRequest("GET", path, nil))
			if plainResp.StatusCode != 200 || plainResp.Header.Get("Content-Encoding") != "" {
				t.Fatalf("%s without Accept-Encoding: status %d, encoding %q", path, plainResp.StatusCode, plainResp.Header.Get("Content-Encoding"))
			}
			for _, enc := range []string{"br", "gzip"} {
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("Accept-Encoding", enc)
				resp, body := do(t, app, req)
				if got := resp.Header.Get("Content-Encoding"); got != enc {
					t.Errorf("%s with Accept-Encoding %s: Content-Encoding %q", path, enc, got)
					continue
				}
				if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
					t.Errorf("%s: Vary %q", path, resp.Header.Get("Vary"))
				}
				if len(body) >= len(plain) {
					t.Errorf("%s %s: %d bytes, plain %d", path, enc, len(body), len(plain))
				}
				if path == "/api/v1/events" || strings.HasPrefix(path, "/static/") {
					if got := decoded(t, resp, body); got != plain {
						t.Errorf("%s %s decodes to other bytes", path, enc)
					}
				} else if got := decoded(t, resp, body); !strings.Contains(got, "Riverside vigil") {
					t.Errorf("%s %s decodes to %.200s", path, enc, got)
				}
			}
			if !strings.Contains(plainResp.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s plain: Vary %q", path, plainResp.Header.Get("Vary"))
			}
		}
	})
}

// TestStaticAssetsFingerprinted: pages link the stylesheet under a name
// carrying a hash of its content, served immutable for a year; the plain
// name still answers with a short lifetime; a wrong hash is not found.
func TestStaticAssetsFingerprinted(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	app := newTestApp(t, testConfig(t), st)
	_, body := do(t, app, httptest.NewRequest("GET", "/", nil))
	p := parsePage(t, body)
	var href string
	for _, l := range p.tag("link") {
		if attr(l, "rel") == "stylesheet" {
			href = attr(l, "href")
		}
	}
	want, err := os.ReadFile("../../web/static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(href, "/static/app.") || !strings.HasSuffix(href, ".css") || href == "/static/app.css" {
		t.Fatalf("stylesheet linked as %q", href)
	}
	resp, css := do(t, app, httptest.NewRequest("GET", href, nil))
	if resp.StatusCode != 200 || css != string(want) {
		t.Fatalf("%s: status %d, %d bytes (file has %d)", href, resp.StatusCode, len(css), len(want))
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("%s: Cache-Control %q", href, cc)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("Content-Type %q", ct)
	}
	resp, css = do(t, app, httptest.NewRequest("GET", "/static/app.css", nil))
	if resp.StatusCode != 200 || !bytes.Equal([]byte(css), want) || strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("/static/app.css: status %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if resp, _ := do(t, app, httptest.NewRequest("GET", "/static/app.000000000000.css", nil)); resp.StatusCode != 404 {
		t.Errorf("wrong hash: status %d", resp.StatusCode)
	}
}

// TestPagesWithCSRFTokenNotCompressed: a page holding a CSRF token next to
// text the requester chose (the signed-in home page with a search, the
// login form with its next) is sent uncompressed, so that its size says
// nothing about the token (BREACH); the same page signed out is compressed.
func TestPagesWithCSRFTokenNotCompressed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "riverside")
		seedEvent(t, st, g.ID, "Riverside vigil", 24*time.Hour, nil)
		seedOrganiser(t, st, "ada@example.org", "riverside")
		anon := newBrowser(t, app)
		ada := newBrowser(t, app)
		ada.login("ada@example.org", testPassword)
		for _, tc := range []struct {
			name       string
			b          *browser
			path       string
			compressed bool
		}{
			{"SignedOutHome", anon, "/?q=riverside", true},
			{"SignedInHome", ada, "/?q=riverside", false},
			{"LoginForm", anon, "/login?next=%2Fdashboard", false},
			{"Dashboard", ada, "/dashboard", false},
		} {
			req := httptest.NewRequest("GET", tc.path, nil)
			req.Header.Set("Accept-Encoding", "gzip, br")
			resp, body := tc.b.send(req)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: status %d", tc.name, resp.StatusCode)
			}
			enc := resp.Header.Get("Content-Encoding")
			if (enc != "") != tc.compressed {
				t.Errorf("%s: Content-Encoding %q, want compressed %v", tc.name, enc, tc.compressed)
			}
			if !tc.compressed && !strings.Contains(body, `name="_csrf"`) {
				t.Errorf("%s: no CSRF token on the page: the case proves nothing", tc.name)
			}
		}
	})
}
