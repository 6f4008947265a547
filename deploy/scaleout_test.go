package deploy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/proctest"
)

// TestScaleOut runs two Turnout instances on one Postgres behind the
// shipped nginx.conf and checks what the deployment promises: a login on
// one instance works on the other, RSVPs spread over both never exceed
// capacity, both serve the same feed with the same ETag, and nginx answers
// repeated feed polls from its cache, revalidates with conditional
// requests, picks up an edit, and keeps serving the feed when every
// instance is down. deploy/scaleout.sh runs it.
func TestScaleOut(t *testing.T) {
	c := startCluster(t, "TURNOUT_FEED_MAX_AGE=1s", "TURNOUT_RSVP_RATE_LIMIT=0")
	slug := c.createEvent(t, "Scale-out march", 25)
	t.Run("LoginWorksOnTheOtherInstance", func(t *testing.T) { c.checkSharedLogin(t) })
	t.Run("RSVPsNeverExceedCapacity", func(t *testing.T) { c.checkCapacity(t, slug, 25) })
	t.Run("SameFeedETagFromBoth", func(t *testing.T) { c.checkSameETag(t, slug) })
	t.Run("NginxCachesAndRevalidatesFeeds", func(t *testing.T) { c.checkFeedCache(t, slug) })
	t.Run("NginxServesStaleFeedWhenInstancesAreDown", func(t *testing.T) { c.checkStaleWhenDown(t, slug) })
}

// api sends a JSON request with the organiser's token.
func (c *cluster) api(t *testing.T, base, method, path string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func (c *cluster) createEvent(t *testing.T, title string, capacity int) string {
	t.Helper()
	start := time.Now().Add(72 * time.Hour).UTC()
	code, out := c.api(t, c.nginx, "POST", "/api/v1/groups/scale/events", map[string]any{
		"title": title, "kind": "march", "capacity": capacity, "status": "published",
		"starts_at": start.Format(time.RFC3339), "ends_at": start.Add(2 * time.Hour).Format(time.RFC3339),
	})
	slug, _ := out["slug"].(string)
	if code != 201 || slug == "" {
		t.Fatalf("create event: %d %v", code, out)
	}
	return slug
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// checkSharedLogin logs in on the first instance and uses the session
// cookie on the second: sessions live in the database, not in a process.
func (c *cluster) checkSharedLogin(t *testing.T) {
	jar, _ := cookiejar.New(nil) // cookies ignore ports: both instances see them
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	a, b := c.instances[0].Base, c.instances[1].Base
	resp, err := client.Get(a + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		t.Fatalf("login form has no _csrf field: %.500s", page)
	}
	form := url.Values{"email": {c.email}, "password": {c.password}, "_csrf": {string(m[1])}}
	resp, err = client.PostForm(a+"/login", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login on instance A: status %d", resp.StatusCode)
	}
	for _, base := range []string{b, c.nginx} {
		resp, err = client.Get(base + "/dashboard")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "Scale") {
			t.Errorf("dashboard on %s with A's session: status %d", base, resp.StatusCode)
		}
	}
}

// checkCapacity sends RSVPs to both instances and through nginx at once
// and checks that the places given out never exceed capacity.
func (c *cluster) checkCapacity(t *testing.T, slug string, capacity int) {
	bases := []string{c.instances[0].Base, c.instances[1].Base, c.nginx}
	var mu sync.Mutex
	going, waitlisted, failed, retried := 0, 0, 0, 0
	var wg sync.WaitGroup
	for i := 0; i < 60; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			guests := i % 3
			body := fmt.Sprintf(`{"name": "Person %d", "status": "going", "guests": %d}`, i, guests)
			code, status, tries, err := postRetrying(bases[i%3]+"/api/v1/events/"+slug+"/rsvps", body)
			mu.Lock()
			defer mu.Unlock()
			retried += tries - 1
			switch {
			case err != nil:
				failed++
				t.Errorf("RSVP %d via %s: %v", i, bases[i%3], err)
			case code == 201 && status == "going":
				going += 1 + guests
			case code == 201 && status == "waitlisted":
				waitlisted++
			default:
				failed++
				t.Errorf("RSVP %d via %s: status %d, %q after %d tries", i, bases[i%3], code, status, tries)
			}
		}(i)
	}
	wg.Wait()
	if failed > 0 {
		c.logErrors(t)
	}
	if failed > 0 || going > capacity || waitlisted == 0 {
		t.Fatalf("%d people going for %d places, %d waitlisted, %d failed", going, capacity, waitlisted, failed)
	}
	for _, base := range bases {
		code, ev := c.api(t, base, "GET", "/api/v1/events/"+slug, nil)
		if code != 200 || ev["going"] != float64(going) {
			t.Errorf("%s says going %v, the 201s say %d", base, ev["going"], going)
		}
	}
	t.Logf("%d of %d places taken, %d waitlisted, %d tries again after a 503", going, capacity, waitlisted, retried)
}

// postRetrying posts an RSVP as a patient client does: a 503 (the
// database busy or out of connections, nothing stored) is tried again, a
// few times, after a short pause. It returns the last status and RSVP status.
func postRetrying(u, body string) (code int, status string, tries int, err error) {
	for tries = 1; ; tries++ {
		resp, err := http.Post(u, "application/json", strings.NewReader(body))
		if err != nil {
			return 0, "", tries, err
		}
		var out struct{ Status string }
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || tries == 5 {
			return resp.StatusCode, out.Status, tries, nil
		}
		time.Sleep(time.Duration(tries) * 200 * time.Millisecond) // back off as Retry-After asks, but briefly
	}
}

