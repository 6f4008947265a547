package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	eical "github.com/emersion/go-ical"
	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/config"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// newTestServer builds the server and its application, for tests that look
// inside (the feed render count) or move the clock.
func newTestServer(t testing.TB, cfg config.Config, st *store.Store) (*Server, *fiber.App) {
	t.Helper()
	s := newServer(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), st)
	app, err := s.app()
	if err != nil {
		t.Fatal(err)
	}
	return s, app
}

func get(path string, header ...string) *http.Request {
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

func TestFeedRoutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "riverside")
		other, _ := seedGroup(t, st, "hillside")
		vigil := seedEvent(t, st, g.ID, "Riverside vigil", 48*time.Hour, nil)
		march := seedEvent(t, st, other.ID, "Hillside march", 72*time.Hour, func(in *turnout.EventInput) {
			k := turnout.KindMarch
			in.Kind = &k
		})
		draft := seedEvent(t, st, g.ID, "Secret planning", 24*time.Hour, func(in *turnout.EventInput) {
			d := turnout.StatusDraft
			in.Status = &d
		})
		tests := []struct {
			name, path, ctype string
			status            int
			has, hasNot       []string
		}{
			{"Site", "/events.ics", "text/calendar; charset=utf-8", 200, []string{"UID:" + vigil.UID, "UID:" + march.UID, "X-WR-CALNAME:Events on turnout.test"}, []string{"Secret planning"}},
			{"SiteKinds", "/events.ics?kind=march,rally", "text/calendar; charset=utf-8", 200, []string{"UID:" + march.UID}, []string{vigil.UID}},
			{"Group", "/groups/riverside/events.ics", "text/calendar; charset=utf-8", 200, []string{"UID:" + vigil.UID, "X-WR-CALNAME:Group riverside"}, []string{march.UID, draft.UID}},
			{"Event", "/events/" + vigil.Slug + ".ics", "text/calendar; charset=utf-8", 200, []string{"UID:" + vigil.UID, "SUMMARY:Riverside vigil"}, []string{march.UID}},
			{"EventOtherKind", "/events/" + vigil.Slug + ".ics?kind=march", "text/calendar; charset=utf-8", 200, []string{"BEGIN:VCALENDAR"}, []string{"BEGIN:VEVENT"}},
			{"SiteAtom", "/events.atom", "application/atom+xml; charset=utf-8", 200, []string{"urn:uuid:" + vigil.UID, "urn:uuid:" + march.UID}, []string{"Secret planning"}},
			{"GroupAtom", "/groups/hillside/events.atom", "application/atom+xml; charset=utf-8", 200, []string{"urn:uuid:" + march.UID}, []string{vigil.UID}},
			{"ErrBadKind", "/events.ics?kind=parade", "", 422, []string{"Choose from"}, nil},
			{"ErrUnknownGroup", "/groups/nobody/events.ics", "", 404, nil, nil},
			{"ErrDraftEvent", "/events/" + draft.Slug + ".ics", "", 404, nil, []string{"Secret planning"}},
			{"ErrUnknownEvent", "/events/no-such-event.ics", "", 404, nil, nil},
			{"EventPageStillWorks", "/events/" + vigil.Slug, "text/html; charset=utf-8", 200, []string{`href="/events/` + vigil.Slug + `.ics"`, `href="webcal://turnout.test/groups/riverside/events.ics"`, `href="https://calendar.google.com/calendar/render?action=TEMPLATE&amp;`}, nil},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := do(t, app, get(tc.path))
				if resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, tc.status, body)
				}
				if tc.ctype != "" && resp.Header.Get("Content-Type") != tc.ctype {
					t.Errorf("Content-Type %q, want %q", resp.Header.Get("Content-Type"), tc.ctype)
				}
				for _, s := range tc.has {
					if !strings.Contains(body, s) {
						t.Errorf("body lacks %q", s)
					}
				}
				for _, s := range tc.hasNot {
					if strings.Contains(body, s) {
						t.Errorf("body has %q", s)
					}
				}
			})
		}
	})
}

