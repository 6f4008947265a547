package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/turnout-org/turnout/bench/gen"
)

// measured is one load's outcome.
type measured struct {
	key, label string
	res        wrkResult
	peak       int64  // peak RSS of the server during the load, bytes; 0 when not read
	note       string // why it did not run, or what went wrong
	ran        bool
	broken     bool // the harness or the server failed: the run must fail
}

// scaleRun is everything measured at one scale.
type scaleRun struct {
	scale      gen.Scale
	dbURL      string
	gen        gen.Result
	startRSS   int64 // right after the server printed its address
	idleRSS    int64 // after one request of each scenario
	cumulative bool  // peaks could not be reset between loads
	results    map[string]*measured
	capacity   string
	overbooked bool
	explain    string
	loadavg    string
	pprofAddr  string // where the server under test serves pprof, if asked
	waits      string // what Postgres sessions waited for during f
}

func (sr *scaleRun) set(m *measured) { sr.results[m.key] = m }

// runScale prepares the data of one scale and measures every load on it.
func runScale(ctx context.Context, o options, bins binaries, s gen.Scale) (*scaleRun, error) {
	sr := &scaleRun{scale: s, results: map[string]*measured{}, loadavg: loadAverage()}
	sr.dbURL = o.pgURL
	if o.db == "sqlite" {
		sr.dbURL = "sqlite:" + filepath.Join(o.workDir, "bench-"+s.Name+".db")
	}
	logf("[%s] preparing %s: reset, migrate, generate %d events and %d RSVPs", s.Name, o.db, s.Events, s.RSVPs)
	if err := prepare(ctx, bins, sr); err != nil {
		return nil, err
	}
	logf("[%s] generated in %s: %v", s.Name, sr.gen.Elapsed.Round(time.Millisecond), sr.gen.Rows)
	if o.genOnly {
		return nil, errGenerated
	}
	feed, err := measureServer(ctx, o, bins, sr)
	if err != nil {
		return sr, err
	}
	if err := measureCeilings(ctx, o, bins, sr, feed); err != nil {
		return sr, err
	}
	if o.db == "postgres" && s.Name == o.scales[len(o.scales)-1].Name {
		logf("[%s] EXPLAIN ANALYZE of the hot queries", s.Name)
		sr.explain = explainAll(ctx, sr.dbURL, hotQueries(time.Now(), s))
	}
	return sr, nil
}

// errGenerated stops the run after -generate.
var errGenerated = errors.New("generated")

// prepare empties the database, migrates it with the server binary and fills it.
func prepare(ctx context.Context, bins binaries, sr *scaleRun) error {
	if path, ok := strings.CutPrefix(sr.dbURL, "sqlite:"); ok {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
	} else if err := resetPostgres(ctx, sr.dbURL); err != nil {
		return err
	}
	if _, err := command(ctx, "", []string{"TURNOUT_DATABASE_URL=" + sr.dbURL}, bins.turnout, "migrate"); err != nil {
		return err
	}
	res, err := gen.Generate(ctx, sr.dbURL, sr.scale, time.Now())
	sr.gen = res
	return err
}

