package browsertest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core's axe.min.js, read once.
var axeSource struct {
	once sync.Once
	js   string
	err  error
}

// nodeModules is $TURNOUT_NODE_MODULES, or .ci/node/node_modules at the
// root of the repository (where .ci/run installs it).
func nodeModules() (string, error) {
	if dir := os.Getenv("TURNOUT_NODE_MODULES"); dir != "" {
		return dir, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".ci", "node", "node_modules"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// loadAxe returns axe.min.js, skipping the test (failing it when CI=true)
// when the npm package is not installed.
func loadAxe(t *testing.T) string {
	t.Helper()
	axeSource.once.Do(func() {
		dir, err := nodeModules()
		if err == nil {
			var b []byte
			b, err = os.ReadFile(filepath.Join(dir, "axe-core", "axe.min.js"))
			axeSource.js = string(b)
		}
		axeSource.err = err
	})
	if axeSource.err != nil {
		msg := fmt.Sprintf("axe-core not found (%v): run `npm ci --prefix .ci/node` or set TURNOUT_NODE_MODULES", axeSource.err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return axeSource.js
}

// axeViolation is one failed axe rule with the elements that fail it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeRun runs axe on the whole document and returns the violations.
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact, help: v.help,
	nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary}))
})))`

// axeSerious injects axe-core into the page shown (through the DevTools
// protocol, which the page's Content-Security-Policy does not govern), runs
// it, and returns the serious and critical violations. Lesser ones are logged.
func (tb *tab) axeSerious(page string) []axeViolation {
	tb.t.Helper()
	if tb.noJS {
		tb.t.Logf("%s: axe-core skipped: it needs JavaScript, which this tab has off", page)
		return nil
	}
	if tb.axe == "" {
		tb.t.Fatalf("%s: axe-core was not loaded: open the tab with the a11y option, so that a missing axe-core stops the test before its journey starts", page)
	}
	if _, err := chromedp.Run(tb.ctx, chromedp.Evaluate[chromedp.Void](tb.axe)); err != nil {
		tb.fatalf("%s: inject axe-core: %v", page, err)
	}
	violations, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.fatalf("%s: run axe-core: %v", page, err)
	}
	var serious []axeViolation
	for _, v := range violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			serious = append(serious, v)
			continue
		}
		tb.t.Logf("%s: axe (%s) %s: %s", page, v.Impact, v.ID, v.Help)
	}
	return serious
}

// checkA11y fails the test on any serious or critical axe-core violation of
// the page shown, listing them all with the elements at fault.
func (tb *tab) checkA11y(page string) {
	tb.t.Helper()
	violations := tb.axeSerious(page)
	if len(violations) == 0 {
		return
	}
	var b strings.Builder
	for _, v := range violations {
		fmt.Fprintf(&b, "\n  [%s] %s: %s", v.Impact, v.ID, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    %v %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
	}
	tb.t.Errorf("%s (%s): accessibility violations:%s\n(screenshot and page HTML in %s)", page, tb.path(), b.String(), tb.saveArtefacts())
}