func TestFeedHeaders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg := testConfig(t)
		cfg.FeedMaxAge = 120 * time.Second
		app := newTestApp(t, cfg, st)
		g, _ := seedGroup(t, st, "riverside")
		seedEvent(t, st, g.ID, "Riverside vigil", 48*time.Hour, nil)

		resp, body := do(t, app, get("/groups/riverside/events.ics"))
		want := map[string]string{
			"Cache-Control":       "public, max-age=120",
			"Content-Disposition": `inline; filename="riverside-events.ics"`,
			"Vary":                "Accept-Encoding",
		}
		for k, v := range want {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("%s = %q, want %q", k, got, v)
			}
		}
		if _, err := http.ParseTime(resp.Header.Get("Last-Modified")); err != nil {
			t.Errorf("Last-Modified %q: %v", resp.Header.Get("Last-Modified"), err)
		}
		if strings.HasPrefix(body, "\uFEFF") || !strings.HasPrefix(body, "BEGIN:VCALENDAR\r\n") {
			t.Errorf("body starts %q", body[:20])
		}

		t.Run("HEAD", func(t *testing.T) {
			resp, head := do(t, app, httptest.NewRequest("HEAD", "/groups/riverside/events.ics", nil))
			if resp.StatusCode != 200 || head != "" || resp.Header.Get("ETag") == "" {
				t.Fatalf("HEAD: status %d, body %d bytes, ETag %q", resp.StatusCode, len(head), resp.Header.Get("ETag"))
			}
			if cl := resp.Header.Get("Content-Length"); cl != strconv.Itoa(len(body)) {
				t.Errorf("HEAD Content-Length %q, want %d", cl, len(body))
			}
		})
		t.Run("Gzip", func(t *testing.T) {
			resp, zipped := do(t, app, get("/groups/riverside/events.ics", "Accept-Encoding", "br, gzip"))
			if resp.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
			}
			zr, err := gzip.NewReader(strings.NewReader(zipped))
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil || string(plain) != body {
				t.Fatalf("gunzipped body differs (%v)", err)
			}
			resp, _ = do(t, app, get("/groups/riverside/events.ics", "Accept-Encoding", "gzip;q=0"))
			if resp.Header.Get("Content-Encoding") != "" {
				t.Errorf("gzip;q=0 answered with %q", resp.Header.Get("Content-Encoding"))
			}
		})
	})
}

// TestFeedConditional proves that polling an unchanged feed renders nothing,
// that a change to an event renders it once more, and that 304s follow the
// rules: If-None-Match first, then If-Modified-Since.
func TestFeedConditional(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s, app := newTestServer(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "riverside")
		e := seedEvent(t, st, g.ID, "Riverside vigil", 48*time.Hour, nil)
		const path = "/groups/riverside/events.ics"

		resp, first := do(t, app, get(path))
		etag, lastMod := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		if resp.StatusCode != 200 || etag == "" || s.feeds.renders.Load() != 1 {
			t.Fatalf("first GET: status %d, ETag %q, renders %d", resp.StatusCode, etag, s.feeds.renders.Load())
		}
		steps := []struct {
			name   string
			header []string
			status int
		}{
			{"IfNoneMatch", []string{"If-None-Match", etag}, 304},
			{"IfNoneMatchList", []string{"If-None-Match", `"other", W/` + etag}, 304},
			{"IfNoneMatchGzipTag", []string{"If-None-Match", gzipETag(etag)}, 304},
			{"IfNoneMatchStar", []string{"If-None-Match", "*"}, 304},
			{"IfModifiedSince", []string{"If-Modified-Since", lastMod}, 304},
			{"IfNoneMatchWinsOverIfModifiedSince", []string{"If-None-Match", `"stale"`, "If-Modified-Since", lastMod}, 200},
			{"IfModifiedSinceEarlier", []string{"If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"}, 200},
			{"Full", nil, 200},
		}
		for _, step := range steps {
			t.Run(step.name, func(t *testing.T) {
				resp, body := do(t, app, get(path, step.header...))
				if resp.StatusCode != step.status {
					t.Fatalf("status %d, want %d", resp.StatusCode, step.status)
				}
				if step.status == 304 && (body != "" || resp.Header.Get("ETag") != etag) {
					t.Errorf("304 with %d bytes, ETag %q", len(body), resp.Header.Get("ETag"))
				}
				if step.status == 200 && body != first {
					t.Errorf("bytes changed with nothing changed")
				}
			})
		}
		if n := s.feeds.renders.Load(); n != 1 {
			t.Fatalf("unchanged feed rendered %d times, want 1", n)
		}

		eventPath := "/events/" + e.Slug + ".ics"
		resp, _ = do(t, app, get(eventPath))
		eventTag := resp.Header.Get("ETag")
		if resp, _ = do(t, app, get(eventPath, "If-None-Match", eventTag)); resp.StatusCode != 304 || s.feeds.renders.Load() != 2 {
			t.Fatalf("event feed poll: status %d, renders %d", resp.StatusCode, s.feeds.renders.Load())
		}

		if _, err := st.CancelEvent(context.Background(), e.ID, "Flooding"); err != nil {
			t.Fatal(err)
		}
		if resp, _ = do(t, app, get(eventPath, "If-None-Match", eventTag)); resp.StatusCode != 200 || s.feeds.renders.Load() != 3 {
			t.Fatalf("event feed after cancel: status %d, renders %d", resp.StatusCode, s.feeds.renders.Load())
		}
		resp, body := do(t, app, get(path, "If-None-Match", etag))
		if resp.StatusCode != 200 || resp.Header.Get("ETag") == etag {
			t.Fatalf("after cancel: status %d, ETag %q (was %q)", resp.StatusCode, resp.Header.Get("ETag"), etag)
		}
		for _, want := range []string{"UID:" + e.UID, "STATUS:CANCELLED", "SEQUENCE:1"} {
			if !strings.Contains(body, want) {
				t.Errorf("after cancel, feed lacks %q", want)
			}
		}
		if n := s.feeds.renders.Load(); n != 4 {
			t.Fatalf("renders %d after one change, want 4 (group and event feeds, before and after)", n)
		}
	})
}