// measureServer starts Turnout, runs scenarios a to f against it and stops
// it. It returns the probe of the feed, whose bytes the feed ceiling serves.
func measureServer(ctx context.Context, o options, bins binaries, sr *scaleRun) (probe, error) {
	addr, err := freeAddr()
	if err != nil {
		return probe{}, err
	}
	env := []string{"TURNOUT_ADDR=" + addr, "TURNOUT_DATABASE_URL=" + sr.dbURL, "TURNOUT_RSVP_RATE_LIMIT=0", "TURNOUT_LOG_FORMAT=json"}
	if o.pprof {
		if sr.pprofAddr, err = freeAddr(); err != nil {
			return probe{}, err
		}
		env = append(env, "TURNOUT_PPROF_ADDR="+sr.pprofAddr)
	}
	srv, err := startProcess(ctx, "turnout", bins.turnout, []string{"serve"}, env, filepath.Join(o.workDir, "turnout-"+sr.scale.Name+".log"))
	if err != nil {
		return probe{}, err
	}
	defer srv.stop()
	sr.startRSS, _, _ = memStatus(srv.pid())
	feed := probeFeed(ctx, srv.url)
	probes := map[string]probe{
		"a": feed,
		"b": probeConditional(ctx, srv.url, feed),
		"c": probeGet(ctx, srv.url, scenarios[2].path, nil, 200, "text/html"),
		"d": probeGet(ctx, srv.url, scenarios[3].path, nil, 200, "text/html"),
		"e": probeGet(ctx, srv.url, scenarios[4].path, nil, 200, "application/json"),
	}
	sr.idleRSS, _, _ = memStatus(srv.pid())
	for _, sc := range scenarios[:5] {
		m := &measured{key: sc.key, label: sc.label}
		sr.set(m)
		p := probes[sc.key]
		switch {
		case o.onlyScenes != nil && !o.onlyScenes[sc.key]:
			m.note = "not run (-only)"
		case p.notRun != "":
			m.note = p.notRun
		case p.err != nil:
			m.note, m.broken = "broken: "+p.err.Error(), true
		default:
			headers := map[string]string{}
			if sc.key == "b" {
				headers["If-None-Match"] = p.etag
			}
			err = sr.load(ctx, o, srv, m, srv.url+sc.path, getScript(headers))
		}
		if err != nil {
			return feed, err
		}
	}
	return feed, measureRSVPs(ctx, o, srv, sr)
}

// load runs wrk against url and records its result and the server's peak RSS.
func (sr *scaleRun) load(ctx context.Context, o options, srv *process, m *measured, url, script string) error {
	var busy func() int
	if !strings.HasPrefix(sr.dbURL, "sqlite:") {
		busy = func() int { return max(0, activeQueries(ctx, sr.dbURL)) }
	}
	settle(ctx, srv.pid(), busy)
	if !resetPeak(srv.pid()) {
		sr.cumulative = true
	}
	logf("[%s] %s: wrk -t%d -c%d -d%s", sr.scale.Name, m.label, o.load.threads, o.load.conns, o.load.duration)
	var profiled chan struct{}
	if sr.pprofAddr != "" && srv.name == "turnout" {
		profiled = make(chan struct{})
		go func() {
			defer close(profiled)
			sr.profile(ctx, o, m.key)
		}()
	}
	res, err := runWrk(ctx, o.workDir, sr.scale.Name+"-"+m.key, url, script, o.load)
	if profiled != nil {
		<-profiled
	}
	if err != nil {
		m.note, m.broken = "broken: "+err.Error(), true
		return nil
	}
	m.res, m.ran = res, true
	_, m.peak, _ = memStatus(srv.pid())
	if res.Errors() > 0 {
		m.note = fmt.Sprintf("%d failed requests (socket errors, timeouts or status >= 400)", res.Errors())
	}
	if res.Successes() == 0 {
		m.note, m.broken = "broken: no request succeeded", true
	}
	return nil
}

// profile saves a CPU profile of the server over most of a load.
func (sr *scaleRun) profile(ctx context.Context, o options, key string) {
	secs := max(1, int(o.load.duration/time.Second)-1)
	u := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", sr.pprofAddr, secs)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return
	}
	resp, err := client.Do(req)
	if err != nil {
		logf("pprof %s: %v", key, err)
		return
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode == http.StatusOK {
		path := filepath.Join(o.workDir, "cpu-"+sr.scale.Name+"-"+key+".pprof")
		_ = os.WriteFile(path, b, 0o644)
		logf("CPU profile of %s: go tool pprof -top %s", key, path)
	}
}

