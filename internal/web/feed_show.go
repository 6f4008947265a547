package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/sync/singleflight"

	"github.com/turnout-org/turnout/internal/feed"
	"github.com/turnout-org/turnout/internal/turnout"
)

// Feed formats.
const (
	formatICal = "ics"
	formatAtom = "atom"
)

// feedState is the feed machinery of a server: the cache of rendered bodies,
// the encoders (a seam for tests that count renders) and a singleflight so
// that concurrent misses of one feed render it once.
type feedState struct {
	cache   *feedCache
	flight  singleflight.Group
	encode  map[string]func(feed.Calendar) ([]byte, error)
	renders atomic.Int64
}

func newFeedState() *feedState {
	return &feedState{
		cache:  newFeedCache(feedCacheEntries, feedCacheBytes),
		encode: map[string]func(feed.Calendar) ([]byte, error){formatICal: feed.EncodeICal, formatAtom: feed.EncodeAtom},
	}
}

// feedRequest is one feed asked for: what to load and how to name it.
type feedRequest struct {
	format   string
	scope    string   // feed_versions scope
	kinds    []string // sorted, no duplicates
	groupID  int64    // group feeds
	slug     string   // group slug, or event slug for event feeds
	path     string   // the feed's path, for its own URL
	filename string
}

func (r feedRequest) key() string {
	return r.format + "|" + r.scope + "|" + strings.Join(r.kinds, ",")
}

// siteFeed serves /events.ics and /events.atom: every listed event.
func (s *Server) siteFeed(format string) fiber.Handler {
	return s.orStaleFeed(func(c *fiber.Ctx) error {
		kinds, err := feedKinds(c)
		if err != nil {
			return err
		}
		if done, err := s.feedFromMemory(c); done {
			return err
		}
		return s.serveFeed(c, feedRequest{format: format, scope: "site", kinds: kinds, path: "/events." + format, filename: "events." + format})
	})
}

// groupFeed serves /groups/{group}/events.ics and .atom: the group's events.
func (s *Server) groupFeed(format string) fiber.Handler {
	return s.orStaleFeed(func(c *fiber.Ctx) error {
		kinds, err := feedKinds(c)
		if err != nil {
			return err
		}
		if done, err := s.feedFromMemory(c); done {
			return err
		}
		ctx := c.UserContext()
		g, v, err := s.store.FindGroupFeedVersion(ctx, c.Params("group"))
		if err != nil {
			return err
		}
		return s.serveFeedVersion(c, feedRequest{format: format, scope: v.Scope, kinds: kinds, groupID: g.ID,
			slug: g.Slug, path: "/groups/" + g.Slug + "/events." + format, filename: g.Slug + "-events." + format}, v)
	})
}

// eventFeed serves /events/{slug}.ics: one event.
func (s *Server) eventFeed() fiber.Handler {
	return s.orStaleFeed(func(c *fiber.Ctx) error {
		kinds, err := feedKinds(c)
		if err != nil {
			return err
		}
		if done, err := s.feedFromMemory(c); done {
			return err
		}
		e, err := s.findListedEvent(c, c.Params("slug"))
		if err != nil {
			return err
		}
		return s.serveFeed(c, feedRequest{format: formatICal, scope: "event:" + strconv.FormatInt(e.ID, 10), kinds: kinds,
			slug: e.Slug, path: "/events/" + e.Slug + ".ics", filename: e.Slug + ".ics"})
	})
}

