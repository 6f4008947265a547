package web

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// hostileCase is one request an attacker or a broken client might send, and
// the status it must get.
type hostileCase struct {
	name   string
	method string
	path   string
	ctype  string
	body   string
	header map[string]string
	status int
	// length, when set, is a Content-Length declared in headers sent
	// alone: the server must refuse from the headers, before any body
	// arrives (sending the body too races the refusal with a reset).
	length int
}

// serve starts app on a loopback listener, for tests that need real HTTP
// (bodies over the limit are refused before app.Test can report them).
func serve(t testing.TB, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = app.Listener(ln)
	}()
	t.Cleanup(func() {
		_ = app.ShutdownWithTimeout(5 * time.Second)
		<-done
	})
	return "http://" + ln.Addr().String()
}

// checkRefusals sends each case over real HTTP and checks its status, that
// no case gets a 5xx, that errors answer in the right form, and that the
// database is exactly as it was before each request.
func checkRefusals(t *testing.T, st *store.Store, base string, cases []hostileCase) {
	t.Helper()
	client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := storetest.Snapshot(t, st)
			resp, body := sendHostile(t, client, base, tc)
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d; body: %.400s", resp.StatusCode, tc.status, body)
			}
			if resp.StatusCode >= 500 {
				t.Errorf("server error %d for hostile input", resp.StatusCode)
			}
			checkErrorShape(t, tc.path, resp, body)
			if after := storetest.Snapshot(t, st); after != before {
				t.Errorf("database changed by a refused request:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

// sendHostile sends one case and returns the response with its body read.
func sendHostile(t *testing.T, client *http.Client, base string, tc hostileCase) (*http.Response, []byte) {
	t.Helper()
	if tc.length > 0 {
		head := tc.method + " " + tc.path + " HTTP/1.1\r\nHost: turnout.test\r\nContent-Type: " + tc.ctype +
			"\r\nContent-Length: " + strconv.Itoa(tc.length) + "\r\n\r\n"
		return rawExchange(t, strings.TrimPrefix(base, "http://"), head)
	}
	req, err := http.NewRequest(tc.method, base+tc.path, strings.NewReader(tc.body))
	if err != nil {
		t.Fatal(err)
	}
	if tc.ctype != "" {
		req.Header.Set("Content-Type", tc.ctype)
	}
	for k, v := range tc.header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, body
}

// rawExchange writes raw bytes to addr and reads one HTTP response.
func rawExchange(t *testing.T, addr, raw string) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no HTTP answer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, body
}

// checkErrorShape checks that a 4xx answers the documented JSON error under
// /api/ and an HTML error page elsewhere.
func checkErrorShape(t *testing.T, path string, resp *http.Response, body []byte) {
	t.Helper()
	if resp.StatusCode < 400 {
		return
	}
	if strings.HasPrefix(path, "/api/") {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal(body, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Errorf("API error is not {error:{code,message}}: %v: %.300s", err, body)
		}
		return
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(string(body), "<h1") {
		t.Errorf("error page: Content-Type %q, body %.300s", ct, body)
	}
}

// publicHostileCases are refusals on the public read pages and API.
func publicHostileCases(slug string) []hostileCase {
	long := strings.Repeat("x", 10000)
	return []hostileCase{
		{name: "UnknownRoute", method: "GET", path: "/no/such/page", status: 404},
		{name: "UnknownAPIRoute", method: "POST", path: "/api/v1/nothing", ctype: "application/json", body: "{}", status: 404},
		{name: "WrongMethodPage", method: "POST", path: "/", status: 405},
		{name: "WrongMethodEvent", method: "DELETE", path: "/events/" + slug, status: 405},
		{name: "WrongMethodAPI", method: "PUT", path: "/api/v1/events/" + slug, ctype: "application/json", body: "{}", status: 405},
		{name: "BodyOverLimitPage", method: "POST", path: "/", ctype: "application/x-www-form-urlencoded", length: 1<<20 + 1, status: 413},
		{name: "BodyOverLimitAPI", method: "POST", path: "/api/v1/events", ctype: "application/json", length: 1<<20 + 1, status: 413},
		{name: "SlugPathTraversal", method: "GET", path: "/events/..%2F..%2Fetc%2Fpasswd", status: 404},
		{name: "SlugSlash", method: "GET", path: "/events/a%2Fb", status: 404},
		{name: "SlugSQLRefusedByValidator", method: "GET", path: "/events/x'%20OR%20'1'='1", status: 404},
		{name: "SlugSQLAPIRefusedByValidator", method: "GET", path: "/api/v1/events/x';DROP%20TABLE%20events;--", status: 404},
		{name: "SlugNUL", method: "GET", path: "/events/a%00b", status: 404},
		{name: "SlugInvalidUTF8", method: "GET", path: "/events/%ff%fe", status: 404},
		{name: "SlugHuge", method: "GET", path: "/events/" + long[:4000], status: 404},
		{name: "GroupSQLRefusedByValidator", method: "GET", path: "/groups/x'%20OR%201=1--", status: 404},
		{name: "GroupInvalidUTF8", method: "GET", path: "/groups/%c3%28", status: 404},
		{name: "StaticTraversal", method: "GET", path: "/static/..%2f..%2fgo.mod", status: 404},
		{name: "SearchTooLong", method: "GET", path: "/?q=" + long[:4000], status: 422},
		{name: "SearchInvalidUTF8", method: "GET", path: "/api/v1/events?q=%ff", status: 422},
		{name: "SearchNUL", method: "GET", path: "/api/v1/events?q=a%00b", status: 422},
		{name: "SearchRLO", method: "GET", path: "/?q=%E2%80%AEevil", status: 422},
		{name: "YearZero", method: "GET", path: "/api/v1/events?from=0000-01-01", status: 422},
		{name: "Year9999", method: "GET", path: "/?to=9999-12-31", status: 422},
		{name: "KindNUL", method: "GET", path: "/api/v1/events?kind=%00", status: 422},
		{name: "GroupFilterSQLRefusedByValidator", method: "GET", path: "/api/v1/events?group=a'--", status: 422},
		{name: "CursorGarbage", method: "GET", path: "/api/v1/events?after=-1.-1", status: 422},
		{name: "CursorHuge", method: "GET", path: "/?after=99999999999999999999.1", status: 422},
		{name: "FeedKindScript", method: "GET", path: "/events.ics?kind=%3Cscript%3E", status: 422},
		{name: "FeedKindNUL", method: "GET", path: "/events.atom?kind=march%00", status: 422},
		{name: "FeedSlugSQLRefusedByValidator", method: "GET", path: "/events/x'%20OR%201=1--.ics", status: 404},
		{name: "FeedSlugTraversal", method: "GET", path: "/events/..%2F..%2Fetc%2Fpasswd.ics", status: 404},
		{name: "FeedGroupSQLRefusedByValidator", method: "GET", path: "/groups/a';--/events.ics", status: 404},
		{name: "FeedGroupUTF8", method: "GET", path: "/groups/%ff/events.atom", status: 404},
		{name: "FeedWrongMethod", method: "POST", path: "/events.ics", body: "x", status: 405},
		{name: "FeedHugeIfNoneMatch", method: "GET", path: "/events.ics", header: map[string]string{"If-None-Match": strings.Repeat(`"x",`, 2000)}, status: 200},
		{name: "FeedGarbageIfModifiedSince", method: "GET", path: "/events.ics", header: map[string]string{"If-Modified-Since": "yesterday\u202e"}, status: 200},
		{name: "BearerGarbage", method: "GET", path: "/api/v1/events", header: map[string]string{"Authorization": "Bearer \u202e" + long[:100]}, status: 200},
	}
}

func TestHostileInputPublic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "hostile")
		e := seedEvent(t, st, g.ID, "Target practice", 24*time.Hour, nil)
		checkRefusals(t, st, serve(t, app), publicHostileCases(e.Slug))
	})
}

// TestHostileRawRequests sends requests no well-behaved client library
// would: a broken request line and headers over the buffer size.
func TestHostileRawRequests(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	base := serve(t, newTestApp(t, testConfig(t), st))
	addr := strings.TrimPrefix(base, "http://")
	tests := []struct {
		name, raw string
		status    int
	}{
		{"BrokenRequestLine", "GARBAGE\r\n\r\n", 400},
		{"HeadersTooLarge", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 20000) + "\r\n\r\n", 431},
		{"NegativeContentLength", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", 400},
		{"HugeContentLength", "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n", 413},
		{"HugeChunk", "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n100001\r\n", 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := rawExchange(t, addr, tc.raw)
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
		})
	}
}
