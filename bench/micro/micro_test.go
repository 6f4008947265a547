package micro_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/turnout-org/turnout/bench/gen"
	"github.com/turnout-org/turnout/internal/config"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
	"github.com/turnout-org/turnout/internal/web"
)

// fixture is a migrated store per target filled with the 1k scale.
type fixture struct {
	name string
	st   *store.Store
}

func fixtures(b *testing.B) []fixture {
	b.Helper()
	var out []fixture
	for _, target := range storetest.Targets(b) {
		st := storetest.Open(b, target)
		if _, err := gen.Generate(context.Background(), target.URL, gen.Small, time.Now()); err != nil {
			b.Fatalf("generate %s: %v", target.Name, err)
		}
		out = append(out, fixture{target.Name, st})
	}
	return out
}

// BenchmarkStore times the queries behind every page and API read.
func BenchmarkStore(b *testing.B) {
	ctx := context.Background()
	for _, f := range fixtures(b) {
		b.Run("FindEventsFirstPage/"+f.name, func(b *testing.B) {
			for b.Loop() {
				events, _, err := f.st.FindEvents(ctx, turnout.EventFilter{EndsAfter: time.Now(), Limit: 20})
				if err != nil || len(events) != 20 {
					b.Fatalf("%d events, %v", len(events), err)
				}
			}
		})
		b.Run("FindEventBySlug/"+f.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := f.st.FindEventBySlug(ctx, gen.HotEvent); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWeb times whole requests through the Fiber application's handler,
// middleware and templates included, without a socket. GroupFeed is served
// from the feed cache after the first request; GroupFeed304 is the same with
// If-None-Match.
func BenchmarkWeb(b *testing.B) {
	for _, f := range fixtures(b) {
		h := newHandler(b, f.st)
		feedPath := "/groups/" + gen.FeedGroup + "/events.ics"
		etag := string(get(b, h, feedPath, "", fiber.StatusOK).Response.Header.Peek(fiber.HeaderETag))
		for _, tc := range []struct {
			name, path, ifNoneMatch string
			status                  int
		}{
			{"EventPage", "/events/" + gen.HotEvent, "", fiber.StatusOK},
			{"HomePage", "/", "", fiber.StatusOK},
			{"APIEvent", "/api/v1/events/" + gen.HotEvent, "", fiber.StatusOK},
			{"GroupFeed", feedPath, "", fiber.StatusOK},
			{"GroupFeed304", feedPath, etag, fiber.StatusNotModified},
		} {
			b.Run(tc.name+"/"+f.name, func(b *testing.B) {
				for b.Loop() {
					get(b, h, tc.path, tc.ifNoneMatch, tc.status)
				}
			})
		}
	}
}

// get runs one GET through h and checks its status.
func get(b *testing.B, h fasthttp.RequestHandler, path, ifNoneMatch string, status int) *fasthttp.RequestCtx {
	var rc fasthttp.RequestCtx
	rc.Init(&fasthttp.Request{}, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
	rc.Request.Header.SetMethod(fasthttp.MethodGet)
	rc.Request.SetRequestURI(path)
	if ifNoneMatch != "" {
		rc.Request.Header.Set(fiber.HeaderIfNoneMatch, ifNoneMatch)
	}
	h(&rc)
	if rc.Response.StatusCode() != status {
		b.Fatalf("GET %s: %d, want %d: %.200s", path, rc.Response.StatusCode(), status, rc.Response.Body())
	}
	return &rc
}

func newHandler(b *testing.B, st *store.Store) fasthttp.RequestHandler {
	b.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	srv, app, err := web.NewServer(cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)), st)
	if err != nil {
		b.Fatal(err)
	}
	// As turnout serve does: public pages from memory once it listens.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.ListenScopes(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	select {
	case <-srv.ScopesReady():
	case <-time.After(10 * time.Second):
		b.Fatal("scope listener not in place after 10 s")
	}
	return app.Handler()
}
