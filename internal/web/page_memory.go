package web

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// Public responses from memory.
//
// The event page, the group page, the home page's first page and event JSON
// are kept in memory (pageCache) as the bytes rendered for the versions of
// the scopes they show (scopeMemory). A request finds its URL's entry, looks
// up those versions (no database round trip while the listener is in place)
// and, when none moved and the page has not aged (an RSVP deadline passing,
// an event ending), answers with the bytes, or 304 to a matching
// If-None-Match. Otherwise the handler renders from the database; the
// versions were read before the data, so the bytes kept are never older than
// the versions they are filed under.
//
// Only anonymous requests without a query string use it: no session or flash
// cookie, no Authorization header. A response that sets a cookie, or that
// is not a 200, is never kept. The language the request asks for (cookie or
// Accept-Language) is part of the key; anything else a public response comes
// to vary by must become part of it too, in memoryPage.

// localAnonymousPage marks a response sent from the page cache: a page for
// anyone, which holds no CSRF token, so compression need not look for one.
const localAnonymousPage = "turnout.anonymousPage"

// localPageDeps is the c.Locals key of the *pageDeps a handler declares.
const localPageDeps = "turnout.pageDeps"

// pageDeps is what a public handler declares about the response it rendered:
// the scopes it shows, and when time alone changes it.
type pageDeps struct {
	scopes     []string
	validUntil time.Time
}

// showsScopes declares, for the page cache, the scopes the response being
// rendered shows and the instant from which it would read otherwise with no
// write (zero: none).
func showsScopes(c *fiber.Ctx, validUntil time.Time, scopes ...string) {
	c.Locals(localPageDeps, &pageDeps{scopes: scopes, validUntil: validUntil})
}

// earliestAfter returns the earliest of times that is after now, or zero.
func earliestAfter(now time.Time, times ...time.Time) time.Time {
	var first time.Time
	for _, t := range times {
		if t.After(now) && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	return first
}

// listValidUntil is when a list of upcoming events changes by time alone:
// when the first of them ends and leaves it.
func listValidUntil(now time.Time, events []*turnout.Event) time.Time {
	var first time.Time
	for _, e := range events {
		if e.EndsAt.After(now) && (first.IsZero() || e.EndsAt.Before(first)) {
			first = e.EndsAt
		}
	}
	return first
}

// pageCacheable reports whether a request may be answered from, and fill,
// the page cache.
func (s *Server) pageCacheable(c *fiber.Ctx) bool {
	if s.pages == nil || c.Method() != fiber.MethodGet || len(c.Request().URI().QueryString()) != 0 {
		return false
	}
	h := &c.Request().Header
	return len(h.Peek(fiber.HeaderAuthorization)) == 0 && len(h.Cookie(sessionCookie)) == 0 && len(h.Cookie(flashCookie)) == 0
}

// memoryPage serves h's public response from memory when it can (see above).
func (s *Server) memoryPage(kind string, h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !s.pageCacheable(c) {
			return h(c)
		}
		// The language asked for is part of the key; a request that asks
		// for none gets the group's or the site's, which the scopes cover.
		lang, _ := s.chosenLanguage(c)
		key := kind + " " + lang.String() + " " + c.Path()
		entry := s.pages.get(key)
		var versions map[string]int64
		if entry != nil {
			v, err := s.scopes.lookup(c.UserContext(), entry.scopes())
			if err != nil {
				return s.orStalePage(c, entry, err)
			}
			if entry.fresh(v, s.now()) {
				s.pageHits.Add(1)
				return s.sendPage(c, entry)
			}
			versions = v
		}
		if err := h(c); err != nil {
			return s.orStalePage(c, entry, err)
		}
		s.keepPage(c, key, entry, versions)
		return nil
	}
}

// staleNote is shown at the top of a page served from memory while the
// database is down.
const staleNote = `<p class="flash" role="status">This page may be out of date: the site cannot reach its database just now, so this is the last copy it showed. Replies and changes wait until it is back.</p>`

