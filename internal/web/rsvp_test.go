package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

func postForm(t testing.TB, app *fiber.App, path string, v url.Values) (*http.Response, string) {
	t.Helper()
	return do(t, app, formRequest(path, v))
}

// formRequest is a POST of the form v to path.
func formRequest(path string, v url.Values) *http.Request {
	req := httptest.NewRequest("POST", path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func sendJSON(t testing.TB, app *fiber.App, method, path, body string, header ...string) (*http.Response, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, text := do(t, app, req)
	var out map[string]any
	if text != "" {
		if err := json.Unmarshal([]byte(text), &out); err != nil {
			t.Fatalf("%s %s: not JSON: %.200s", method, path, text)
		}
	}
	return resp, out
}

// postRSVP sends the event page's RSVP form. A stored RSVP answers 303 to
// its confirmation page, which postRSVP then loads (as a browser would) and
// returns; any other answer is returned as it is.
func postRSVP(t testing.TB, app *fiber.App, slug string, v url.Values) (*http.Response, string) {
	t.Helper()
	resp, body := postForm(t, app, "/events/"+slug+"/rsvp", v)
	if resp.StatusCode != fiber.StatusSeeOther {
		return resp, body
	}
	loc := resp.Header.Get("Location")
	// A new RSVP leads to its confirmation; a second one with a known email
	// to the same confirmation without the private link.
	done := strings.HasPrefix(loc, "/rsvp/") && strings.HasSuffix(loc, "/done")
	sent := strings.HasPrefix(loc, "/events/"+slug+"/rsvp/sent?")
	if !done && !sent || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("RSVP form redirects to %q (Cache-Control %q), want /rsvp/TOKEN/done or /events/SLUG/rsvp/sent, no-store", loc, resp.Header.Get("Cache-Control"))
	}
	return do(t, app, httptest.NewRequest("GET", loc, nil))
}

var manageLink = regexp.MustCompile(`href="http://turnout\.test/rsvp/([A-Za-z0-9_-]{43})"`)

func countGoing(t testing.TB, st *store.Store, slug string) int {
	t.Helper()
	e, err := st.FindEventBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return e.GoingCount
}

func countRSVPs(t testing.TB, st *store.Store, eventID int64) int {
	t.Helper()
	list, err := st.FindRSVPs(context.Background(), eventID, turnout.RSVPFilter{Limit: turnout.MaxRSVPPage})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func TestRSVPFormJourney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "journey")
		e := seedEvent(t, st, g.ID, "Station die-in", 48*time.Hour, func(in *turnout.EventInput) { in.Capacity = turnout.Of(2) })
		_, page := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil))
		for _, want := range []string{`action="/events/` + e.Slug + `/rsvp"`, `name="name"`, `name="email"`, `name="status"`, `name="guests"`, `name="website"`} {
			if !strings.Contains(page, want) {
				t.Fatalf("event page lacks %s: %s", want, page)
			}
		}
		// Ana goes with a guest: the event is full. Ben is waitlisted.
		resp, body := postRSVP(t, app, e.Slug, url.Values{"name": {"Ana"}, "status": {"going"}, "guests": {"1"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "You're going") || !strings.Contains(body, `href="/events/`+e.Slug+`.ics"`) {
			t.Fatalf("ana: %d %.500s", resp.StatusCode, body)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("confirmation Cache-Control %q", resp.Header.Get("Cache-Control"))
		}
		anaTok := manageLink.FindStringSubmatch(body)[1]
		if _, page = do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil)); !strings.Contains(page, "The event is full") {
			t.Error("a full event's page does not say it is full")
		}
		_, body = postRSVP(t, app, e.Slug, url.Values{"name": {"Ben"}, "email": {"ben@example.org"}, "status": {"going"}, "guests": {"0"}})
		if !strings.Contains(body, "number 1 on the waitlist") {
			t.Fatalf("ben: %.600s", body)
		}
		benTok := manageLink.FindStringSubmatch(body)[1]
		// Ana drops her guest from the manage page: Ben is promoted.
		resp, body = do(t, app, httptest.NewRequest("GET", "/rsvp/"+anaTok, nil))
		if resp.StatusCode != 200 || !strings.Contains(body, `value="Ana"`) {
			t.Fatalf("manage page: %d %.300s", resp.StatusCode, body)
		}
		resp, _ = postForm(t, app, "/rsvp/"+anaTok, url.Values{"name": {"Ana B"}, "status": {"going"}, "guests": {"0"}})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/rsvp/"+anaTok+"?saved=1" {
			t.Fatalf("update: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = do(t, app, httptest.NewRequest("GET", "/rsvp/"+benTok, nil))
		if !strings.Contains(body, "You're going") {
			t.Fatalf("ben not promoted: %.800s", body)
		}
		// Bad guests re-render with the typed name and a message; nothing changes.
		resp, body = postForm(t, app, "/rsvp/"+benTok, url.Values{"name": {"Benji"}, "status": {"going"}, "guests": {"9"}})
		if resp.StatusCode != 422 || !strings.Contains(body, `value="Benji"`) || !strings.Contains(body, "Bring between 0 and 5 guests") {
			t.Fatalf("bad update: %d %.500s", resp.StatusCode, body)
		}
		// Ana cancels: first a confirm page (from the link, or from a form
		// posted without confirm=yes), which deletes nothing; then Yes.
		for _, req := range []*http.Request{httptest.NewRequest("GET", "/rsvp/"+anaTok+"/cancel", nil), formRequest("/rsvp/"+anaTok+"/cancel", nil)} {
			resp, body = do(t, app, req)
			if resp.StatusCode != 200 || !strings.Contains(body, "Cancel your RSVP to Station die-in?") || !strings.Contains(body, `name="confirm" value="yes"`) ||
				!strings.Contains(body, `href="/rsvp/`+anaTok+`"`) || resp.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("%s cancel: %d %.300s", req.Method, resp.StatusCode, body)
			}
			if n := countGoing(t, st, e.Slug); n != 2 {
				t.Fatalf("the confirm page changed the RSVPs: going %d, want 2", n)
			}
		}
		// Ana's token stops working, the place is free.
		resp, body = postForm(t, app, "/rsvp/"+anaTok+"/cancel", url.Values{"confirm": {"yes"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "Your RSVP is cancelled") {
			t.Fatalf("cancel: %d", resp.StatusCode)
		}
		if resp, _ = do(t, app, httptest.NewRequest("GET", "/rsvp/"+anaTok, nil)); resp.StatusCode != 404 {
			t.Fatalf("cancelled token: %d", resp.StatusCode)
		}
		if n := countGoing(t, st, e.Slug); n != 1 {
			t.Fatalf("going %d, want 1", n)
		}
		for _, tok := range []string{"nope", strings.Repeat("A", 43), "%00"} {
			if resp, _ = do(t, app, httptest.NewRequest("GET", "/rsvp/"+tok, nil)); resp.StatusCode != 404 {
				t.Errorf("token %q: %d", tok, resp.StatusCode)
			}
		}
	})
}

