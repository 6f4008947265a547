package main

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"
)

// report gathers the run for printing.
type report struct {
	opts    options
	started time.Time
	machine string
	scales  []*scaleRun
	broken  []string
}

// rowKeys is the order of the table's rows.
var rowKeys = []string{"a", "b", "c", "d", "e", "f", ceilFeed, ceil2B, ceilPGBench}

func ceilingOf(key string) string {
	for _, sc := range scenarios {
		if sc.key == key {
			return sc.ceiling
		}
	}
	return ""
}

func (r *report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Measured %s\n\n", r.started.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "- Machine: %s\n", r.machine)
	fmt.Fprintf(&b, "- Database of a-e: %s; wrk -t%d -c%d -d%s per load; pgbench %d clients; server built with `go build -trimpath -ldflags='-s -w'`, TURNOUT_RSVP_RATE_LIMIT=0, JSON request log to a file\n",
		r.opts.db, r.opts.load.threads, r.opts.load.conns, r.opts.load.duration, r.opts.pgConns)
	for _, sr := range r.scales {
		fmt.Fprintf(&b, "- %s: %d events, %d RSVPs generated in %s; load average before: %s\n",
			sr.scale.Name, sr.gen.Rows["events"], sr.gen.Rows["rsvps"], sr.gen.Elapsed.Round(time.Millisecond), sr.loadavg)
	}
	b.WriteString("\n")
	r.table(&b)
	r.checks(&b)
	r.notes(&b)
	for _, sr := range r.scales {
		if sr.explain != "" {
			fmt.Fprintf(&b, "### EXPLAIN ANALYZE at %s events (Postgres)\n\n%s", sr.scale.Name, sr.explain)
		}
	}
	return b.String()
}

func (r *report) table(b *strings.Builder) {
	b.WriteString("| Load |")
	sep := "|---|"
	for _, sr := range r.scales {
		n := sr.scale.Name
		fmt.Fprintf(b, " %s req/s | %s p50 | %s p99 | %s ratio | %s peak RSS |", n, n, n, n, n)
		sep += "---:|---:|---:|---:|---:|"
	}
	b.WriteString("\n" + sep + "\n")
	for _, key := range rowKeys {
		label := ""
		var cells []string
		for _, sr := range r.scales {
			m := sr.results[key]
			if m == nil {
				cells = append(cells, "", "", "", "", "")
				continue
			}
			label = m.label
			if !m.ran {
				cells = append(cells, "n/a", "", "", "", "")
				continue
			}
			cells = append(cells, fmt.Sprintf("%.0f", m.res.RPS()), ms(m.res.P50US), ms(m.res.P99US), sr.ratio(key), mb(m.peak))
		}
		if label != "" {
			fmt.Fprintf(b, "| %s | %s |\n", label, strings.Join(cells, " | "))
		}
	}
	b.WriteString("| Turnout RSS idle (after one request of each kind) |")
	for _, sr := range r.scales {
		fmt.Fprintf(b, " | | | | %s |", mb(sr.idleRSS))
	}
	b.WriteString("\n\n")
	b.WriteString("req/s: successful requests per second (status below 400, answered within wrk's timeout); error responses do not count. " +
		"Ratio: requests per second over the ceiling's (a over the feed-bytes Fiber handler, b-e over the 2-byte handler, f over pgbench). " +
		"p50/p99: wrk's latency percentiles (pgbench: from its per-transaction log). Peak RSS: VmHWM of the process during that load.\n\n")
}

// ratio is the scenario's rate over its ceiling's, when both ran.
func (sr *scaleRun) ratio(key string) string {
	c := sr.results[ceilingOf(key)]
	m := sr.results[key]
	if c == nil || !c.ran || c.res.RPS() == 0 || m == nil || !m.ran {
		return ""
	}
	return fmt.Sprintf("%.2f", m.res.RPS()/c.res.RPS())
}