// measureRSVPs runs scenario f on Postgres, then checks capacities in SQL.
func measureRSVPs(ctx context.Context, o options, srv *process, sr *scaleRun) error {
	m := &measured{key: "f", label: scenarios[5].label}
	sr.set(m)
	switch {
	case o.onlyScenes != nil && !o.onlyScenes["f"]:
		m.note = "not run (-only)"
		return nil
	case o.db != "postgres":
		m.note = "not run: scenario f is measured on Postgres (run with -db postgres)"
		return nil
	}
	p := probeRSVP(ctx, srv.url)
	if p.err != nil {
		m.note, m.broken = "broken: "+p.err.Error(), true
		return nil
	}
	slugs := make([]string, sr.scale.RSVPEvents)
	for i := range slugs {
		slugs[i] = fmt.Sprintf("%s%03d", gen.RSVPEventPrefix, i+1)
	}
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	settle(ctx, srv.pid(), func() int { return max(0, activeQueries(ctx, sr.dbURL)) })
	waits := startWaitSampler(ctx, sr.dbURL, 250*time.Millisecond)
	err := sr.load(ctx, o, srv, m, srv.url, rsvpScript(slugs, nonce))
	sr.waits = waits.finish()
	if err != nil {
		return err
	}
	if m.ran {
		m.note = strings.TrimSpace(m.note + fmt.Sprintf(" responses: %v", m.res.Codes))
	}
	c, err := gen.CheckCapacity(ctx, sr.dbURL)
	if err != nil {
		return fmt.Errorf("capacity check: %w", err)
	}
	sr.capacity, sr.overbooked = c.String(), !c.OK()
	return nil
}

// measureCeilings runs the minimal Fiber servers and pgbench under the same load.
func measureCeilings(ctx context.Context, o options, bins binaries, sr *scaleRun, feed probe) error {
	two := &measured{key: ceil2B, label: "ceiling: Fiber handler, fixed 2-byte body"}
	sr.set(two)
	if err := sr.ceiling(ctx, o, bins, two, nil); err != nil {
		return err
	}
	fc := &measured{key: ceilFeed, label: "ceiling: Fiber handler, the bytes of feed a"}
	sr.set(fc)
	if feed.err != nil {
		fc.note = "not run: no feed to copy (scenario a did not run)"
	} else {
		path := filepath.Join(o.workDir, "feed-"+sr.scale.Name+".ics")
		if err := os.WriteFile(path, feed.body, 0o644); err != nil {
			return err
		}
		if err := sr.ceiling(ctx, o, bins, fc, []string{"-body", path, "-type", feed.contentType}); err != nil {
			return err
		}
		fc.label += fmt.Sprintf(" (%d bytes)", len(feed.body))
	}
	pg := &measured{key: ceilPGBench, label: fmt.Sprintf("ceiling: pgbench, one-row INSERT transactions, %d clients", o.pgConns)}
	sr.set(pg)
	if o.db != "postgres" {
		pg.note = "not run: Postgres only"
		return nil
	}
	clients := o.pgConns
	if free, err := freeConnections(ctx, sr.dbURL); err == nil && free < clients {
		clients = max(free, 1)
		pg.label = fmt.Sprintf("ceiling: pgbench, one-row INSERT transactions, %d clients (%d connections free)", clients, free)
	}
	logf("[%s] %s: %s", sr.scale.Name, pg.label, o.load.duration)
	res, err := runPGBench(ctx, o.workDir, sr.scale.Name, sr.dbURL, clients, o.load.duration)
	if err != nil {
		pg.note, pg.broken = "broken: "+err.Error(), true
		return nil
	}
	pg.res, pg.ran = res, true
	return nil
}

func (sr *scaleRun) ceiling(ctx context.Context, o options, bins binaries, m *measured, args []string) error {
	srv, err := startProcess(ctx, "ceiling", bins.ceiling, args, nil, filepath.Join(o.workDir, m.key+"-"+sr.scale.Name+".log"))
	if err != nil {
		return err
	}
	defer srv.stop()
	return sr.load(ctx, o, srv, m, srv.url+"/", getScript(nil))
}

// command runs name with args in dir (or here) with env added, and returns
// its output; an error carries the output.
func command(ctx context.Context, dir string, env []string, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return out, nil
}

// moduleRoot is the directory of go.mod, where the packages are built from.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := command(ctx, "", nil, "go", "env", "GOMOD")
	if err != nil {
		return "", err
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run benchrun inside the Turnout module")
	}
	return filepath.Dir(gomod), nil
}