func TestRSVPFormRejects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg := testConfig(t)
		cfg.RSVPRateLimit = 6
		app := newTestApp(t, cfg, st)
		g, _ := seedGroup(t, st, "rejects")
		e := seedEvent(t, st, g.ID, "Picket", 48*time.Hour, func(in *turnout.EventInput) {
			yes := true
			in.RequireEmail = &yes
		})
		tests := []struct {
			name   string
			form   url.Values
			status int
			want   []string
		}{
			{"ErrNoName", url.Values{"name": {" "}, "email": {"typed@example.org"}, "status": {"going"}}, 422, []string{`value="typed@example.org"`, "Give a name or nickname"}},
			{"ErrEmailRequired", url.Values{"name": {"Kim"}, "status": {"maybe"}}, 422, []string{`value="Kim"`, "ask for an email"}},
			{"ErrBadStatus", url.Values{"name": {"Kim"}, "email": {"k@example.org"}, "status": {"waitlisted"}}, 422, []string{"Choose going, maybe or not going"}},
			{"ErrGuestsNotNumber", url.Values{"name": {"Kim"}, "email": {"k@example.org"}, "guests": {"two"}}, 422, []string{"whole number"}},
			{"ErrHoneypot", url.Values{"name": {"Bot"}, "email": {"b@example.org"}, "website": {"http://spam.example"}}, 422, []string{"leave the last field empty"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := postRSVP(t, app, e.Slug, tc.form)
				if resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
				}
				for _, w := range tc.want {
					if !strings.Contains(body, w) {
						t.Errorf("body lacks %q", w)
					}
				}
			})
		}
		if n := countRSVPs(t, st, e.ID); n != 0 {
			t.Fatalf("%d RSVPs stored after bad input", n)
		}
		// Six attempts a minute reach the store: three bad ones above, Jo, the duplicate and one more.
		resp, body := postRSVP(t, app, e.Slug, url.Values{"name": {"Jo"}, "email": {"jo@example.org"}})
		if resp.StatusCode != 200 {
			t.Fatalf("first: %d %.300s", resp.StatusCode, body)
		}
		resp, body = postRSVP(t, app, e.Slug, url.Values{"name": {"Jo again"}, "email": {"JO@example.org "}})
		if resp.StatusCode != 200 || !strings.Contains(body, "cannot show a private link") || manageLink.MatchString(body) {
			t.Fatalf("duplicate: %d %.300s", resp.StatusCode, body)
		}
		var last *http.Response
		for i := 0; i < 3; i++ {
			last, _ = postRSVP(t, app, e.Slug, url.Values{"name": {"Flood"}, "email": {"f" + string(rune('a'+i)) + "@example.org"}})
		}
		if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" {
			t.Fatalf("over the limit: %d", last.StatusCode)
		}
		if n := countRSVPs(t, st, e.ID); n != 2 {
			t.Fatalf("%d RSVPs stored, want 2", n)
		}
	})
}

