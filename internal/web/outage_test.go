package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestDatabaseOutage serves through a TCP proxy in front of Postgres, cuts
// it, and checks that Turnout says so clearly (503 pages and API errors that
// leak nothing, /readyz 503, /healthz still 200) except for the public pages
// it showed before, which it answers from memory with a note that they may be
// out of date, while RSVPs answer 503. Then it restores the database and
// checks that Turnout recovers without a restart and shows what changed
// meanwhile. An SQLite file cannot go away while its process holds it open,
// so this runs on Postgres only.
func TestDatabaseOutage(t *testing.T) {
	target, ok := storetest.PostgresTarget(t)
	if !ok {
		t.Skip("needs Postgres: set " + storetest.EnvPostgres)
	}
	direct := storetest.Open(t, target)
	g, _ := seedGroup(t, direct, "outage")
	e := seedEvent(t, direct, g.ID, "Still on", 24*time.Hour, nil)

	proxy := storetest.NewProxy(t, storetest.PostgresHost(t, target.URL))
	st, err := store.Open(context.Background(), proxy.Via(t, target.URL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	base := serve(t, newTestApp(t, testConfig(t), st))
	pages := []string{"/api/v1/events", "/readyz", "/events/never-shown-2030-01-01"}
	public := []string{"/", "/events/" + e.Slug, "/groups/outage", "/api/v1/events/" + e.Slug}
	for _, p := range append(pages[:2], public...) {
		expectStatus(t, base+p, 200)
	}
	shown := map[string]string{}
	for _, p := range public {
		_, shown[p] = fetch(t, base+p)
	}
	feeds := []string{"/events.ics", "/events.atom", "/groups/outage/events.ics", "/groups/outage/events.atom", "/events/" + e.Slug + ".ics", "/events.ics?kind=march,vigil"}
	good := map[string]string{}
	for _, p := range feeds {
		resp, body := fetch(t, base+p)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		good[p] = resp.Header.Get("ETag") + "\n" + body
	}

	proxy.Cut()
	for _, p := range pages {
		start := time.Now()
		resp, body := fetch(t, base+p)
		t.Logf("%s: %d in %s", p, resp.StatusCode, time.Since(start))
		if resp.StatusCode != 503 {
			t.Errorf("%s during outage: status %d, want 503: %.300s", p, resp.StatusCode, body)
			continue
		}
		if strings.HasPrefix(p, "/api/") && !strings.Contains(body, `"code":"unavailable"`) {
			t.Errorf("%s: API error %s", p, body)
		}
		if !strings.HasPrefix(p, "/api/") && p != "/readyz" && !strings.Contains(body, "cannot reach its database") {
			t.Errorf("%s: page does not say what is wrong: %.500s", p, body)
		}
		for _, leak := range []string{"dial", "refused", "EOF", "127.0.0.1", "pgx", "SQLSTATE", "sql:"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s: answer leaks %q: %.300s", p, leak, body)
			}
		}
		if p != "/readyz" && resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s: no Retry-After", p)
		}
	}
	expectStatus(t, base+"/healthz", 200)
	checkStaleFeeds(t, base, feeds, good)
	checkStalePages(t, base, public, shown)
	resp, body := postJSON(t, base+"/api/v1/events/"+e.Slug+"/rsvps", `{"name":"Ana","status":"going"}`)
	if resp.StatusCode != 503 {
		t.Errorf("RSVP during outage: %d %.200s, want 503", resp.StatusCode, body)
	}
	venue := "Moved to the park"
	if _, err := direct.UpdateEvent(context.Background(), e.ID, turnout.EventInput{Venue: &venue}); err != nil {
		t.Fatal(err)
	}

	proxy.Restore()
	for _, p := range append(pages[:2], append(public, feeds...)...) {
		awaitStatus(t, base+p, 200, 15*time.Second)
	}
	for _, p := range public {
		resp, body := fetch(t, base+p)
		if resp.Header.Get("Warning") != "" || strings.Contains(body, "may be out of date") {
			t.Errorf("%s still marked stale after recovery", p)
		}
	}
	if _, body := fetch(t, base+"/events/"+e.Slug); !strings.Contains(body, venue) {
		t.Error("after recovery the event page does not show the change made during the outage")
	}
	if resp, _ := fetch(t, base+"/events.ics"); resp.Header.Get("Warning") != "" {
		t.Errorf("feed still marked stale after recovery")
	}
}

// checkStalePages checks that, with the database down, the public pages
// shown before answer 200 with the copy shown, marked as possibly out of
// date (a note on HTML pages, Warning 110 on all).
func checkStalePages(t *testing.T, base string, pages []string, shown map[string]string) {
	t.Helper()
	for _, p := range pages {
		resp, body := fetch(t, base+p)
		if resp.StatusCode != 200 {
			t.Errorf("%s during outage: %d, want the copy shown before", p, resp.StatusCode)
			continue
		}
		if !strings.Contains(resp.Header.Get("Warning"), "110") {
			t.Errorf("%s: stale copy without Warning 110", p)
		}
		if strings.HasPrefix(p, "/api/") {
			if body != shown[p] {
				t.Errorf("%s: not the copy shown before", p)
			}
			continue
		}
		if !strings.Contains(body, "may be out of date") {
			t.Errorf("%s: stale page without its note", p)
		}
		if strings.Replace(body, "\n"+staleNote, "", 1) != shown[p] {
			t.Errorf("%s: not the copy shown before", p)
		}
	}
}