// orStalePage answers a request that failed because the database is down
// with the last copy of the page this instance rendered, if it has one:
// status 200, a visible note on HTML pages, Warning 110 and a short public
// max-age so that a cache in front may keep serving it. Any other error, or
// no copy, goes on to the error handler (503 for an outage).
func (s *Server) orStalePage(c *fiber.Ctx, e *pageEntry, err error) error {
	if e == nil || e.body == nil || turnout.ErrorCode(err) != turnout.EUNAVAILABLE {
		return err
	}
	c.Response().Reset()
	s.setSecurityHeaders(c)
	c.Status(fiber.StatusOK)
	c.Set(fiber.HeaderContentType, e.ctype)
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	c.Set("Warning", `110 - "Response is Stale"`)
	body := e.body
	if strings.HasPrefix(e.ctype, fiber.MIMETextHTML) {
		body = withStaleNote(body)
	}
	return c.Send(body)
}

// withStaleNote inserts staleNote at the start of the page's <main>.
func withStaleNote(page []byte) []byte {
	s := string(page)
	i := strings.Index(s, "<main")
	if i < 0 {
		return page
	}
	j := strings.IndexByte(s[i:], '>')
	if j < 0 {
		return page
	}
	at := i + j + 1
	return []byte(s[:at] + "\n" + staleNote + s[at:])
}

// keepPage files the response just rendered under key: with its bytes when
// the versions read before rendering cover the scopes it declared, else as
// the list of those scopes for the next request to read first.
func (s *Server) keepPage(c *fiber.Ctx, key string, before *pageEntry, versions map[string]int64) {
	deps, _ := c.Locals(localPageDeps).(*pageDeps)
	resp := c.Response()
	if deps == nil || resp.StatusCode() != fiber.StatusOK || len(resp.Header.Peek(fiber.HeaderSetCookie)) != 0 ||
		len(resp.Header.Peek(fiber.HeaderContentEncoding)) != 0 {
		if before != nil {
			s.pages.remove(key)
		}
		return
	}
	e := &pageEntry{key: key, deps: make(map[string]int64, len(deps.scopes)), validUntil: deps.validUntil,
		body: append([]byte(nil), resp.Body()...), ctype: string(resp.Header.ContentType())}
	e.etag = bodyETag(e.body)
	complete := len(versions) == len(deps.scopes)
	for _, sc := range deps.scopes {
		v, ok := versions[sc]
		if !ok || !complete {
			// Versions not read before the data: the body is kept as the
			// last good copy for an outage, never as fresh.
			v, complete = -1, false
		}
		e.deps[sc] = v
	}
	if complete {
		c.Set(fiber.HeaderETag, "W/"+e.etag)
	}
	s.pages.put(e)
}

// sendPage answers from a page entry: 304 to a matching If-None-Match.
func (s *Server) sendPage(c *fiber.Ctx, e *pageEntry) error {
	c.Locals(localAnonymousPage, true)
	// Weak: the compression middleware may send other bytes of the same page.
	c.Set(fiber.HeaderETag, "W/"+e.etag)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Vary(fiber.HeaderAcceptLanguage, fiber.HeaderCookie)
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && etagMatches(inm, e.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, e.ctype)
	return c.Send(e.body)
}

// etagMatches applies an If-None-Match header to an ETag (weak comparison).
func etagMatches(inm, etag string) bool {
	for _, tag := range strings.Split(inm, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == "*" || tag == etag {
			return true
		}
	}
	return false
}

// ListenScopes keeps the server's memory of scope versions in step with
// every instance's writes until ctx ends (see scopeMemory). Without it the
// server still serves exact pages, reading the versions from the database
// on every request.
func (s *Server) ListenScopes(ctx context.Context) {
	s.store.ListenScopes(ctx, s.scopes)
}

// ScopesReady is closed once ListenScopes is first in place, from when
// public pages are answered from memory.
func (s *Server) ScopesReady() <-chan struct{} { return s.scopes.ready }
