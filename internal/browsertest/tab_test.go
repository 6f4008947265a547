package browsertest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// tabTimeout bounds everything one test does in its tab.
const tabTimeout = 60 * time.Second

// tab is one browser tab walking one instance, recording every request it
// makes. Its helpers fail the test with a screenshot and the page's HTML.
type tab struct {
	t      *testing.T
	root   context.Context // the tab's context, without deadline
	ctx    context.Context // the same with the test's deadline
	origin string          // scheme://host:port of the instance
	noJS   bool            // page scripts are off
	axe    string          // axe-core's source, loaded by the a11y option

	mu       sync.Mutex // guards requests; never held across a browser call
	requests []string   // every URL the tab requested, in order

	saveMu sync.Mutex
	saved  string // where the failure artefacts went, once saved
}

// tabOption configures a new tab before its first page.
type tabOption func(tb *tab) error

// phone emulates a 390x844 phone screen.
func phone(tb *tab) error {
	return chromedp.Do(tb.root, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulatePortrait))
}

// noScript turns JavaScript off in the page, as a careful supporter would.
// axe-core cannot run in such a tab; the journeys check the same pages with
// JavaScript on.
func noScript(tb *tab) error {
	tb.noJS = true
	_, err := chromedp.Call(tb.root, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	return err
}

// a11y loads axe-core for checkA11y when the tab opens, so that a test
// without it skips (fails when CI=true) before its journey starts, never
// part-way through.
func a11y(tb *tab) error {
	tb.axe = loadAxe(tb.t)
	return nil
}

// newTab opens a tab in a fresh browser context (no cookies) for origin.
func newTab(t *testing.T, origin string, opts ...tabOption) *tab {
	t.Helper()
	needBrowser(t)
	root, cancel := chromedp.NewContext(browser.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	tb := &tab{t: t, root: root, origin: origin}
	if err := chromedp.Do(root); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	err := chromedp.Listen(root, func(ev any) {
		if ev, ok := ev.(*network.EventRequestWillBeSent); ok {
			tb.mu.Lock()
			tb.requests = append(tb.requests, ev.Request.URL)
			tb.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("listen to the tab's requests: %v", err)
	}
	for _, o := range opts {
		if err := o(tb); err != nil {
			t.Fatalf("set up the tab: %v", err)
		}
	}
	ctx, cancelTimeout := context.WithTimeout(root, tabTimeout)
	tb.ctx = ctx
	t.Cleanup(func() {
		cancelTimeout()
		if t.Failed() {
			tb.saveArtefacts()
		}
		tb.checkOrigins()
	})
	return tb
}

// checkOrigins fails the test when the tab requested anything from another
// origin than the instance's: no fonts, scripts, images or trackers.
func (tb *tab) checkOrigins() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	foreign := 0
	for _, raw := range tb.requests {
		if !sameOrigin(raw, tb.origin) {
			foreign++
			tb.t.Errorf("the page requested %s, outside the instance's origin %s", raw, tb.origin)
		}
	}
	if foreign == 0 {
		tb.t.Logf("%d requests, all to %s", len(tb.requests), tb.origin)
	}
}

// sameOrigin reports whether raw is served by origin, or needs no network.
func sameOrigin(raw, origin string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "about":
		return true
	}
	return u.Scheme+"://"+u.Host == origin
}

// requested returns the URLs the tab has requested so far.
func (tb *tab) requested() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.requests...)
}

// saveArtefacts keeps a screenshot and the HTML of the page in a directory
// that outlives the test, and returns its path.
func (tb *tab) saveArtefacts() string {
	tb.saveMu.Lock()
	defer tb.saveMu.Unlock()
	if tb.saved != "" {
		return tb.saved
	}
	dir := artefactDir(tb.t)
	if dir == "" {
		return "(not saved)"
	}
	tb.saved = dir
	ctx, cancel := context.WithTimeout(tb.root, 10*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "screenshot.png"), png, 0o644)
	}
	if html, err := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html"))); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "page.html"), []byte(html), 0o644)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	_ = os.WriteFile(filepath.Join(dir, "url.txt"), []byte(loc+"\n"), 0o644)
	tb.t.Logf("screenshot and HTML of the failing page (%s) kept in %s", loc, dir)
	return dir
}

// fatalf fails the test, naming where the screenshot and HTML are.
func (tb *tab) fatalf(format string, args ...any) {
	tb.t.Helper()
	dir := tb.saveArtefacts()
	tb.t.Fatalf("%s\n(screenshot and page HTML in %s)", fmt.Sprintf(format, args...), dir)
}

// do runs steps in the tab, failing the test on error.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.fatalf("%s: %v", what, err)
	}
}