func (r *report) checks(b *strings.Builder) {
	b.WriteString("### Checks against the targets\n\n")
	for _, sr := range r.scales {
		if sr.capacity != "" {
			verdict := "zero overbooking"
			if sr.overbooked {
				verdict = "OVERBOOKED"
			}
			fmt.Fprintf(b, "- %s, after f: %s (%s).\n", sr.scale.Name, verdict, sr.capacity)
		}
		for _, sc := range scenarios {
			m := sr.results[sc.key]
			if m == nil || !m.ran {
				continue
			}
			if sc.key == "f" {
				fmt.Fprintf(b, "- %s f: %.0f RSVP/s (target >= 2000): %s.\n", sr.scale.Name, m.res.RPS(), metOr(m.res.RPS() >= 2000))
				continue
			}
			if ratio := sr.ratio(sc.key); ratio != "" {
				var v float64
				fmt.Sscanf(ratio, "%g", &v)
				fmt.Fprintf(b, "- %s %s: ratio %s (target >= %.1f): %s.\n", sr.scale.Name, sc.key, ratio, sc.minRatio, metOr(v >= sc.minRatio))
			}
		}
		fmt.Fprintf(b, "- %s RSS: idle %s (target <= 40 MB): %s; highest peak under load %s (target <= 120 MB): %s.\n",
			sr.scale.Name, mb(sr.idleRSS), metOr(sr.idleRSS <= 40<<20), mb(sr.maxPeak()), metOr(sr.maxPeak() <= 120<<20))
	}
	if len(r.scales) >= 2 {
		lo, hi := r.scales[0], r.scales[len(r.scales)-1]
		for _, k := range []string{"a", "b", "c", "d", "e"} {
			ml, mh := lo.results[k], hi.results[k]
			if ml == nil || mh == nil || !ml.ran || !mh.ran || ml.res.P99US == 0 {
				continue
			}
			x := float64(mh.res.P99US) / float64(ml.res.P99US)
			fmt.Fprintf(b, "- p99 of %s at %s over %s: %.2f (target <= 1.2): %s.\n", k, hi.scale.Name, lo.scale.Name, x, metOr(x <= 1.2))
		}
	}
	b.WriteString("\n")
}

func (sr *scaleRun) maxPeak() int64 {
	var p int64
	for _, k := range []string{"a", "b", "c", "d", "e", "f"} {
		if m := sr.results[k]; m != nil && m.peak > p {
			p = m.peak
		}
	}
	return p
}

func (r *report) notes(b *strings.Builder) {
	var lines []string
	for _, sr := range r.scales {
		for _, key := range rowKeys {
			m := sr.results[key]
			if m == nil {
				continue
			}
			if m.ran {
				lines = append(lines, fmt.Sprintf("%s %s: %d requests, %.0f bytes per response, p90 %s, max %s",
					sr.scale.Name, key, m.res.Requests, float64(m.res.Bytes)/float64(max(m.res.Requests, 1)), ms(m.res.P90US), ms(m.res.MaxUS)))
			}
			if m.note != "" {
				lines = append(lines, fmt.Sprintf("%s %s: %s", sr.scale.Name, key, m.note))
			}
		}
		if sr.waits != "" {
			lines = append(lines, sr.scale.Name+" f: "+sr.waits)
		}
		if sr.cumulative {
			lines = append(lines, sr.scale.Name+": the kernel refused to reset VmHWM, so peaks are since the server started")
		}
	}
	lines = append(lines, r.broken...)
	if len(lines) == 0 {
		return
	}
	b.WriteString("### Details\n\n")
	for _, l := range lines {
		b.WriteString("- " + l + "\n")
	}
	b.WriteString("\n")
}

// problems lists what makes the run a failure: a broken harness or server, or overbooking.
func (r *report) problems() []string {
	out := append([]string(nil), r.broken...)
	for _, sr := range r.scales {
		keys := make([]string, 0, len(sr.results))
		for k := range sr.results {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if m := sr.results[k]; m.broken {
				out = append(out, fmt.Sprintf("%s %s: %s", sr.scale.Name, k, m.note))
			}
		}
		if sr.overbooked {
			out = append(out, sr.scale.Name+": overbooking after f: "+sr.capacity)
		}
	}
	return out
}

func metOr(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func ms(us int64) string {
	if us < 10000 {
		return fmt.Sprintf("%.2f ms", float64(us)/1000)
	}
	return fmt.Sprintf("%.1f ms", float64(us)/1000)
}

func mb(b int64) string {
	if b == 0 {
		return ""
	}
	return fmt.Sprintf("%.1f MB", float64(b)/(1<<20))
}

// describeMachine names the CPU model, core count and memory from /proc.
func describeMachine() string {
	model, mem := "unknown CPU", "unknown memory"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(b), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf("%.1f GiB RAM", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("%s, %d cores (nproc), %s, %s/%s", model, runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH)
}

// loadAverage is /proc/loadavg's first three fields: other work sharing the cores.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
