// Command benchrun is Turnout's benchmark harness. It builds the server as in
// production, fills a database at each chosen scale with bench/gen, starts
// the server on 127.0.0.1, drives wrk through scenarios a to f of the
// benchmark issue, measures the ceilings of this machine in the same run
// (minimal Fiber servers and pgbench), checks that no event is overbooked,
// explains the hot queries, and prints a markdown report.
//
//	go run ./bench/cmd/benchrun              # 1k and 100k events on Postgres, 10 s per load
//	go run ./bench/cmd/benchrun -smoke       # a few seconds on tiny data: proves the harness works
//
// It exits non-zero only when the harness itself breaks (a build, a server, a
// tool, an unexpected status) or an event ends up overbooked, never on a
// figure. Postgres comes from TURNOUT_BENCH_DATABASE_URL (default: database
// turnout_bench on the local server), whose contents it replaces.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/turnout-org/turnout/bench/gen"
)

const defaultPostgres = "postgres://turnout:turnout@127.0.0.1:5432/turnout_bench?sslmode=disable"

// options are the command-line settings.
type options struct {
	smoke      bool
	scales     []gen.Scale
	db         string // postgres or sqlite: the database of scenarios a-e
	pgURL      string
	load       load
	pgConns    int // pgbench clients
	out        string
	workDir    string
	onlyScenes map[string]bool
	pprof      bool // take a CPU profile of the server during each of its loads
	genOnly    bool // fill the database at the first scale and stop
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

func parseOptions(args []string) (options, error) {
	fs := flag.NewFlagSet("benchrun", flag.ContinueOnError)
	smoke := fs.Bool("smoke", false, "a few seconds per load on tiny data, to prove the harness works")
	scales := fs.String("scales", "1k,100k", "comma-separated scales: smoke, 1k, 100k")
	db := fs.String("db", "postgres", "database of scenarios a-e: postgres or sqlite (f always needs Postgres)")
	dur := fs.Duration("duration", 10*time.Second, "wrk and pgbench duration per load")
	conns := fs.Int("connections", 64, "wrk connections")
	threads := fs.Int("threads", 2, "wrk threads")
	pgConns := fs.Int("pgbench-clients", 64, "pgbench clients for the ceiling of f")
	out := fs.String("out", "", "also write the report to this file")
	work := fs.String("workdir", "", "directory for binaries, logs and data (default: a new temporary directory, kept)")
	only := fs.String("only", "", "comma-separated scenarios to run (default all): a,b,c,d,e,f")
	pprof := fs.Bool("pprof", false, "serve pprof (TURNOUT_PPROF_ADDR) and save a CPU profile of each server load in the work directory")
	genOnly := fs.Bool("generate", false, "only reset, migrate and fill the database at the (first) scale, then exit")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	o := options{smoke: *smoke, pprof: *pprof, genOnly: *genOnly, db: *db, out: *out, workDir: *work, pgConns: *pgConns,
		load: load{threads: *threads, conns: *conns, duration: *dur}}
	o.pgURL = os.Getenv("TURNOUT_BENCH_DATABASE_URL")
	if o.pgURL == "" {
		o.pgURL = defaultPostgres
	}
	if o.smoke {
		*scales = "smoke"
		o.load = load{threads: 2, conns: 8, duration: time.Second}
		o.pgConns = 4
	}
	for _, name := range strings.Split(*scales, ",") {
		s, err := gen.ScaleByName(strings.TrimSpace(name))
		if err != nil {
			return o, err
		}
		o.scales = append(o.scales, s)
	}
	if o.db != "postgres" && o.db != "sqlite" {
		return o, fmt.Errorf("-db %q: want postgres or sqlite", o.db)
	}
	if *only != "" {
		o.onlyScenes = map[string]bool{}
		for _, k := range strings.Split(*only, ",") {
			o.onlyScenes[strings.TrimSpace(k)] = true
		}
	}
	return o, nil
}

func run(ctx context.Context, args []string) error {
	o, err := parseOptions(args)
	if err != nil {
		return err
	}
	if o.workDir == "" {
		if o.workDir, err = os.MkdirTemp("", "turnout-bench-"); err != nil {
			return err
		}
	}
	logf("work directory %s", o.workDir)
	bins, err := build(ctx, o.workDir)
	if err != nil {
		return err
	}
	rep := &report{opts: o, started: time.Now(), machine: describeMachine()}
	for _, s := range o.scales {
		sr, err := runScale(ctx, o, bins, s)
		if errors.Is(err, errGenerated) {
			return nil
		}
		if sr != nil {
			rep.scales = append(rep.scales, sr)
		}
		if err != nil {
			rep.broken = append(rep.broken, fmt.Sprintf("%s: %v", s.Name, err))
			break
		}
	}
	text := rep.markdown()
	fmt.Print(text)
	if o.out != "" {
		if err := os.WriteFile(o.out, []byte(text), 0o644); err != nil {
			return err
		}
	}
	if problems := rep.problems(); len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// binaries are the programs built for the run.
type binaries struct{ turnout, ceiling string }

// build compiles the server exactly as the release does, and the ceiling program the same way.
func build(ctx context.Context, dir string) (binaries, error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return binaries{}, err
	}
	b := binaries{turnout: filepath.Join(dir, "turnout"), ceiling: filepath.Join(dir, "ceiling")}
	logf("go build -trimpath -ldflags='-s -w' -o %s ./cmd/turnout ./bench/cmd/ceiling", dir)
	if _, err := command(ctx, root, nil, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", dir+string(filepath.Separator), "./cmd/turnout", "./bench/cmd/ceiling"); err != nil {
		return binaries{}, err
	}
	return b, nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "benchrun: "+format+"\n", args...)
}
