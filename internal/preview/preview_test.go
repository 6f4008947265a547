package preview

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/turnout"
)

const page = `<!doctype html><html><head><title>Fallback title</title>
<meta property="og:title" content="  Die-in at the station:
 why we lie down ">
<meta name="description" content="Plain description">
<meta property="og:description" content="Solidarity with refugees who drowned.">
<meta property="og:site_name" content="Riverside Action">
</head><body><meta property="og:title" content="ignored, in the body"></body></html>`

func server(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/article", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	})
	mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><head><title>Only a title</title></head></html>"))
	})
	mux.HandleFunc("/pdf", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Write([]byte("%PDF-1.4"))
	})
	mux.HandleFunc("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><head>" + strings.Repeat("<!-- padding -->", MaxBodyBytes/8) + "<title>Too far</title></head></html>"))
	})
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	// /hops/N redirects N times before the article.
	mux.HandleFunc("/hops/", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hops/"))
		if n == 0 {
			http.Redirect(w, r, "/article", http.StatusFound)
			return
		}
		http.Redirect(w, r, "/hops/"+strconv.Itoa(n-1), http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestFetchFollowsMaxRedirects: a preview follows exactly MaxRedirects
// redirects (the number docs/organisers.md gives) and no more.
func TestFetchFollowsMaxRedirects(t *testing.T) {
	srv := server(t)
	f := Fetcher{AllowPrivate: true}
	// /hops/N answers N+1 redirects in all.
	if m, err := f.Fetch(context.Background(), srv.URL+"/hops/"+strconv.Itoa(MaxRedirects-1)); err != nil || m.Source != "Riverside Action" {
		t.Fatalf("%d redirects: %+v %v", MaxRedirects, m, err)
	}
	if _, err := f.Fetch(context.Background(), srv.URL+"/hops/"+strconv.Itoa(MaxRedirects)); err == nil {
		t.Fatalf("%d redirects were followed", MaxRedirects+1)
	}
}

func TestFetch(t *testing.T) {
	srv := server(t)
	allowed := Fetcher{AllowPrivate: true}
	m, err := allowed.Fetch(context.Background(), srv.URL+"/article")
	if err != nil {
		t.Fatal(err)
	}
	if m.Title != "Die-in at the station: why we lie down" || m.Summary != "Solidarity with refugees who drowned." || m.Source != "Riverside Action" {
		t.Fatalf("got %+v", m)
	}
	m, err = allowed.Fetch(context.Background(), srv.URL+"/plain")
	if err != nil || m.Title != "Only a title" || m.Source != "127.0.0.1" {
		t.Fatalf("plain page: %+v %v", m, err)
	}
	for _, tc := range []struct{ name, url, message string }{
		{"ErrNotHTML", srv.URL + "/pdf", "not a web page"},
		{"ErrTooLargeHead", srv.URL + "/huge", "no title"},
		{"ErrNotFound", srv.URL + "/missing", "(404)"},
		{"ErrRedirectToFile", srv.URL + "/to-file", "could not reach"},
		{"ErrScheme", "file:///etc/passwd", "http:// or https://"},
		{"ErrNoServer", "http://127.0.0.1:1/", "could not reach"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := allowed.Fetch(context.Background(), tc.url)
			if turnout.ErrorCode(err) != turnout.EINVALID || !strings.Contains(turnout.ErrorMessage(err), tc.message) {
				t.Fatalf("got %v, want a message with %q", err, tc.message)
			}
		})
	}
}

func TestFetchRefusesPrivateAddresses(t *testing.T) {
	srv := server(t)
	guarded := Fetcher{}
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	for _, u := range []string{
		srv.URL + "/article",                    // loopback, the test server itself
		"http://localhost:" + port + "/article", // a name resolving to loopback
		"http://[::1]:" + port + "/article",
		"http://169.254.169.254/latest/meta-data/", // cloud metadata, link-local
		"http://10.0.0.1/", "http://192.168.1.1/", "http://0.0.0.0:" + port + "/",
	} {
		_, err := guarded.Fetch(context.Background(), u)
		if err == nil {
			t.Errorf("%s: fetched", u)
			continue
		}
		if msg := turnout.ErrorMessage(err); !strings.Contains(msg, "private or local networks") {
			t.Errorf("%s: %q", u, msg)
		}
	}
}

func TestBlocked(t *testing.T) {
	for ip, want := range map[string]bool{
		"127.0.0.1": true, "10.1.2.3": true, "172.16.0.1": true, "192.168.0.1": true, "169.254.169.254": true,
		"100.64.0.1": true, "0.0.0.0": true, "::1": true, "fe80::1": true, "fc00::1": true, "::ffff:127.0.0.1": true,
		"224.0.0.1": true, "93.184.215.14": false, "2606:4700:4700::1111": false, "1.1.1.1": false,
	} {
		if got := Blocked(net.ParseIP(ip)); got != want {
			t.Errorf("Blocked(%s) = %v, want %v", ip, got, want)
		}
	}
}
