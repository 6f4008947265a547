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
// middleware and templates included, without a socket.
func BenchmarkWeb(b *testing.B) {
	for _, f := range fixtures(b) {
		h := newHandler(b, f.st)
		for _, tc := range []struct{ name, path string }{
			{"EventPage", "/events/" + gen.HotEvent},
			{"HomePage", "/"},
			{"APIEvent", "/api/v1/events/" + gen.HotEvent},
		} {
			b.Run(tc.name+"/"+f.name, func(b *testing.B) {
				var rc fasthttp.RequestCtx
				rc.Init(&fasthttp.Request{}, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
				for b.Loop() {
					rc.Request.Reset()
					rc.Response.Reset()
					rc.Request.Header.SetMethod(fasthttp.MethodGet)
					rc.Request.SetRequestURI(tc.path)
					h(&rc)
					if rc.Response.StatusCode() != fiber.StatusOK {
						b.Fatalf("GET %s: %d %.200s", tc.path, rc.Response.StatusCode(), rc.Response.Body())
					}
				}
			})
		}
	}
}

func newHandler(b *testing.B, st *store.Store) fasthttp.RequestHandler {
	b.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	app, err := web.New(cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)), st)
	if err != nil {
		b.Fatal(err)
	}
	return app.Handler()
}
