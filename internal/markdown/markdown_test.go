package markdown

import (
	"strconv"
	"strings"
	"testing"
)

func TestToHTML(t *testing.T) {
	tests := []struct {
		name, src     string
		want, notWant []string
	}{
		{"Emphasis", "We meet at **noon**.", []string{"<strong>noon</strong>"}, nil},
		{"LinkGetsNoReferrer", "[report](https://example.org/r)", []string{`href="https://example.org/r"`, "noreferrer"}, nil},
		{"ScriptDropped", "<script>alert(1)</script>\n\nhello", []string{"hello"}, []string{"<script", "alert(1)"}},
		{"JavascriptLinkDropped", "[x](javascript:alert(1))", nil, []string{"javascript:"}},
		{"HandlerDropped", `<p onclick="alert(1)">hi</p>`, nil, []string{"onclick"}},
		{"ImageDropped", "![tracker](https://tracker.example/p.gif)", nil, []string{"<img", "tracker.example"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for round := 0; round < 2; round++ { // the second round comes from the cache
				got := string(ToHTML(tc.src))
				for _, w := range tc.want {
					if !strings.Contains(got, w) {
						t.Errorf("round %d: %q lacks %q", round, got, w)
					}
				}
				for _, w := range tc.notWant {
					if strings.Contains(got, w) {
						t.Errorf("round %d: %q contains %q", round, got, w)
					}
				}
			}
		})
	}
}

func TestCacheIsBounded(t *testing.T) {
	for i := 0; i < 3*cacheEntries; i++ {
		ToHTML("line " + strconv.Itoa(i))
	}
	cache.mu.RLock()
	n := len(cache.m)
	cache.mu.RUnlock()
	if n > cacheEntries {
		t.Fatalf("cache holds %d entries, bound %d", n, cacheEntries)
	}
	big := strings.Repeat("a", cacheMaxSource+1)
	ToHTML(big)
	if _, ok := cache.get(big); ok {
		t.Fatal("a source over the size bound was cached")
	}
}

func BenchmarkToHTMLCached(b *testing.B) {
	src := strings.Repeat("We gather at the **station** at six. Bring a [candle](https://example.org).\n\n", 20)
	for b.Loop() {
		ToHTML(src)
	}
}