// checkStaleFeeds checks that, with the database down, every feed fetched
// before answers its last good copy marked stale (and 304 to its ETag),
// while a feed never fetched answers 503.
func checkStaleFeeds(t *testing.T, base string, feeds []string, good map[string]string) {
	t.Helper()
	for _, p := range feeds {
		resp, body := fetch(t, base+p)
		if resp.StatusCode != 200 || resp.Header.Get("ETag")+"\n"+body != good[p] {
			t.Errorf("%s during outage: status %d, same copy %v", p, resp.StatusCode, resp.Header.Get("ETag")+"\n"+body == good[p])
		}
		if w := resp.Header.Get("Warning"); !strings.Contains(w, "110") {
			t.Errorf("%s: stale copy without Warning 110: %q", p, w)
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: stale copy without the security headers", p)
		}
		etag := resp.Header.Get("ETag")
		req, _ := http.NewRequest("GET", base+p, nil)
		req.Header.Set("If-None-Match", etag)
		if r2, err := http.DefaultClient.Do(req); err != nil || r2.StatusCode != 304 {
			t.Errorf("%s: conditional request during outage: %v %v", p, err, r2)
		} else {
			r2.Body.Close()
		}
	}
	if resp, _ := fetch(t, base+"/events.ics?kind=picket"); resp.StatusCode != 503 {
		t.Errorf("a feed never served before: %d during outage, want 503", resp.StatusCode)
	}
}

// postJSON POSTs a JSON body to url and returns the response with its body read.
func postJSON(t *testing.T, url, body string) (*http.Response, string) {
	t.Helper()
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// fetch GETs url and returns the response with its body read. It calls
// t.Fatal, so only the test's own goroutine may call it; others use httpGet.
func fetch(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, body, err := httpGet(url)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// httpGet GETs url and returns the response with its body read, or the error.
func httpGet(url string) (*http.Response, string, error) {
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

func expectStatus(t *testing.T, url string, want int) {
	t.Helper()
	if resp, body := fetch(t, url); resp.StatusCode != want {
		t.Fatalf("GET %s: status %d, want %d: %.300s", url, resp.StatusCode, want, body)
	}
}

// awaitStatus polls url until it answers want, failing after within.
func awaitStatus(t *testing.T, url string, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		resp, body := fetch(t, url)
		if resp.StatusCode == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s still %d after %s: %.300s", url, resp.StatusCode, within, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestPostgresKillsConnections plays a Postgres restart or failover while
// serving: every backend of this Turnout is terminated (pg_terminate_backend).
// Each pooled connection then fails its next query once; those requests
// must answer 503 (try again), never 500, and Turnout must be back to 200
// on its own.
func TestPostgresKillsConnections(t *testing.T) {
	target, ok := storetest.PostgresTarget(t)
	if !ok {
		t.Skip("needs Postgres: set " + storetest.EnvPostgres)
	}
	direct := storetest.Open(t, target)
	g, _ := seedGroup(t, direct, "restart")
	e := seedEvent(t, direct, g.ID, "Through the restart", 24*time.Hour, nil)
	u, err := url.Parse(target.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", "turnout_restart_test")
	u.RawQuery = q.Encode()
	st, err := store.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	base := serve(t, newTestApp(t, testConfig(t), st))
	page := base + "/events/" + e.Slug
	// statuses GETs the page n times at once and counts the statuses; the
	// goroutines only collect errors, which the test reports once all return.
	statuses := func(n int) map[int]int {
		var mu sync.Mutex
		seen := map[int]int{}
		var errs []error
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, _, err := httpGet(page)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
					return
				}
				seen[resp.StatusCode]++
			}()
		}
		wg.Wait()
		if len(errs) > 0 {
			t.Fatalf("%d of %d requests failed: %v", len(errs), n, errors.Join(errs...))
		}
		return seen
	}
	if seen := statuses(8); seen[200] != 8 {
		t.Fatalf("before: %v", seen)
	}
	var killed int
	err = direct.SQLDB().QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'turnout_restart_test'`).Scan(&killed)
	if err != nil || killed == 0 {
		t.Fatalf("terminated %d backends: %v", killed, err)
	}
	seen := statuses(16)
	if seen[500] > 0 || seen[200]+seen[503] != 16 {
		t.Errorf("after %d backends were killed: %v, want only 200 and 503", killed, seen)
	}
	t.Logf("killed %d backends; then %v", killed, seen)
	awaitStatus(t, page, 200, 10*time.Second)
}