// feedGet fetches a feed and returns status, ETag, cache status and body.
func feedGet(t *testing.T, u string, header ...string) (int, string, string, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("ETag"), resp.Header.Get("X-Cache-Status"), string(b)
}

// checkSameETag compares the feeds of both instances.
func (c *cluster) checkSameETag(t *testing.T, slug string) {
	for _, path := range []string{"/events.ics", "/groups/scale/events.ics", "/events/" + slug + ".ics", "/events.atom"} {
		ca, ea, _, ba := feedGet(t, c.instances[0].Base+path)
		cb, eb, _, bb := feedGet(t, c.instances[1].Base+path)
		if ca != 200 || cb != 200 || ea == "" || ea != eb || ba != bb {
			t.Errorf("%s: A %d %s, B %d %s, same body %v", path, ca, ea, cb, eb, ba == bb)
		}
		if code, _, _, _ := feedGet(t, c.instances[1].Base+path, "If-None-Match", ea); code != 304 {
			t.Errorf("%s: B answers A's ETag with %d, want 304", path, code)
		}
	}
}

// upstreamFeedAnswers sums, over both instances, the feed requests they
// answered with status.
func (c *cluster) upstreamFeedAnswers(t *testing.T, status int) int {
	t.Helper()
	total := 0
	for _, p := range c.instances {
		req, _ := http.NewRequest("GET", p.Base+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+metricsToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "turnout_http_requests_total{") && strings.Contains(line, `.ics"`) &&
				strings.Contains(line, `status="`+strconv.Itoa(status)+`"`) {
				n, _ := strconv.Atoi(line[strings.LastIndex(line, " ")+1:])
				total += n
			}
		}
		resp.Body.Close()
	}
	return total
}

// checkFeedCache polls one feed through nginx: the second poll is a cache
// hit that no instance sees; once max-age passes nginx revalidates with a
// conditional request (an instance answers 304); after an edit the next
// revalidation brings the new feed.
func (c *cluster) checkFeedCache(t *testing.T, slug string) {
	feed := c.nginx + "/events/" + slug + ".ics"
	code, etag, status, _ := feedGet(t, feed)
	if code != 200 || (status != "MISS" && status != "EXPIRED") {
		t.Fatalf("first poll: %d, cache %s", code, status)
	}
	before := c.upstreamFeedAnswers(t, 200) + c.upstreamFeedAnswers(t, 304)
	if _, _, status, _ = feedGet(t, feed); status != "HIT" {
		t.Fatalf("second poll: cache %s, want HIT", status)
	}
	if after := c.upstreamFeedAnswers(t, 200) + c.upstreamFeedAnswers(t, 304); after != before {
		t.Errorf("a cache hit reached an instance (%d -> %d feed answers)", before, after)
	}
	notModified := c.upstreamFeedAnswers(t, 304)
	proctest.Await(t, "nginx to revalidate the feed", 15*time.Second, func() bool {
		_, _, status, _ := feedGet(t, feed)
		return status == "REVALIDATED"
	})
	if c.upstreamFeedAnswers(t, 304) <= notModified {
		t.Errorf("nginx revalidated but no instance answered 304")
	}

	if code, out := c.api(t, c.instances[0].Base, "PATCH", "/api/v1/events/"+slug, map[string]any{"title": "Scale-out march, new route"}); code != 200 {
		t.Fatalf("edit: %d %v", code, out)
	}
	var body, newTag string
	proctest.Await(t, "nginx to serve the edited feed", 15*time.Second, func() bool {
		_, newTag, status, body = feedGet(t, feed)
		return strings.Contains(body, "new route")
	})
	if newTag == etag {
		t.Errorf("ETag unchanged after an edit: %s", newTag)
	}
	// EXPIRED: nginx asked again about its expired copy (conditionally, as
	// REVALIDATED above showed) and got the new feed in full.
	if status != "EXPIRED" {
		t.Errorf("edited feed came with cache status %s, want EXPIRED", status)
	}
}

// checkStaleWhenDown kills both instances and checks nginx still answers
// the feed from its cache.
func (c *cluster) checkStaleWhenDown(t *testing.T, slug string) {
	feed := c.nginx + "/events/" + slug + ".ics"
	if code, _, _, _ := feedGet(t, feed); code != 200 {
		t.Fatalf("feed: %d", code)
	}
	for _, p := range c.instances {
		p.Kill()
	}
	// Past max-age nginx must ask an instance, finds none, and serves its copy.
	proctest.Await(t, "nginx to serve a stale copy", 15*time.Second, func() bool {
		code, _, status, body := feedGet(t, feed)
		if code != 200 || !strings.Contains(body, "BEGIN:VCALENDAR") {
			t.Fatalf("with every instance down: %d, cache %s", code, status)
		}
		return status == "STALE"
	})
}

// logErrors shows the warnings and errors the instances logged.
func (c *cluster) logErrors(t *testing.T) {
	for i, p := range c.instances {
		for _, line := range strings.Split(p.Stderr.String(), "\n") {
			if strings.Contains(line, `"level":"WARN"`) || strings.Contains(line, `"level":"ERROR"`) {
				t.Logf("instance %d: %s", i, line)
			}
		}
	}
}
