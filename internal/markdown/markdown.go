// Package markdown renders organisers' Markdown to HTML that is safe to put in
// a page: goldmark parses it, bluemonday keeps only harmless elements.
package markdown

import (
	"bytes"
	"html/template"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	md     = goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Strikethrough, extension.Table))
	policy = newPolicy()
)

func newPolicy() *bluemonday.Policy {
	// An explicit allowlist: text structure and links, nothing that loads from
	// another origin (images would tell that origin who reads the page).
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "strong", "em", "b", "i", "del", "ul", "ol", "li", "blockquote",
		"code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td")
	p.AllowAttrs("href").OnElements("a")
	p.AllowStandardURLs()
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	return p
}

// ToHTML renders Markdown source to sanitised HTML. Results are kept in a
// small cache, because event pages render the same descriptions over and over.
func ToHTML(src string) template.HTML {
	if out, ok := cache.get(src); ok {
		return out
	}
	out := render(src)
	cache.put(src, out)
	return out
}

func render(src string) template.HTML {
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())) //nolint:gosec // sanitised above
}

// Cache bounds: entries, and the largest source worth keeping.
const (
	cacheEntries   = 512
	cacheMaxSource = 64 << 10
)

var cache = &htmlCache{m: make(map[string]template.HTML)}

// htmlCache maps Markdown sources to their rendering. When full it starts
// afresh: simple, bounded, and the hot descriptions come straight back.
type htmlCache struct {
	mu sync.RWMutex
	m  map[string]template.HTML
}

func (c *htmlCache) get(src string) (template.HTML, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out, ok := c.m[src]
	return out, ok
}

func (c *htmlCache) put(src string, out template.HTML) {
	if len(src) > cacheMaxSource {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= cacheEntries {
		clear(c.m)
	}
	c.m[src] = out
}