// TestFeedWindow moves the clock: an event stays (cancelled or not) while it
// ended less than 30 days ago, then leaves the feed with no database write,
// and the cached body is not served past that instant.
func TestFeedWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s, app := newTestServer(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "riverside")
		e := seedEvent(t, st, g.ID, "Riverside vigil", 2*time.Hour, nil)
		if _, err := st.CancelEvent(context.Background(), e.ID, "Storm warning"); err != nil {
			t.Fatal(err)
		}
		clock := time.Now()
		s.now = func() time.Time { return clock }
		const path = "/groups/riverside/events.ics"
		var etag, lastMod string
		check := func(name string, at time.Time, present bool) {
			t.Run(name, func(t *testing.T) {
				clock = at
				resp, body := do(t, app, get(path))
				if resp.StatusCode != 200 {
					t.Fatalf("status %d", resp.StatusCode)
				}
				if got := strings.Contains(body, "UID:"+e.UID) && strings.Contains(body, "STATUS:CANCELLED"); got != present {
					t.Fatalf("cancelled event in feed = %v, want %v", got, present)
				}
				etag, lastMod = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
			})
		}
		check("Upcoming", clock, true)
		firstTag, firstMod := etag, lastMod
		rendersBefore := s.feeds.renders.Load()
		check("JustEnded", e.EndsAt.Add(time.Minute), true)
		// The event ending re-renders the feed (its rank moved) but the bytes
		// are the same, so neither validator changes.
		if s.feeds.renders.Load() != rendersBefore+1 || etag != firstTag || lastMod != firstMod {
			t.Errorf("after the end: renders %d (was %d), ETag %s (was %s), Last-Modified %s (was %s)",
				s.feeds.renders.Load(), rendersBefore, etag, firstTag, lastMod, firstMod)
		}
		check("EndedDay29", e.EndsAt.Add(29*24*time.Hour), true)
		rendersBefore = s.feeds.renders.Load()
		check("AgedOut", e.EndsAt.Add(turnout.FeedWindow+time.Second), false)
		if s.feeds.renders.Load() != rendersBefore+1 {
			t.Errorf("ageing out did not re-render the cached feed")
		}
		// The event's own feed keeps it: "Add to calendar" on an old page still works.
		resp, body := do(t, app, get("/events/"+e.Slug+".ics"))
		if resp.StatusCode != 200 || !strings.Contains(body, "UID:"+e.UID) {
			t.Errorf("event feed after window: status %d", resp.StatusCode)
		}
	})
}

