package web

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"time"
)

// Bounds of the cache of rendered feeds.
const (
	feedCacheEntries = 256
	feedCacheBytes   = 64 << 20
)

// feedEntry is one rendered feed body with what HTTP caching needs. Entries
// are never changed once built, so they may be shared by requests.
type feedEntry struct {
	key        string    // format, scope and filter
	version    int64     // feed version of the scope the body was rendered at
	validUntil time.Time // the body is stale from this instant (window change); zero: never
	body       []byte
	gzipped    []byte
	etag       string // hash of body, quoted
	modified   time.Time
}

// fresh reports whether the entry still shows the feed at version v at now.
func (e *feedEntry) fresh(v int64, now time.Time) bool {
	return e.version == v && (e.validUntil.IsZero() || now.Before(e.validUntil))
}

func (e *feedEntry) size() int { return len(e.body) + len(e.gzipped) + len(e.key) }

// newFeedEntry hashes and compresses a rendered body.
func newFeedEntry(key string, version int64, validUntil, modified time.Time, body []byte) (*feedEntry, error) {
	sum := sha256.Sum256(body)
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return &feedEntry{
		key: key, version: version, validUntil: validUntil, modified: modified,
		body: body, gzipped: gz.Bytes(), etag: `"` + hex.EncodeToString(sum[:16]) + `"`,
	}, nil
}

// feedCache keeps the last rendered body of each feed (format, scope and
// filter), least recently used out first, bounded in entries and bytes. It
// holds one entry per feed whatever its version: the latest, so that a later
// change can serve the last good copy while the database is down.
type feedCache struct {
	mu       sync.Mutex
	ll       *list.List // of *feedEntry, most recent at the front
	items    map[string]*list.Element
	bytes    int
	maxItems int
	maxBytes int
}

func newFeedCache(maxItems, maxBytes int) *feedCache {
	return &feedCache{ll: list.New(), items: map[string]*list.Element{}, maxItems: maxItems, maxBytes: maxBytes}
}

// get returns the last body of a feed, fresh or not, or nil.
func (c *feedCache) get(key string) *feedEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil
	}
	c.ll.MoveToFront(el)
	return el.Value.(*feedEntry)
}

// put stores e as the body of its feed unless a newer version is held.
func (c *feedCache) put(e *feedEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[e.key]; ok {
		old := el.Value.(*feedEntry)
		if old.version > e.version {
			return
		}
		c.bytes -= old.size()
		el.Value = e
		c.ll.MoveToFront(el)
	} else {
		c.items[e.key] = c.ll.PushFront(e)
	}
	c.bytes += e.size()
	for c.ll.Len() > 1 && (c.ll.Len() > c.maxItems || c.bytes > c.maxBytes) {
		last := c.ll.Back()
		old := last.Value.(*feedEntry)
		c.ll.Remove(last)
		delete(c.items, old.key)
		c.bytes -= old.size()
	}
}

// len is the number of feeds held.
func (c *feedCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}
