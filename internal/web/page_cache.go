package web

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// pageEntry is one public response held in memory: the bytes of a page (or
// of event JSON) as rendered for the versions of the scopes it shows. A
// version of -1 means it was not read before the data (the first request of
// a URL learns its scopes): such an entry is never fresh, but tells the next
// request which versions to read first, and is the last good copy should the
// database go down. Entries are never changed once built, so requests may
// share them.
type pageEntry struct {
	key        string
	deps       map[string]int64 // scope -> version the body was rendered at
	validUntil time.Time        // the body shows something else from then on (time passing); zero: never
	body       []byte
	ctype      string
	etag       string // quoted hash of body
}

func (e *pageEntry) size() int { return len(e.key) + len(e.body) + len(e.ctype) + 64*len(e.deps) + 128 }

// scopes lists the scopes the entry depends on.
func (e *pageEntry) scopes() []string {
	out := make([]string, 0, len(e.deps))
	for sc := range e.deps {
		out = append(out, sc)
	}
	return out
}

// fresh reports whether the body still shows the page for versions at now.
func (e *pageEntry) fresh(versions map[string]int64, now time.Time) bool {
	if e.body == nil || (!e.validUntil.IsZero() && !now.Before(e.validUntil)) {
		return false
	}
	for sc, v := range e.deps {
		if cur, ok := versions[sc]; !ok || cur != v {
			return false
		}
	}
	return true
}

func bodyETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// pageCache holds pageEntries by key, least recently used out first, within
// a byte budget (TURNOUT_PAGE_CACHE_MB).
type pageCache struct {
	mu       sync.Mutex
	ll       *list.List // of *pageEntry, most recent at the front
	items    map[string]*list.Element
	bytes    int
	maxBytes int
}

func newPageCache(maxBytes int) *pageCache {
	return &pageCache{ll: list.New(), items: map[string]*list.Element{}, maxBytes: maxBytes}
}

func (c *pageCache) get(key string) *pageEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil
	}
	c.ll.MoveToFront(el)
	return el.Value.(*pageEntry)
}

// put stores e, replacing the entry of its key, and evicts the least
// recently used entries beyond the byte budget. A budget of 0 keeps nothing.
func (c *pageCache) put(e *pageEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.size() > c.maxBytes {
		c.removeLocked(e.key)
		return
	}
	if el, ok := c.items[e.key]; ok {
		c.bytes -= el.Value.(*pageEntry).size()
		el.Value = e
		c.ll.MoveToFront(el)
	} else {
		c.items[e.key] = c.ll.PushFront(e)
	}
	c.bytes += e.size()
	for c.bytes > c.maxBytes && c.ll.Len() > 0 {
		c.removeLocked(c.ll.Back().Value.(*pageEntry).key)
	}
}

func (c *pageCache) remove(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeLocked(key)
}

func (c *pageCache) removeLocked(key string) {
	if el, ok := c.items[key]; ok {
		c.bytes -= el.Value.(*pageEntry).size()
		c.ll.Remove(el)
		delete(c.items, key)
	}
}

// stats returns the number of entries and the bytes they hold.
func (c *pageCache) stats() (int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len(), c.bytes
}
