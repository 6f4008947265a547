package web

import (
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// feedIndex remembers which feed each feed URL last served. Group and event
// feeds need the database to find their scope, so while it is down this is
// how a URL finds the last rendered copy in the feed cache.
type feedIndex struct {
	mu    sync.Mutex
	byURL map[string]feedRequest
}

// feedIndexMax bounds the index: a few URLs (filters) per cached feed.
const feedIndexMax = 4 * feedCacheEntries

// feedURLKey names a feed URL: its path and its normalised kind filter.
func feedURLKey(c *fiber.Ctx) (string, bool) {
	kinds, err := feedKinds(c)
	if err != nil {
		return "", false
	}
	return c.Path() + "?kind=" + strings.Join(kinds, ","), true
}

// remember records that the request's URL is served by feed r.
func (x *feedIndex) remember(c *fiber.Ctx, r feedRequest) {
	key, ok := feedURLKey(c)
	if !ok {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.byURL == nil {
		x.byURL = map[string]feedRequest{}
	}
	if _, known := x.byURL[key]; !known && len(x.byURL) >= feedIndexMax {
		for k := range x.byURL { // drop any one: the index only speeds up outages
			delete(x.byURL, k)
			break
		}
	}
	x.byURL[key] = r
}

func (x *feedIndex) lookup(c *fiber.Ctx) (feedRequest, bool) {
	key, ok := feedURLKey(c)
	if !ok {
		return feedRequest{}, false
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	r, ok := x.byURL[key]
	return r, ok
}

// isFeedPath reports whether path is one of the feeds.
func isFeedPath(path string) bool {
	return strings.HasSuffix(path, ".ics") || strings.HasSuffix(path, ".atom")
}

// orStaleFeed serves the feed of h, or, when h fails because the database
// is down (EUNAVAILABLE), the last copy of the feed this instance rendered.
func (s *Server) orStaleFeed(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := h(c)
		if turnout.ErrorCode(err) != turnout.EUNAVAILABLE {
			return err
		}
		if ok, ferr := s.staleFeed(c); ok {
			return ferr
		}
		return err
	}
}

// staleFeed answers a feed request that failed because the database is
// down with the last copy this instance rendered, so that subscribed
// calendars keep their events. The answer says it is stale (Warning 110)
// and may be cached for a minute only. It reports false when there is no
// copy to give.
func (s *Server) staleFeed(c *fiber.Ctx) (bool, error) {
	r, ok := s.feedIndex.lookup(c)
	if !ok {
		return false, nil
	}
	entry := s.feeds.cache.get(r.key())
	if entry == nil {
		return false, nil
	}
	c.Status(fiber.StatusOK)
	if err := s.sendFeed(c, r, entry); err != nil {
		return true, err
	}
	c.Set("Warning", `110 - "Response is Stale"`)
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	return true, nil
}
