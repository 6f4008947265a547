package main

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

//go:embed lua/*.lua
var luaFS embed.FS

// load is how wrk drives a target.
type load struct {
	threads, conns int
	duration       time.Duration
}

// wrkResult is what report.lua prints, plus the derived rate.
type wrkResult struct {
	Requests      int64            `json:"requests"`
	DurationUS    int64            `json:"duration_us"`
	Bytes         int64            `json:"bytes"`
	P50US         int64            `json:"p50_us"`
	P90US         int64            `json:"p90_us"`
	P99US         int64            `json:"p99_us"`
	MaxUS         int64            `json:"max_us"`
	ConnectErrors int64            `json:"connect_errors"`
	ReadErrors    int64            `json:"read_errors"`
	WriteErrors   int64            `json:"write_errors"`
	StatusErrors  int64            `json:"status_errors"` // responses with status >= 400
	Timeouts      int64            `json:"timeouts"`
	Codes         map[string]int64 `json:"codes"` // per status, where the script counts them
}

// Successes is how many requests completed in time with a status below 400.
func (r wrkResult) Successes() int64 {
	return max(0, r.Requests-r.StatusErrors-r.Timeouts)
}

// RPS is successful requests per second over the run: error responses,
// however fast, do not count.
func (r wrkResult) RPS() float64 {
	if r.DurationUS == 0 {
		return 0
	}
	return float64(r.Successes()) / (float64(r.DurationUS) / 1e6)
}

// Errors is every failed request: socket errors, timeouts and statuses >= 400.
func (r wrkResult) Errors() int64 {
	return r.ConnectErrors + r.ReadErrors + r.WriteErrors + r.StatusErrors + r.Timeouts
}

// getScript is a GET with extra headers, then the common report.
func getScript(headers map[string]string) string {
	var kv []string
	for k, v := range headers {
		kv = append(kv, fmt.Sprintf("[%s] = %s", luaString(k), luaString(v)))
	}
	return strings.Replace(mustLua("get.lua"), "{HEADERS}", "{"+strings.Join(kv, ", ")+"}", 1) + mustLua("report.lua")
}

// rsvpScript POSTs RSVPs round robin over slugs, then the common report.
func rsvpScript(slugs []string, nonce string) string {
	quoted := make([]string, len(slugs))
	for i, s := range slugs {
		quoted[i] = luaString(s)
	}
	s := strings.Replace(mustLua("rsvp.lua"), "{SLUGS}", "{"+strings.Join(quoted, ", ")+"}", 1)
	return strings.Replace(s, "{NONCE}", nonce, 1) + mustLua("report.lua")
}

func mustLua(name string) string {
	b, err := luaFS.ReadFile("lua/" + name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func luaString(s string) string { return strconv.Quote(s) }

// runWrk writes script to dir and runs wrk against url, bounded by the load's
// duration plus a margin.
func runWrk(ctx context.Context, dir, name, url, script string, l load) (wrkResult, error) {
	path := filepath.Join(dir, name+".lua")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		return wrkResult{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, l.duration+30*time.Second)
	defer cancel()
	secs := strconv.Itoa(max(1, int(l.duration.Round(time.Second)/time.Second)))
	cmd := exec.CommandContext(ctx, "wrk", "-t", strconv.Itoa(l.threads), "-c", strconv.Itoa(l.conns),
		"-d", secs+"s", "--timeout", "5s", "-s", path, url)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %v: %s", name, err, strings.TrimSpace(stderr.String()))
	}
	_ = os.WriteFile(filepath.Join(dir, name+".wrk.txt"), stdout.Bytes(), 0o644)
	for _, line := range strings.Split(stdout.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "BENCHJSON "); ok {
			var r wrkResult
			if err := json.Unmarshal([]byte(rest), &r); err != nil {
				return wrkResult{}, fmt.Errorf("wrk %s: reading its report: %w", name, err)
			}
			return r, nil
		}
	}
	return wrkResult{}, fmt.Errorf("wrk %s printed no report: %s", name, strings.TrimSpace(stdout.String()+stderr.String()))
}
