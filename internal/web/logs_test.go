package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// lockedBuffer is a log sink safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) lines() []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// TestRequestLogs checks the structured request log: one JSON line per
// request with method, path, status, duration and the request id that the
// response also carries.
func TestRequestLogs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		var logs lockedBuffer
		app, err := New(testConfig(t), slog.New(slog.NewJSONHandler(&logs, nil)), st)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := seedGroup(t, st, "logs")
		e := seedEvent(t, st, g.ID, "Logged march", 24*time.Hour, nil)
		ids := map[string]int{}
		for _, p := range []string{"/events/" + e.Slug, "/no/such/page", "/api/v1/events?from=never"} {
			resp, _ := do(t, app, httptest.NewRequest("GET", p, nil))
			id := resp.Header.Get("X-Request-Id")
			if id == "" {
				t.Fatalf("%s: no X-Request-Id", p)
			}
			ids[id] = resp.StatusCode
		}
		seen := 0
		for _, l := range logs.lines() {
			if l["msg"] != "request" {
				continue
			}
			seen++
			id, _ := l["request_id"].(string)
			status, ok := ids[id]
			if !ok {
				t.Errorf("log line with unknown request_id: %v", l)
				continue
			}
			if l["status"] != float64(status) || l["method"] != "GET" || l["path"] == "" {
				t.Errorf("log line %v, response status %d", l, status)
			}
			if _, ok := l["duration_ms"].(float64); !ok {
				t.Errorf("no duration_ms: %v", l)
			}
		}
		if seen != len(ids) {
			t.Errorf("%d request lines for %d requests", seen, len(ids))
		}
	})
}
