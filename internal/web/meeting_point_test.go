package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/mail"
	"github.com/turnout-org/turnout/internal/mail/mailtest"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// pointMarker is planted in every private field of the meeting point (and
// its coordinates are pointLat, pointLon), so that any surface showing any
// part of it is caught by a plain search of its bytes.
const (
	pointMarker = "Zq7HiddenYard"
	pointLat    = "55.951234"
	pointLon    = "-3.187654"
)

// pointRig is a server over st with mail to an SMTP server of the test, a
// clock the test moves, federation on and a log the test reads.
type pointRig struct {
	srv  *Server
	app  *fiber.App
	smtp *mailtest.Server
	mail *mail.Worker
	log  *bytes.Buffer
	now  time.Time
}

func newPointRig(t *testing.T, st *store.Store) *pointRig {
	t.Helper()
	r := &pointRig{smtp: mailtest.Start(t), log: &bytes.Buffer{}, now: time.Now()}
	cfg := testConfig(t)
	cfg.SMTPURL, cfg.SecretKey = r.smtp.URL(), "meeting-point-test-secret"
	st.SetMail(true)
	log := slog.New(slog.NewTextHandler(r.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r.srv = newServer(cfg, log, st)
	r.srv.now = func() time.Time { return r.now }
	app, err := r.srv.app()
	if err != nil {
		t.Fatal(err)
	}
	r.app = app
	sender, err := mail.NewSender(cfg.SMTPURL, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	r.mail = &mail.Worker{Store: st, Sender: sender, Base: cfg.BaseURL, From: "Turnout <turnout@turnout.test>", Log: log}
	return r
}

// get fetches path with an optional Accept header and returns the status and body.
func (r *pointRig) get(t *testing.T, path, accept string) (int, string) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, body := do(t, r.app, req)
	return resp.StatusCode, body
}

// rsvp RSVPs over the API and returns the manage token.
func (r *pointRig) rsvp(t *testing.T, slug, name, email, status string) string {
	t.Helper()
	resp, body := do(t, r.app, apiRequest("POST", "/api/v1/events/"+slug+"/rsvps", "",
		`{"name": "`+name+`", "email": "`+email+`", "status": "`+status+`"}`))
	if resp.StatusCode != 201 {
		t.Fatalf("RSVP %s: %d %s", name, resp.StatusCode, body)
	}
	var out struct {
		ManageURL string `json:"manage_url"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	return out.ManageURL[strings.LastIndex(out.ManageURL, "/")+1:]
}

// leaks reports which part of the meeting point text shows, or "".
func leaks(text string) string {
	for _, s := range []string{pointMarker, pointLat, pointLon} {
		if strings.Contains(text, s) {
			return s
		}
	}
	return ""
}

// TestHiddenMeetingPointNeverLeaks publishes an event with a marker in its
// venue, address, online link and directions, then hides that meeting point
// from all but the people going, from a reveal time two hours before the
// start.
// Every public surface, fetched as an outsider, shows the public area and
// no part of the point; so do the pages and JSON of a maybe, a waitlisted
// and a going RSVP before the reveal, every email sent (confirmations and a
// change alert), search for the marker, ActivityPub and the server's log.
// After the reveal time the going RSVP's page and JSON show the point and
// nothing else changes.
func TestHiddenMeetingPointNeverLeaks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newPointRig(t, st)
		tok := seedOrganiser(t, st, "ada@example.org", "riverside")
		resp, body := do(t, r.app, apiRequest("POST", "/api/v1/groups/riverside/events", tok, `{
			"title": "Die-in at the depot", "kind": "die-in", "status": "published",
			"starts_at": "2031-05-01T18:00", "ends_at": "2031-05-01T20:00", "timezone": "Europe/London",
			"venue": "`+pointMarker+` venue", "address": "`+pointMarker+` street",
			"online_url": "https://meet.example.org/`+pointMarker+`", "directions": "`+pointMarker+` by the gate",
			"latitude": `+pointLat+`, "longitude": `+pointLon+`, "capacity": 1,
			"articles": [{"url": "https://news.example.org/depot", "title": "Why the depot", "summary": "The case."}]}`))
		if resp.StatusCode != 201 {
			t.Fatalf("create: %d %s", resp.StatusCode, body)
		}
		if s := leaks(body); s == "" {
			t.Fatalf("the organiser's own answer lacks the point: %s", body)
		}
		var ev struct{ Slug string }
		if err := json.Unmarshal([]byte(body), &ev); err != nil {
			t.Fatal(err)
		}
		// Published with a public point (calendars may hold it), then hidden.
		resp, body = do(t, r.app, apiRequest("PATCH", "/api/v1/events/"+ev.Slug, tok,
			`{"location_visibility": "going", "public_area": "central Edinburgh, near Waverley", "reveal_at": "2031-05-01T16:00"}`))
		if resp.StatusCode != 200 {
			t.Fatalf("hide the point: %d %s", resp.StatusCode, body)
		}
		going := r.rsvp(t, ev.Slug, "Ana", "ana@example.org", "going")
		waiting := r.rsvp(t, ev.Slug, "Bo", "bo@example.org", "going") // capacity 1: waitlisted
		maybe := r.rsvp(t, ev.Slug, "Cy", "cy@example.org", "maybe")

		_, page := r.get(t, "/events/"+ev.Slug, "")
		article := regexp.MustCompile(`/articles/[A-Za-z0-9_-]+`).FindString(page)
		if article == "" || !strings.Contains(page, "central Edinburgh, near Waverley") || !strings.Contains(page, "Shared only with the people going") {
			t.Fatalf("event page lacks the public area, the notice or the article link:\n%s", page)
		}
		outsider := []struct{ path, accept string }{
			{"/", ""}, {"/?q=depot", ""}, {"/groups/riverside", ""}, {"/events/" + ev.Slug, ""},
			{"/events/" + ev.Slug + ".ics", ""}, {"/events.ics", ""}, {"/groups/riverside/events.ics", ""},
			{"/events.atom", ""}, {"/groups/riverside/events.atom", ""},
			{"/api/v1/events", ""}, {"/api/v1/events/" + ev.Slug, ""}, {article, ""},
			{"/events/" + ev.Slug, "application/activity+json"}, {"/ap/groups/riverside/outbox", "application/activity+json"},
			{"/events/" + ev.Slug + "/poster", ""}, {"/events/" + ev.Slug + "/share/mastodon", ""},
			{"/groups/riverside/embed", ""}, {"/groups/riverside/embed?format=fragment", ""}, {"/embed", ""},
		}
		entitledLater := map[string]bool{"/rsvp/" + going: true, "/api/v1/rsvps/" + going: true}
		personal := []string{"/rsvp/" + going, "/api/v1/rsvps/" + going, "/rsvp/" + waiting, "/api/v1/rsvps/" + waiting, "/rsvp/" + maybe, "/api/v1/rsvps/" + maybe}
		check := func(when string) {
			t.Helper()
			for _, s := range outsider {
				code, body := r.get(t, s.path, s.accept)
				if code != 200 {
					t.Errorf("%s: GET %s (%s): %d", when, s.path, s.accept, code)
				}
				if l := leaks(body); l != "" {
					t.Errorf("%s: GET %s (%s) shows %q", when, s.path, s.accept, l)
				}
			}
			for _, p := range personal {
				code, body := r.get(t, p, "")
				if code != 200 {
					t.Errorf("%s: GET %s: %d", when, p, code)
				}
				if l := leaks(body); l != "" && !(when == "after the reveal" && entitledLater[p]) {
					t.Errorf("%s: GET %s shows %q", when, p, l)
				} else if l == "" && when == "after the reveal" && entitledLater[p] {
					t.Errorf("%s: the going RSVP's %s lacks the point", when, p)
				}
			}
			if _, body := r.get(t, "/?q="+pointMarker, ""); strings.Contains(body, ev.Slug) {
				t.Errorf("%s: searching for the hidden venue finds the event", when)
			}
		}
		check("before the reveal")

		// A change to the point, alerted to everyone with an email.
		resp, body = do(t, r.app, apiRequest("PATCH", "/api/v1/events/"+ev.Slug, tok, `{"venue": "`+pointMarker+` yard"}`))
		if resp.StatusCode != 200 {
			t.Fatalf("edit: %d %s", resp.StatusCode, body)
		}
		r.mail.Now = func() time.Time { return time.Now().Add(5 * time.Minute) } // past the alert's two minutes
		for {
			n, err := r.mail.RunOnce(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		msgs := r.smtp.Messages()
		if len(msgs) != 3 {
			t.Errorf("%d messages sent, want the three confirmations and no alert of a change to a point nobody may see yet", len(msgs))
		}
		for _, m := range msgs {
			if l := leaks(m.Text + m.HTML + string(m.ICS) + string(m.Raw)); l != "" {
				t.Errorf("email to %v before the reveal shows %q", m.To, l)
			}
		}

		r.now = time.Date(2031, 5, 1, 15, 30, 0, 0, time.UTC) // 16:30 in London, after the reveal
		check("after the reveal")
		if l := leaks(r.log.String()); l != "" {
			t.Errorf("the server log shows %q", l)
		}
	})
}

// TestMeetingPointBadInput: each bad meeting-point setting, on create and on
// edit, answers 422 naming the field, and the database is as it was.
func TestMeetingPointBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		tok := seedOrganiser(t, st, "ada@example.org", "riverside")
		resp, body := do(t, app, apiRequest("POST", "/api/v1/groups/riverside/events", tok,
			`{"title": "Picket", "starts_at": "2031-05-01T07:00", "ends_at": "2031-05-01T09:00", "venue": "Gate 3"}`))
		if resp.StatusCode != 201 {
			t.Fatalf("create: %d %s", resp.StatusCode, body)
		}
		var ev struct{ Slug string }
		if err := json.Unmarshal([]byte(body), &ev); err != nil {
			t.Fatal(err)
		}
		const times = `"title": "Picket", "starts_at": "2031-05-01T07:00", "ends_at": "2031-05-01T09:00"`
		for _, c := range []struct{ name, body, field string }{
			{"unknown visibility", `"location_visibility": "friends", "public_area": "Leith", "venue": "Gate 3"`, "location_visibility"},
			{"hidden without a public area", `"location_visibility": "going", "venue": "Gate 3"`, "public_area"},
			{"hidden without a point", `"location_visibility": "going", "public_area": "Leith", "venue": "", "address": "", "online_url": ""`, "venue"},
			{"reveal after the start", `"location_visibility": "going", "public_area": "Leith", "venue": "Gate 3", "reveal_at": "2031-05-01T08:00"`, "reveal_at"},
			{"reveal of a public point", `"reveal_at": "2031-05-01T05:00", "venue": "Gate 3"`, "reveal_at"},
			{"reveal not a time", `"location_visibility": "going", "public_area": "Leith", "venue": "Gate 3", "reveal_at": "soon"`, "reveal_at"},
			{"public area too long", `"location_visibility": "going", "venue": "Gate 3", "public_area": "` + strings.Repeat("a", 501) + `"`, "public_area"},
		} {
			before := storetest.Snapshot(t, st)
			for _, req := range []struct{ method, path, body string }{
				{"POST", "/api/v1/groups/riverside/events", "{" + times + ", " + c.body + "}"},
				{"PATCH", "/api/v1/events/" + ev.Slug, "{" + c.body + "}"},
			} {
				resp, body := do(t, app, apiRequest(req.method, req.path, tok, req.body))
				var out struct {
					Error struct{ Fields map[string]string }
				}
				_ = json.Unmarshal([]byte(body), &out)
				if resp.StatusCode != 422 || out.Error.Fields[c.field] == "" {
					t.Errorf("%s, %s: %d %s; want 422 naming %s", c.name, req.method, resp.StatusCode, body, c.field)
				}
			}
			if after := storetest.Snapshot(t, st); after != before {
				t.Errorf("%s changed the database", c.name)
			}
		}
	})
}