// feedKinds reads ?kind=a,b: known kinds, sorted, without duplicates.
func feedKinds(c *fiber.Ctx) ([]string, error) {
	seen := map[string]bool{}
	var kinds []string
	for _, k := range strings.Split(c.Query("kind"), ",") {
		if k = strings.TrimSpace(k); k == "" || seen[k] {
			continue
		}
		if !turnout.ValidKind(k) {
			fe := turnout.FieldErrors{}
			fe.Add("kind", "Choose from: "+strings.Join(turnout.Kinds, ", ")+".")
			return nil, fe.Err()
		}
		seen[k] = true
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds, nil
}

// serveFeed answers from the cache when the feed's version and window have
// not moved: a conditional request is then answered without rendering, and
// a full one with the cached bytes. Otherwise the feed is rendered once.
func (s *Server) serveFeed(c *fiber.Ctx, r feedRequest) error {
	ctx := c.UserContext()
	// The version is read before the events, so a body is never labelled
	// with a version newer than its content.
	v, err := s.store.FindFeedVersion(ctx, r.scope)
	if err != nil {
		return err
	}
	return s.serveFeedVersion(c, r, v)
}

// feedFromMemory answers a feed request with no database round trip when
// this URL's feed was served before, its scope's version is in trusted
// memory (see scopeMemory) and the body held for it is of that version and
// still in its window. It reports whether it answered.
func (s *Server) feedFromMemory(c *fiber.Ctx) (bool, error) {
	r, ok := s.feedIndex.lookup(c)
	if !ok {
		return false, nil
	}
	v, ok := s.scopes.known(r.scope)
	if !ok {
		return false, nil
	}
	entry := s.feeds.cache.get(r.key())
	if entry == nil || !entry.fresh(v, s.now().UTC()) {
		return false, nil
	}
	return true, s.sendFeed(c, r, entry)
}

// serveFeedVersion is serveFeed with the scope's version already read.
func (s *Server) serveFeedVersion(c *fiber.Ctx, r feedRequest, v turnout.FeedVersion) error {
	ctx := c.UserContext()
	if s.scopes.isTrusted() {
		// Into memory for feedFromMemory; a failure only costs that.
		_, _ = s.scopes.lookup(ctx, []string{r.scope})
	}
	now := s.now().UTC()
	entry := s.feeds.cache.get(r.key())
	if entry == nil || !entry.fresh(v.Version, now) {
		last := entry
		flightKey := r.key() + "|" + strconv.FormatInt(v.Version, 10)
		res, err, _ := s.feeds.flight.Do(flightKey, func() (any, error) {
			// Shared by every request waiting on this render, so not tied
			// to the first one's connection.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			fresh, err := s.renderFeed(rctx, r, v, now)
			if err == nil && last != nil && last.etag == fresh.etag {
				fresh.modified = last.modified // same bytes: not modified
			}
			return fresh, err
		})
		if err != nil {
			return err
		}
		entry = res.(*feedEntry)
		s.feeds.cache.put(entry)
	}
	return s.sendFeed(c, r, entry)
}

// renderFeed loads and encodes a feed.
func (s *Server) renderFeed(ctx context.Context, r feedRequest, v turnout.FeedVersion, now time.Time) (*feedEntry, error) {
	cal := feed.Calendar{BaseURL: s.cfg.BaseURL, SelfURL: s.cfg.BaseURL + r.path, Updated: v.UpdatedAt}
	var validUntil time.Time
	switch {
	case strings.HasPrefix(r.scope, "event:"):
		e, err := s.store.FindEventBySlug(ctx, r.slug)
		if err != nil {
			return nil, err
		}
		if e.Listed() && (len(r.kinds) == 0 || containsString(r.kinds, e.Kind)) {
			cal.Events = []*turnout.Event{e.Public()}
		}
		cal.Name, cal.Description = e.Title, "An event on "+siteHost(s.cfg.BaseURL)+"."
	default:
		events, err := s.store.FindFeedEvents(ctx, turnout.FeedQuery{GroupID: r.groupID, Kinds: r.kinds, Now: now})
		if err != nil {
			return nil, err
		}
		cal.Events = turnout.PublicEvents(events)
		validUntil = turnout.NextFeedChange(events, now)
		cal.Name = "Events on " + siteHost(s.cfg.BaseURL)
		cal.Description = "Protests, marches, rallies, vigils and public meetings listed on " + siteHost(s.cfg.BaseURL) + "."
		if r.groupID != 0 {
			g, err := s.store.FindGroupBySlug(ctx, r.slug)
			if err != nil {
				return nil, err
			}
			cal.Name, cal.Description = g.Name, "Events organised by "+g.Name+", from "+siteHost(s.cfg.BaseURL)+"."
		}
	}
	s.feeds.renders.Add(1)
	body, err := s.feeds.encode[r.format](cal)
	if err != nil {
		return nil, err
	}
	return newFeedEntry(r.key(), v.Version, validUntil, now.Truncate(time.Second), body)
}

// sendFeed writes the caching headers and the body, or 304 Not Modified.
func (s *Server) sendFeed(c *fiber.Ctx, r feedRequest, e *feedEntry) error {
	s.feedIndex.remember(c, r)
	ctype := "text/calendar; charset=utf-8"
	if r.format == formatAtom {
		ctype = "application/atom+xml; charset=utf-8"
	}
	gz := acceptsGzip(c.Get(fiber.HeaderAcceptEncoding))
	etag := e.etag
	if gz {
		etag = gzipETag(e.etag)
	}
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderLastModified, e.modified.UTC().Format(http.TimeFormat))
	c.Set(fiber.HeaderCacheControl, "public, max-age="+strconv.Itoa(int(s.cfg.FeedMaxAge.Seconds())))
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	if notModified(c, e) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+r.filename+`"`)
	if gz {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(e.gzipped)
	}
	return c.Send(e.body)
}

// notModified applies If-None-Match, and only without it If-Modified-Since.
func notModified(c *fiber.Ctx, e *feedEntry) bool {
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" || tag == e.etag || tag == gzipETag(e.etag) {
				return true
			}
		}
		return false
	}
	if ims := c.Get(fiber.HeaderIfModifiedSince); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !e.modified.After(t)
	}
	return false
}

// gzipETag is the ETag of the gzip-encoded body: the same content, another
// representation.
func gzipETag(etag string) string { return strings.TrimSuffix(etag, `"`) + `-gzip"` }

// acceptsGzip reports whether an Accept-Encoding header allows gzip.
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// siteHost is the host of the base URL, to name the site in feeds.
func siteHost(base string) string {
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		return u.Host
	}
	return base
}
