package browsertest_test

import (
	"os"
	"path/filepath"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// download clicks the link sel, lets the browser save the file it starts
// downloading, waits until the download completes and returns its bytes.
func (tb *tab) download(sel string) []byte {
	tb.t.Helper()
	dir := tb.t.TempDir()
	_, err := chromedp.CallBrowser(tb.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior:         cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName,
		BrowserContextID: chromedp.FromContext(tb.root).BrowserContextID,
		DownloadPath:     dir,
		EventsEnabled:    new(true),
	})
	if err != nil {
		tb.fatalf("allow downloads: %v", err)
	}
	progress := chromedp.BrowserEvents(tb.ctx, cdpbrowser.DownloadProgress)
	tb.do("click "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	for ev, err := range progress {
		if err != nil {
			tb.fatalf("download from %s: %v", sel, err)
		}
		switch ev.State {
		case cdpbrowser.DownloadProgressStateCompleted:
			b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				tb.fatalf("read the download: %v", err)
			}
			return b
		case cdpbrowser.DownloadProgressStateCanceled:
			tb.fatalf("the download from %s was cancelled", sel)
		}
	}
	tb.fatalf("no download from %s", sel)
	return nil
}
