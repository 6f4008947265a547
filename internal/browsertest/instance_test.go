package browsertest_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/config"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/turnout"
	"github.com/turnout-org/turnout/internal/web"
)

// instance is a running Turnout: the real HTTP server on a real listener
// (127.0.0.1, a free port) over a fresh SQLite file.
type instance struct {
	origin string
	store  *store.Store
}

// startInstance serves Turnout until the test ends.
func startInstance(t *testing.T) *instance {
	t.Helper()
	return startInstanceWith(t, nil)
}

// startInstanceWith is startInstance with setup applied to the
// configuration and the store before the server starts.
func startInstanceWith(t *testing.T, setup func(cfg *config.Config, st *store.Store)) *instance {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "turnout.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	origin := "http://" + ln.Addr().String()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr, cfg.BaseURL = ln.Addr().String(), origin
	cfg.SecretKey = "a browser-test secret for actor keys" // federation on
	if setup != nil {
		setup(&cfg, st)
	}
	app, err := web.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), st)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	// The socket is bound, so this waits in its backlog until the server
	// serves; a shutdown before that would leave Listener running.
	resp, err := http.Get(origin + "/healthz")
	if err != nil {
		t.Fatalf("the server does not answer: %v", err)
	}
	resp.Body.Close()
	t.Cleanup(func() {
		if err := app.ShutdownWithTimeout(5 * time.Second); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &instance{origin: origin, store: st}
}

// organiserPassword is the web login password of seeded organisers, whose
// email is the group's slug at example.org.
const organiserPassword = "candles and banners at six"

// seedGroup creates an organiser and a group through the store.
func (in *instance) seedGroup(t *testing.T, slug string) *turnout.Group {
	t.Helper()
	ctx := context.Background()
	_, err := in.store.AddOrganiser(ctx, turnout.OrganiserInput{Email: slug + "@example.org", Name: "Organiser of " + slug,
		GroupSlug: slug, GroupName: "Riverside Solidarity Network", Timezone: "Europe/London", Password: organiserPassword})
	if err != nil {
		t.Fatal(err)
	}
	g, err := in.store.FindGroupBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// seedEvent creates a published event of group g, a few days ahead, with two
// linked articles.
func (in *instance) seedEvent(t *testing.T, g *turnout.Group, title string, mutate func(*turnout.EventInput)) *turnout.Event {
	t.Helper()
	start := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Hour)
	s, e := start.Format(time.RFC3339), start.Add(2*time.Hour).Format(time.RFC3339)
	kind, status := turnout.KindVigil, turnout.StatusPublished
	summary := "A silent vigil for the people who died at the border this year."
	desc := "We gather at the **station forecourt** at six.\n\n- Bring a candle\n- Wear something warm\n\nStewards will wear orange armbands."
	venue, address := "Central Station forecourt", "Station Square, Riverside RV1 2AB"
	access := "Step-free access from the bus stop; seating available; BSL interpreter on request."
	articles := []turnout.ArticleInput{
		{URL: "https://riverside.example.org/why-we-vigil", Title: "Why we hold a vigil every month", Summary: "The names, the numbers, and what the council can do.", Source: "Riverside Solidarity Network"},
		{URL: "https://news.example.net/border-deaths-report", Title: "Report: deaths at the border rose again", Source: "Example News"},
	}
	input := turnout.EventInput{Title: &title, Kind: &kind, Summary: &summary, Description: &desc, StartsAt: &s, EndsAt: &e,
		Venue: &venue, Address: &address, Accessibility: &access, Status: &status, Articles: &articles}
	if mutate != nil {
		mutate(&input)
	}
	ev, err := in.store.CreateEvent(context.Background(), g.ID, input)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}