func TestRSVPClosed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "closed")
		started := seedEvent(t, st, g.ID, "Started", -time.Hour, nil)
		cancelled := seedEvent(t, st, g.ID, "Called off", 24*time.Hour, nil)
		if _, err := st.CancelEvent(context.Background(), cancelled.ID, "Storm warning"); err != nil {
			t.Fatal(err)
		}
		closes := seedEvent(t, st, g.ID, "Closed early", 24*time.Hour, func(in *turnout.EventInput) {
			in.RSVPClosesAt = turnout.Of(time.Now().Add(-time.Minute).UTC().Format(time.RFC3339))
		})
		for _, e := range []*turnout.Event{started, cancelled, closes} {
			resp, out := sendJSON(t, app, "POST", "/api/v1/events/"+e.Slug+"/rsvps", `{"name":"Al","status":"going"}`)
			msg, _ := out["error"].(map[string]any)["message"].(string)
			if resp.StatusCode != 409 || !strings.Contains(msg, "closed") {
				t.Errorf("%s: %d %q", e.Title, resp.StatusCode, msg)
			}
			_, page := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil))
			if strings.Contains(page, `name="website"`) || !strings.Contains(page, "closed") {
				t.Errorf("%s: page still offers the form", e.Title)
			}
			if n := countRSVPs(t, st, e.ID); n != 0 {
				t.Errorf("%s: %d RSVPs", e.Title, n)
			}
		}
	})
}

func TestRSVPAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, token := seedGroup(t, st, "apigroup")
		_, other := seedGroup(t, st, "othergroup")
		e := seedEvent(t, st, g.ID, "Rally", 48*time.Hour, func(in *turnout.EventInput) { in.Capacity = turnout.Of(3) })
		path := "/api/v1/events/" + e.Slug + "/rsvps"
		resp, out := sendJSON(t, app, "POST", path, `{"name":"Rae","email":"rae@example.org","status":"going","guests":1}`)
		if resp.StatusCode != 201 || out["status"] != "going" {
			t.Fatalf("create: %d %v", resp.StatusCode, out)
		}
		raeURL := out["manage_url"].(string)
		raeTok := strings.TrimPrefix(raeURL, "http://turnout.test/rsvp/")
		resp, out = sendJSON(t, app, "POST", path, `{"name":"Sol","status":"going","guests":1}`)
		if resp.StatusCode != 201 || out["status"] != "waitlisted" || out["waitlist_position"] != 1.0 {
			t.Fatalf("second: %d %v", resp.StatusCode, out)
		}
		solTok := strings.TrimPrefix(out["manage_url"].(string), "http://turnout.test/rsvp/")
		for _, bad := range []struct {
			body   string
			status int
		}{
			{`{"name":"X","guests":"two"}`, 422}, {`not json`, 400}, {`{"name":"","status":"going"}`, 422},
			{`{"name":"X","email":"rae@example.org"}`, 201}, {`{"name":"X","guests":-2}`, 422},
			{`{"name":"` + strings.Repeat("x", 9000) + `"}`, 413}, {`{"name":"` + strings.Repeat("x", 101) + `"}`, 422},
		} {
			if resp, _ := sendJSON(t, app, "POST", path, bad.body); resp.StatusCode != bad.status {
				t.Errorf("%s: %d, want %d", bad.body, resp.StatusCode, bad.status)
			}
		}
		resp, out = sendJSON(t, app, "GET", "/api/v1/rsvps/"+solTok, "")
		if resp.StatusCode != 200 || out["status"] != "waitlisted" || out["name"] != "Sol" {
			t.Fatalf("show: %d %v", resp.StatusCode, out)
		}
		resp, out = sendJSON(t, app, "PATCH", "/api/v1/rsvps/"+raeTok, `{"guests":0}`)
		if resp.StatusCode != 200 || out["guests"] != 1.0-1 {
			t.Fatalf("patch: %d %v", resp.StatusCode, out)
		}
		if resp, _ := sendJSON(t, app, "PATCH", "/api/v1/rsvps/"+raeTok, `{"status":"later"}`); resp.StatusCode != 422 {
			t.Fatalf("bad patch: %d", resp.StatusCode)
		}
		// Organisers see names; others do not.
		resp, out = sendJSON(t, app, "GET", path, "", "Authorization", "Bearer "+token)
		if resp.StatusCode != 200 {
			t.Fatalf("organiser list: %d %v", resp.StatusCode, out)
		}
		counts := out["counts"].(map[string]any)
		if counts["going"] != 3.0 || counts["waitlisted"] != 0.0 || len(out["rsvps"].([]any)) != 2 {
			t.Fatalf("list: %v", out)
		}
		first := out["rsvps"].([]any)[0].(map[string]any)
		for _, k := range []string{"name", "email", "status", "guests", "created_at", "checked_in"} {
			if _, ok := first[k]; !ok {
				t.Errorf("rsvp lacks %s", k)
			}
		}
		if resp, _ := sendJSON(t, app, "GET", path, "", "Authorization", "Bearer "+other); resp.StatusCode != 403 {
			t.Errorf("other group's organiser: %d", resp.StatusCode)
		}
		if resp, _ := sendJSON(t, app, "GET", path, ""); resp.StatusCode != 401 {
			t.Errorf("anonymous: %d", resp.StatusCode)
		}
		if resp, _ := sendJSON(t, app, "DELETE", "/api/v1/rsvps/"+raeTok, ""); resp.StatusCode != 204 {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		if resp, out := sendJSON(t, app, "GET", "/api/v1/rsvps/"+raeTok, ""); resp.StatusCode != 404 || out["error"] == nil {
			t.Fatalf("deleted: %d %v", resp.StatusCode, out)
		}
		if n := countGoing(t, st, e.Slug); n != 2 {
			t.Fatalf("going %d after delete, want 2", n)
		}
	})
}

// TestRateLimitShared runs two servers on one database: the limit counts the
// client's RSVPs on both, as instances behind a load balancer would.
func TestRateLimitShared(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg := testConfig(t)
		cfg.RSVPRateLimit = 3
		a, b := newTestApp(t, cfg, st), newTestApp(t, cfg, st)
		g, _ := seedGroup(t, st, "shared")
		e := seedEvent(t, st, g.ID, "Shared", 48*time.Hour, nil)
		path := "/api/v1/events/" + e.Slug + "/rsvps"
		var codes []int
		for i, app := range []*fiber.App{a, b, a, b} {
			resp, _ := sendJSON(t, app, "POST", path, `{"name":"P`+string(rune('0'+i))+`"}`)
			codes = append(codes, resp.StatusCode)
		}
		if codes[0] != 201 || codes[1] != 201 || codes[2] != 201 || codes[3] != 429 {
			t.Fatalf("statuses %v, want 201 201 201 429", codes)
		}
		if n := countRSVPs(t, st, e.ID); n != 3 {
			t.Fatalf("%d stored, want 3", n)
		}
		// Off means off.
		cfg.RSVPRateLimit = 0
		c := newTestApp(t, cfg, st)
		if resp, _ := sendJSON(t, c, "POST", path, `{"name":"Free"}`); resp.StatusCode != 201 {
			t.Fatalf("limit 0: %d", resp.StatusCode)
		}
	})
}