// open loads path and waits for the page to load, expecting status.
func (tb *tab) open(path string, status int64) {
	tb.t.Helper()
	resp, err := chromedp.RunResponse(tb.ctx, chromedp.Navigate(tb.origin+path))
	tb.loaded("open "+path, resp, err, status)
}

// click clicks sel, which navigates, and waits for the new page to load.
func (tb *tab) click(sel string, status int64) {
	tb.t.Helper()
	resp, err := chromedp.RunResponse(tb.ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	tb.loaded("click "+sel, resp, err, status)
}

func (tb *tab) loaded(what string, resp *network.Response, err error, status int64) {
	tb.t.Helper()
	if err != nil {
		tb.fatalf("%s: %v", what, err)
	}
	if resp == nil {
		tb.fatalf("%s: no page loaded", what)
	}
	if resp.Status != status {
		tb.fatalf("%s: status %d, want %d (%s)", what, resp.Status, status, resp.URL)
	}
	tb.shot()
}

// path is the path and query of the page shown.
func (tb *tab) path() string {
	tb.t.Helper()
	loc, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		tb.fatalf("location: %v", err)
	}
	return strings.TrimPrefix(loc, tb.origin)
}

// text waits until sel is visible and returns its text.
func (tb *tab) text(sel string) string {
	tb.t.Helper()
	tb.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	s, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		tb.fatalf("text of %s: %v", sel, err)
	}
	return s
}

// see waits until sel is visible and fails unless its text holds every want.
// It ignores case, which CSS may change (text-transform).
func (tb *tab) see(sel string, want ...string) {
	tb.t.Helper()
	got := tb.text(sel)
	for _, w := range want {
		if !strings.Contains(strings.ToLower(got), strings.ToLower(w)) {
			tb.fatalf("%s says %q; want it to contain %q", sel, got, w)
		}
	}
}

// fill empties the field sel and types value into it, key by key.
func (tb *tab) fill(sel, value string) {
	tb.t.Helper()
	q, _ := json.Marshal(sel)
	tb.do("fill "+sel, chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+string(q)+`).value = ""`),
		chromedp.SendKeys(chromedp.CSS(sel), value))
}

// set sets the value of the field sel (a select, a date-time field).
func (tb *tab) set(sel, value string) {
	tb.t.Helper()
	tb.do("set "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
}

// wantFieldError fails unless the field sel is marked invalid and described
// by the visible error message errID.
func (tb *tab) wantFieldError(sel, errID string) {
	tb.t.Helper()
	if got := tb.attr(sel, "aria-invalid"); got != "true" {
		tb.fatalf("%s has aria-invalid=%q after an error, want true", sel, got)
	}
	if got := strings.Fields(tb.attr(sel, "aria-describedby")); !slices.Contains(got, errID) {
		tb.fatalf("%s has aria-describedby=%q, want it to name %s", sel, got, errID)
	}
	if msg := tb.text("#" + errID); strings.TrimSpace(msg) == "" {
		tb.fatalf("the error message #%s is empty", errID)
	}
}

// value returns the current value of the field sel.
func (tb *tab) value(sel string) string {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		tb.fatalf("value of %s: %v", sel, err)
	}
	return v
}

// attr returns the attribute name of sel.
func (tb *tab) attr(sel, name string) string {
	tb.t.Helper()
	attrs, err := chromedp.Run(tb.ctx, chromedp.Attributes(chromedp.CSS(sel)))
	if err != nil {
		tb.fatalf("attributes of %s: %v", sel, err)
	}
	return attrs[name]
}

// wantPath fails the test unless the page shown is path (with its query).
func (tb *tab) wantPath(path string) {
	tb.t.Helper()
	if got := tb.path(); got != path {
		tb.fatalf("on %s, want %s", got, path)
	}
}

// shotCount numbers the screenshots of a run, across tabs.
var shotCount atomic.Int64

// shot keeps a screenshot of the page in $TURNOUT_BROWSER_SHOTS, when set,
// named after the test and the page (manage tokens left out).
func (tb *tab) shot() {
	dir := shotsDir()
	if dir == "" {
		return
	}
	tb.t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Logf("screenshot: %v", err)
		return
	}
	page := strings.Trim(tb.path(), "/")
	if strings.HasPrefix(page, "rsvp/") {
		_, tail, _ := strings.Cut(strings.TrimPrefix(page, "rsvp/"), "/")
		page = "rsvp-manage-" + tail
	}
	name := fmt.Sprintf("%s-%03d-%s.png", sanitize(tb.t.Name()), shotCount.Add(1), sanitize(page))
	if err := os.MkdirAll(dir, 0o755); err == nil {
		_ = os.WriteFile(filepath.Join(dir, name), png, 0o644)
	}
}
