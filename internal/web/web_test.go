package web

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/config"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// testConfig is the configuration of test servers.
func testConfig(t testing.TB) config.Config {
	t.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL = "http://turnout.test"
	return cfg
}

// newTestApp builds the application over st with a quiet logger.
func newTestApp(t testing.TB, cfg config.Config, st *store.Store) *fiber.App {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	app, err := New(cfg, log, st)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// do sends req through app and returns the response with its body read.
func do(t testing.TB, app *fiber.App, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// seedGroup creates an organiser and group and returns the group and an API token.
func seedGroup(t testing.TB, st *store.Store, slug string) (*turnout.Group, string) {
	t.Helper()
	ctx := context.Background()
	token, err := st.AddOrganiser(ctx, turnout.OrganiserInput{Email: slug + "@example.org", Name: "Org " + slug, GroupSlug: slug, GroupName: "Group " + slug, Timezone: "Europe/London"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := st.FindGroupBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	return g, token
}

// seedEvent creates a published event starting in `in` from now, lasting two hours.
func seedEvent(t testing.TB, st *store.Store, groupID int64, title string, in time.Duration, mutate func(*turnout.EventInput)) *turnout.Event {
	t.Helper()
	start := time.Now().Add(in).UTC().Format(time.RFC3339)
	end := time.Now().Add(in + 2*time.Hour).UTC().Format(time.RFC3339)
	status := turnout.StatusPublished
	input := turnout.EventInput{Title: &title, StartsAt: &start, EndsAt: &end, Status: &status}
	if mutate != nil {
		mutate(&input)
	}
	e, err := st.CreateEvent(context.Background(), groupID, input)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestPublicPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "riverside")
		pub := seedEvent(t, st, g.ID, "Riverside vigil", 48*time.Hour, nil)
		draft := seedEvent(t, st, g.ID, "Secret planning", 72*time.Hour, func(in *turnout.EventInput) {
			s := turnout.StatusDraft
			in.Status = &s
		})

		tests := []struct {
			name, path string
			status     int
			contains   string
			absent     string
		}{
			{"HomeListsPublished", "/", 200, "Riverside vigil", "Secret planning"},
			{"EventPage", "/events/" + pub.Slug, 200, "Riverside vigil", ""},
			{"DraftHidden", "/events/" + draft.Slug, 404, "not found", "Secret planning"},
			{"GroupPage", "/groups/riverside", 200, "Riverside vigil", "Secret planning"},
			{"UnknownGroup", "/groups/nobody", 404, "not found", ""},
			{"BadKindFilter", "/?kind=parade", 422, "Choose from", ""},
			{"UnknownRoute", "/no/such/page", 404, "could not find", ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := do(t, app, httptest.NewRequest("GET", tc.path, nil))
				if resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d; body: %.300s", resp.StatusCode, tc.status, body)
				}
				if !strings.Contains(body, tc.contains) {
					t.Errorf("body lacks %q", tc.contains)
				}
				if tc.absent != "" && strings.Contains(body, tc.absent) {
					t.Errorf("body shows %q", tc.absent)
				}
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("Content-Type %q", ct)
				}
			})
		}
	})
}

func TestAPIEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "harbour")
		e := seedEvent(t, st, g.ID, "Harbour march", 24*time.Hour, func(in *turnout.EventInput) {
			in.Capacity = turnout.Of(25)
			k := turnout.KindMarch
			in.Kind = &k
		})

		resp, body := do(t, app, httptest.NewRequest("GET", "/api/v1/events/"+e.Slug, nil))
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		for key, want := range map[string]any{"slug": e.Slug, "status": "published", "sequence": 0.0, "going": 0.0, "spots_left": 25.0,
			"url": "http://turnout.test/events/" + e.Slug, "ics_url": "http://turnout.test/events/" + e.Slug + ".ics"} {
			if got[key] != want {
				t.Errorf("%s = %v, want %v", key, got[key], want)
			}
		}

		resp, body = do(t, app, httptest.NewRequest("GET", "/api/v1/events?kind=march,rally", nil))
		var list struct {
			Events []map[string]any `json:"events"`
			Next   *string          `json:"next"`
		}
		if err := json.Unmarshal([]byte(body), &list); err != nil || resp.StatusCode != 200 {
			t.Fatalf("status %d, %v: %s", resp.StatusCode, err, body)
		}
		if len(list.Events) != 1 || list.Next != nil {
			t.Fatalf("got %d events, next %v", len(list.Events), list.Next)
		}

		resp, body = do(t, app, httptest.NewRequest("GET", "/api/v1/events?from=yesterday", nil))
		if resp.StatusCode != 422 || !strings.Contains(body, `"from"`) {
			t.Fatalf("bad from: status %d: %s", resp.StatusCode, body)
		}
		resp, _ = do(t, app, httptest.NewRequest("GET", "/api/v1/events/no-such-event", nil))
		if resp.StatusCode != 404 {
			t.Fatalf("unknown slug: status %d", resp.StatusCode)
		}
	})
}