func TestLogPathRedactsTokens(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/rsvp/abcDEF123_-xyz", "/rsvp/REDACTED"},
		{"/rsvp/abc/cancel", "/rsvp/REDACTED/cancel"},
		{"/api/v1/rsvps/abc", "/api/v1/rsvps/REDACTED"},
		{"/invitations/tok", "/invitations/REDACTED"},
		{"/events/x/rsvp", "/events/x/rsvp"},
		{"/rsvp/", "/rsvp/"},
	}
	for _, tc := range tests {
		if got := logPath(tc.in); got != tc.want {
			t.Errorf("logPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestRequestLogHasNoToken checks the request log of a real manage-page
// visit: it records the request but not the manage token.
func TestRequestLogHasNoToken(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	var logs bytes.Buffer
	app, err := New(testConfig(t), slog.New(slog.NewTextHandler(&logs, nil)), st)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := seedGroup(t, st, "logs")
	e := seedEvent(t, st, g.ID, "Logged", 24*time.Hour, nil)
	token := rsvpVia(t, app, e, "Lou", "lou@example.org")
	if resp, _ := do(t, app, httptest.NewRequest("GET", "/rsvp/"+token, nil)); resp.StatusCode != 200 {
		t.Fatalf("manage page: %d", resp.StatusCode)
	}
	if strings.Contains(logs.String(), token) || !strings.Contains(logs.String(), "path=/rsvp/REDACTED") {
		t.Fatalf("request log:\n%s", logs.String())
	}
}

// TestManageAfterClose checks that once RSVPs close, the manage page still
// lets the supporter rename or cancel, but not change status or guests.
func TestManageAfterClose(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "afterclose")
		e := seedEvent(t, st, g.ID, "Closing", 24*time.Hour, nil)
		token := rsvpVia(t, app, e, "Nia", "nia@example.org")
		if _, err := st.CancelEvent(context.Background(), e.ID, "Called off"); err != nil {
			t.Fatal(err)
		}
		_, page := do(t, app, httptest.NewRequest("GET", "/rsvp/"+token, nil))
		if !strings.Contains(page, "will not take place") || strings.Contains(page, `type="radio"`) || !strings.Contains(page, `href="/rsvp/`+token+`/cancel">Delete my RSVP`) {
			t.Fatalf("manage page after the event was cancelled: %.2000s", page)
		}
		resp, _ := postForm(t, app, "/rsvp/"+token, url.Values{"name": {"Nia K"}, "status": {"going"}, "guests": {"0"}})
		if resp.StatusCode != 303 {
			t.Fatalf("rename after close: %d", resp.StatusCode)
		}
		resp, body := postForm(t, app, "/rsvp/"+token, url.Values{"name": {"Nia K"}, "status": {"going"}, "guests": {"2"}})
		if resp.StatusCode != 409 || !strings.Contains(body, "cancelled") {
			t.Fatalf("more guests after close: %d", resp.StatusCode)
		}
		if n := countGoing(t, st, e.Slug); n != 1 {
			t.Fatalf("going %d, want 1", n)
		}
		if resp, _ := postForm(t, app, "/rsvp/"+token+"/cancel", url.Values{"confirm": {"yes"}}); resp.StatusCode != 200 || countGoing(t, st, e.Slug) != 0 {
			t.Fatalf("cancel after close: %d", resp.StatusCode)
		}
	})
}

// TestRateLimitPerClientAddress checks that the limit keys on the client
// address: X-Forwarded-For counts only from a trusted proxy.
func TestRateLimitPerClientAddress(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	g, _ := seedGroup(t, st, "proxy")
	e := seedEvent(t, st, g.ID, "Proxied", 48*time.Hour, nil)
	path := "/api/v1/events/" + e.Slug + "/rsvps"
	post := func(app *fiber.App, xff string) int {
		req := httptest.NewRequest("POST", path, strings.NewReader(`{"name":"Nat"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", xff)
		resp, _ := do(t, app, req)
		return resp.StatusCode
	}
	cfg := testConfig(t)
	cfg.RSVPRateLimit = 1
	direct := newTestApp(t, cfg, st)
	if a, b := post(direct, "203.0.113.1"), post(direct, "203.0.113.2"); a != 201 || b != 429 {
		t.Fatalf("untrusted X-Forwarded-For: %d %d, want 201 429 (one client)", a, b)
	}
	cfg.TrustedProxies = []string{"0.0.0.0/0"}
	proxied := newTestApp(t, cfg, st)
	if a, b, c := post(proxied, "198.51.100.1"), post(proxied, "198.51.100.2"), post(proxied, "198.51.100.1"); a != 201 || b != 201 || c != 429 {
		t.Fatalf("behind a trusted proxy: %d %d %d, want 201 201 429", a, b, c)
	}
}
