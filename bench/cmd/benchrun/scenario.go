package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/turnout-org/turnout/bench/gen"
)

// Scenario and ceiling keys.
const (
	ceil2B      = "ceiling-2b"
	ceilFeed    = "ceiling-feed"
	ceilPGBench = "ceiling-pgbench"
)

// scenario is one load on the server under test.
type scenario struct {
	key, label string
	ceiling    string // which ceiling its ratio is taken against
	path       string
	minRatio   float64 // target ratio to the ceiling
}

var scenarios = []scenario{
	{"a", "a. group feed .ics, 200 events, full GET", ceilFeed, "/groups/" + gen.FeedGroup + "/events.ics", 0.8},
	{"b", "b. same feed with If-None-Match (304)", ceil2B, "/groups/" + gen.FeedGroup + "/events.ics", 0.7},
	{"c", "c. event page (HTML)", ceil2B, "/events/" + gen.HotEvent, 0.3},
	{"d", "d. home page (first page of upcoming events)", ceil2B, "/", 0.3},
	{"e", "e. GET /api/v1/events/{slug}", ceil2B, "/api/v1/events/" + gen.HotEvent, 0.4},
	{"f", "f. RSVP POSTs over the API (Postgres)", ceilPGBench, "/api/v1/events/{slug}/rsvps", 0},
}

// probe is what one request before the load learned: whether the scenario can
// run, and the feed's body and ETag for b and the feed ceiling. Every route
// the scenarios load exists on main, so any unexpected answer, 404 and 405
// included, is an error that breaks the run.
type probe struct {
	notRun      string // why the scenario is skipped: one it depends on broke
	err         error  // the route answered wrongly: a broken run
	etag        string
	body        []byte
	contentType string
}

var client = &http.Client{Timeout: 30 * time.Second}

// probeGet fetches path once and checks the status and the content type.
func probeGet(ctx context.Context, base, path string, headers map[string]string, wantStatus int, wantType string) probe {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		return probe{err: err}
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return probe{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return probe{err: err}
	}
	p := probe{etag: resp.Header.Get("ETag"), body: body, contentType: resp.Header.Get("Content-Type")}
	switch {
	case resp.StatusCode != wantStatus:
		p.err = fmt.Errorf("GET %s answered %d, want %d: %.200s", path, resp.StatusCode, wantStatus, body)
	case wantType != "" && !strings.HasPrefix(p.contentType, wantType):
		p.err = fmt.Errorf("GET %s answered Content-Type %q, want %s", path, p.contentType, wantType)
	}
	return p
}

// probeFeed checks scenario a: the feed answers 200 with events, and returns
// its bytes and ETag.
func probeFeed(ctx context.Context, base string) probe {
	path := scenarios[0].path
	p := probeGet(ctx, base, path, nil, http.StatusOK, "text/calendar")
	if p.err == nil && bytes.Count(p.body, []byte("BEGIN:VEVENT")) == 0 {
		p.err = fmt.Errorf("GET %s: no VEVENT in the feed", path)
	}
	return p
}

// probeConditional checks scenario b: the feed's ETag gets a 304.
func probeConditional(ctx context.Context, base string, feed probe) probe {
	switch {
	case feed.err != nil:
		return probe{notRun: "not run: scenario a failed"}
	case feed.etag == "":
		return probe{err: fmt.Errorf("the feed has no ETag header")}
	}
	p := probeGet(ctx, base, scenarios[1].path, map[string]string{"If-None-Match": feed.etag}, http.StatusNotModified, "")
	p.etag = feed.etag
	return p
}

// probeRSVP posts one RSVP to the first RSVP event, which must answer 201.
func probeRSVP(ctx context.Context, base string) probe {
	body := `{"name":"Probe supporter","email":"probe@bench.example.org","status":"going","guests":0}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/events/"+gen.RSVPEventPrefix+"001/rsvps", strings.NewReader(body))
	if err != nil {
		return probe{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return probe{err: err}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusCreated {
		return probe{}
	}
	return probe{err: fmt.Errorf("POST an RSVP answered %d, want 201: %.200s", resp.StatusCode, b)}
}
