// Package web is Turnout's HTTP layer: pages for people, JSON under /api/v1
// and feeds. It is the only package that imports Fiber.
package web

import (
	"context"
	"database/sql"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/config"
	"github.com/turnout-org/turnout/internal/turnout"
)

// Store is everything the web layer needs from storage.
type Store interface {
	turnout.EventService
	turnout.GroupService
	turnout.AccountService
	turnout.RSVPService
	turnout.OrganiserService
	turnout.OrganiserEventService
	turnout.FeedService
	turnout.ScopeService
	turnout.RateLimitService
	turnout.MailService
	turnout.OrganiserMailService
	turnout.PasswordResetService
	turnout.FederationService
	turnout.AdminService
	turnout.ImageService
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// PoolStats reports the database connection pool, for /metrics.
	PoolStats() sql.DBStats
}

// Server holds the dependencies of the handlers.
type Server struct {
	cfg   config.Config
	log   *slog.Logger
	store Store
	now   func() time.Time
	feeds *feedState
	// trusted are the proxies whose X-Forwarded-For is believed.
	trusted []*net.IPNet
	metrics *metrics
	// delay waits before a login of an account under attack (waitDelay).
	delay func(ctx context.Context, d time.Duration)
	// feedIndex finds the last copy of a feed while the database is down.
	feedIndex feedIndex
	// static holds web/static under fingerprinted names.
	static *staticAssets
	// fed serves ActivityPub; nil when federation is off.
	fed *federation
	// langs holds the message catalogue and a template set per language.
	langs *languages
	// pseudo accepts ?lang=en-XA, the pseudo-locale tests render pages in.
	pseudo bool
	// scopes remembers the versions of public scopes; pages holds public
	// responses rendered for them (page_memory.go).
	scopes   *scopeMemory
	pages    *pageCache
	pageHits atomic.Int64
}

// New builds the Fiber application with its middleware and routes. It loads
// the templates at once and fails if they do not parse.
func New(cfg config.Config, log *slog.Logger, store Store) (*fiber.App, error) {
	return newServer(cfg, log, store).app()
}

// NewServer is New for a caller that also runs the server's ListenScopes.
func NewServer(cfg config.Config, log *slog.Logger, store Store) (*Server, *fiber.App, error) {
	s := newServer(cfg, log, store)
	app, err := s.app()
	return s, app, err
}

// newServer holds the dependencies; tests reach into it before app builds
// the Fiber application.
func newServer(cfg config.Config, log *slog.Logger, store Store) *Server {
	return &Server{cfg: cfg, log: log, store: store, now: time.Now, feeds: newFeedState(),
		trusted: parseTrusted(cfg.TrustedProxies), metrics: newMetrics(), delay: waitDelay,
		scopes: newScopeMemory(store, log), pages: newPageCache(cfg.PageCacheMB << 20)}
}

// app builds the Fiber application over s.
func (s *Server) app() (*fiber.App, error) {
	cfg := s.cfg
	static, err := loadStaticAssets()
	if err != nil {
		return nil, err
	}
	s.static = static
	if s.fed, err = s.newFederation(); err != nil {
		return nil, err
	}
	if s.langs, err = loadLanguages(static, s.pseudo); err != nil {
		return nil, err
	}
	views := s.langs.views["en"]
	app := fiber.New(fiber.Config{
		AppName:                 "Turnout",
		Views:                   views,
		ViewsLayout:             "layouts/main",
		ErrorHandler:            s.handleError,
		Immutable:               true,
		BodyLimit:               cfg.BodyLimit,
		ReadTimeout:             30 * time.Second,
		WriteTimeout:            30 * time.Second,
		IdleTimeout:             120 * time.Second,
		ReadBufferSize:          16 * 1024,
		DisableStartupMessage:   true,
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,
		ProxyHeader:             proxyHeader(cfg),
	})
	if cfg.BodyLimit < uploadLimit {
		app.Server().HeaderReceived = uploadBodyLimit
	}
	s.routes(app)
	if err := warmRender(app); err != nil {
		return nil, err
	}
	return app, nil
}

func proxyHeader(cfg config.Config) string {
	if len(cfg.TrustedProxies) > 0 {
		return fiber.HeaderXForwardedFor
	}
	return ""
}

// requestTimeout bounds the store calls one request makes.
const requestTimeout = 10 * time.Second

// requestContext gives each request one context, with a time limit, that
// every store call the request makes shares (c.UserContext()).
func requestContext(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), requestTimeout)
	defer cancel()
	c.SetUserContext(ctx)
	return c.Next()
}
