package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/turnout-org/turnout/internal/config"
)

// lockedBuffer is a log sink safe for the listener's goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func TestPprofListener(t *testing.T) {
	t.Run("OffByDefault", func(t *testing.T) {
		var logs lockedBuffer
		stop := startPprof(config.Config{}, slog.New(slog.NewJSONHandler(&logs, nil)))
		stop()
		if strings.Contains(logs.b.String(), "pprof") {
			t.Fatalf("a listener started without TURNOUT_PPROF_ADDR: %s", logs.b.String())
		}
	})
	t.Run("ServesProfilesOnLoopback", func(t *testing.T) {
		var logs lockedBuffer
		stop := startPprof(config.Config{PprofAddr: "127.0.0.1:0"}, slog.New(slog.NewJSONHandler(&logs, nil)))
		defer stop()
		var line struct{ Msg, Addr string }
		if err := json.Unmarshal(logs.b.Bytes(), &line); err != nil || line.Msg != "pprof listening" || !strings.HasPrefix(line.Addr, "127.0.0.1:") {
			t.Fatalf("log %q: %v", logs.b.String(), err)
		}
		resp, err := http.Get("http://" + line.Addr + "/debug/pprof/heap?debug=1")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "heap profile") {
			t.Fatalf("status %d: %.200s", resp.StatusCode, body)
		}
		stop()
		if _, err := http.Get("http://" + line.Addr + "/debug/pprof/"); err == nil {
			t.Error("the listener still answers after stop")
		}
	})
}