// TestFeedLinks follows the feed links of the home, group and event pages.
func TestFeedLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "riverside")
		e := seedEvent(t, st, g.ID, "Riverside vigil", 48*time.Hour, nil)
		pages := map[string][]string{
			"/":                 {"/events.ics", "/events.atom"},
			"/groups/riverside": {"/groups/riverside/events.ics", "/groups/riverside/events.atom"},
			"/events/" + e.Slug: {"/events/" + e.Slug + ".ics"},
		}
		for page, links := range pages {
			_, html := do(t, app, get(page))
			for _, link := range links {
				if !strings.Contains(html, `href="`+link+`"`) {
					t.Errorf("%s does not link %s", page, link)
					continue
				}
				resp, body := do(t, app, get(link))
				if resp.StatusCode != 200 || !(strings.Contains(body, e.UID)) {
					t.Errorf("%s (linked from %s): status %d, event missing", link, page, resp.StatusCode)
				}
			}
			webcal := "webcal://turnout.test" + links[0]
			if page != "/events/"+e.Slug && !strings.Contains(html, webcal) {
				t.Errorf("%s lacks subscribe link %s", page, webcal)
			}
		}
	})
}

func TestFeedCacheBounds(t *testing.T) {
	c := newFeedCache(3, 1<<20)
	for i, key := range []string{"a", "b", "c", "d"} {
		e, err := newFeedEntry(key, int64(i), time.Time{}, time.Now(), bytes.Repeat([]byte("x"), 100))
		if err != nil {
			t.Fatal(err)
		}
		c.put(e)
	}
	if c.len() != 3 || c.get("a") != nil || c.get("d") == nil {
		t.Fatalf("LRU kept %d entries, a=%v", c.len(), c.get("a") != nil)
	}
	old, _ := newFeedEntry("d", 1, time.Time{}, time.Now(), []byte("old"))
	c.put(old)
	if c.get("d").version != 3 {
		t.Errorf("an older version replaced a newer one")
	}
	small := newFeedCache(100, 250)
	for _, key := range []string{"a", "b", "c"} {
		e, _ := newFeedEntry(key, 1, time.Time{}, time.Now(), bytes.Repeat([]byte("y"), 100))
		small.put(e)
	}
	if small.bytes > 250 || small.len() >= 3 {
		t.Errorf("byte bound: %d bytes in %d entries", small.bytes, small.len())
	}
}

// TestFeedZonesEndToEnd enters local times as an organiser would, in London
// the night the clocks go forward and in Auckland the day before summer time
// ends, and reads the event feeds back with an independent parser.
func TestFeedZonesEndToEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "riverside")
		cases := []struct {
			name, zone, start, end string
			wantStart, wantEnd     time.Time
		}{
			{"LondonClocksForward", "Europe/London", "2026-03-29T00:30", "2026-03-29T03:30",
				time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC), time.Date(2026, 3, 29, 2, 30, 0, 0, time.UTC)},
			{"AucklandSummerTimeEnds", "Pacific/Auckland", "2026-04-04T12:00", "2026-04-05T12:00",
				time.Date(2026, 4, 3, 23, 0, 0, 0, time.UTC), time.Date(2026, 4, 5, 0, 0, 0, 0, time.UTC)},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				title, status := "Vigil "+tc.name, turnout.StatusPublished
				e, err := st.CreateEvent(context.Background(), g.ID, turnout.EventInput{Title: &title, Timezone: &tc.zone, StartsAt: &tc.start, EndsAt: &tc.end, Status: &status})
				if err != nil {
					t.Fatal(err)
				}
				resp, body := do(t, app, get("/events/"+e.Slug+".ics"))
				if resp.StatusCode != 200 {
					t.Fatalf("status %d", resp.StatusCode)
				}
				cal, err := eical.NewDecoder(strings.NewReader(body)).Decode()
				if err != nil {
					t.Fatal(err)
				}
				events := cal.Events()
				if len(events) != 1 {
					t.Fatalf("%d events", len(events))
				}
				start, err1 := events[0].DateTimeStart(nil)
				end, err2 := events[0].DateTimeEnd(nil)
				if err1 != nil || err2 != nil || !start.Equal(tc.wantStart) || !end.Equal(tc.wantEnd) {
					t.Errorf("times %v – %v (%v, %v), want %v – %v", start.UTC(), end.UTC(), err1, err2, tc.wantStart, tc.wantEnd)
				}
				if tzid := events[0].Props.Get("DTSTART").Params.Get("TZID"); tzid != tc.zone || !strings.Contains(body, "TZID:"+tc.zone+"\r\n") {
					t.Errorf("TZID %q, or no VTIMEZONE for %s", tzid, tc.zone)
				}
			})
		}
	})
}
