package browsertest_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// focused describes the element that has the keyboard focus.
type focused struct {
	Tag     string `json:"tag"`
	ID      string `json:"id"`
	Class   string `json:"class"`
	Text    string `json:"text"`
	Outline string `json:"outline"` // computed outline-style
	Shown   bool   `json:"shown"`   // has a box inside the viewport
}

const focusedJS = `(() => {
	const el = document.activeElement, r = el.getBoundingClientRect(), s = getComputedStyle(el);
	return {tag: el.tagName.toLowerCase(), id: el.id, class: el.className, text: (el.textContent || el.value || "").trim().slice(0, 40),
		outline: s.outlineStyle, shown: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth};
})()`

// TestKeyboardFocus walks the event page with the Tab key on a phone: the
// first stop is a visible skip link that moves the focus to the main content,
// and every stop after it shows a focus outline.
func TestKeyboardFocus(t *testing.T) {
	in := startInstance(t)
	g := in.seedGroup(t, "riverside")
	ev := in.seedEvent(t, g, "Vigil for the dead at the border", nil)
	tb := newTab(t, in.origin, phone)
	tb.open("/events/"+ev.Slug, 200)

	first := tb.tab()
	if first.Class != "skip" || !first.Shown || first.Outline == "none" {
		tb.fatalf("the first Tab stop is %+v, want the skip link, shown, with an outline", first)
	}
	tb.do("follow the skip link", chromedp.KeyEvent(kb.Enter))
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](`location.hash === "#main" && document.activeElement.id === "main"`,
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		tb.fatalf("after Enter on the skip link the focus is not on the main content: %v", err)
	}

	stops := 0
	for range 40 {
		f := tb.tab()
		if f.Tag == "body" {
			break
		}
		stops++
		if f.Outline == "none" || !f.Shown {
			t.Errorf("Tab stop %d, <%s id=%q class=%q> %q: outline %s, shown %v; want a visible focus outline", stops, f.Tag, f.ID, f.Class, f.Text, f.Outline, f.Shown)
		}
	}
	t.Logf("%d Tab stops after the skip link, each with a focus outline", stops)
	if stops < 5 {
		t.Errorf("only %d Tab stops after the skip link: the walk is not working", stops)
	}
}

// tab presses the Tab key and describes the element that gets the focus.
func (tb *tab) tab() focused {
	tb.t.Helper()
	tb.do("press Tab", chromedp.KeyEvent(kb.Tab))
	return tb.focus()
}

// focus describes the element that has the focus.
func (tb *tab) focus() focused {
	tb.t.Helper()
	f, err := chromedp.Run(tb.ctx, chromedp.Evaluate[focused](focusedJS))
	if err != nil {
		tb.fatalf("read the focus: %v", err)
	}
	return f
}
