package browsertest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The browser is started once, by the first test that needs it, and shared by
// every test of the package: each test gets a tab in a browser context of its
// own (its own cookies and cache).
var browser struct {
	once   sync.Once
	ctx    context.Context // the context of the first tab, which owns the process
	cancel context.CancelFunc
	dir    string // the user-data-dir
	skip   string // why the tests cannot run here, when they cannot
	err    error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if browser.cancel != nil {
		browser.cancel()
	}
	if browser.dir != "" {
		os.RemoveAll(browser.dir)
	}
	os.Exit(code)
}

// chromiumPath finds the browser: $TURNOUT_CHROMIUM, /usr/bin/chromium, or
// chromium / chromium-browser / google-chrome on the PATH.
func chromiumPath() (string, error) {
	if p := os.Getenv("TURNOUT_CHROMIUM"); p != "" {
		return exec.LookPath(p)
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium at /usr/bin/chromium or on the PATH (install it with apt-get install chromium, or set TURNOUT_CHROMIUM)")
}

// startBrowser launches Chromium with a fresh profile.
func startBrowser() {
	path, err := chromiumPath()
	if err != nil {
		browser.skip = err.Error()
		return
	}
	browser.dir, err = os.MkdirTemp("", "turnout-chromium-")
	if err != nil {
		browser.err = err
		return
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(browser.dir),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	browser.ctx = bctx
	browser.cancel = func() { bcancel(); acancel() }
	// The first Run starts the process; it must not carry a timeout.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(bctx) }()
	select {
	case err = <-started:
	case <-time.After(60 * time.Second):
		err = fmt.Errorf("Chromium at %s did not start within 60s", path)
	}
	if err != nil {
		browser.err = fmt.Errorf("starting Chromium at %s: %w", path, err)
	}
}

// needBrowser starts the shared browser, skipping the test (failing it when
// CI=true) when Chromium is not installed.
func needBrowser(t *testing.T) {
	t.Helper()
	browser.once.Do(startBrowser)
	if browser.skip != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser tests cannot run: %s", browser.skip)
		}
		t.Skipf("browser tests skipped: %s", browser.skip)
	}
	if browser.err != nil {
		t.Fatal(browser.err)
	}
}

// shotsDir is where screenshots of every visited page go, when set.
func shotsDir() string { return os.Getenv("TURNOUT_BROWSER_SHOTS") }

// artefactDir makes a directory that outlives the test, for the screenshot
// and HTML of a failure.
func artefactDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "turnout-browser-"+filepath.Base(sanitize(t.Name()))+"-")
	if err != nil {
		t.Logf("cannot keep failure artefacts: %v", err)
		return ""
	}
	return dir
}

// sanitize makes a test name usable in a file name.
func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}
