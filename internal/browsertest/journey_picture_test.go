package browsertest_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/turnout-org/turnout/internal/picture"
	"github.com/turnout-org/turnout/internal/picture/picturetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestPicturePosterAndEmbed opens the event page with a picture, its
// printable poster and the group's embed on a phone and in a desktop
// window: each passes axe-core, requests nothing from another origin, and
// the phone loads the narrowest picture file (srcset), not the largest.
func TestPicturePosterAndEmbed(t *testing.T) {
	in := startInstance(t)
	g := in.seedGroup(t, "riverside")
	ev := in.seedEvent(t, g, "Vigil for the dead at the border", nil)
	files, err := picture.Process(picturetest.PhoneJPEG(t, 2400, 1350, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.store.SetEventImage(context.Background(), ev.ID, turnout.ImageInput{Alt: "Candles on the station forecourt", Files: files}); err != nil {
		t.Fatal(err)
	}
	pages := []struct{ name, path, sel string }{
		{"Event", "/events/" + ev.Slug, "img.event-picture"},
		{"Poster", "/events/" + ev.Slug + "/poster", "img.poster-qr"},
		{"Embed", "/groups/riverside/embed", ".turnout-events"},
	}
	for _, size := range []struct {
		name string
		opts []tabOption
	}{{"Phone", []tabOption{phone}}, {"Desktop", nil}} {
		t.Run(size.name, func(t *testing.T) {
			tb := newTab(t, in.origin, append(size.opts, a11y)...)
			for i, p := range pages {
				tb.open(p.path, 200)
				tb.do("wait for "+p.sel, chromedp.WaitVisible(chromedp.CSS(p.sel)))
				tb.checkA11y(p.name)
				tb.shot()
				if i > 0 || size.name != "Phone" {
					continue
				}
				// The phone (390 px wide, one device pixel per CSS pixel)
				// picks the 640 px file from srcset, not the 1,600 px one.
				src, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.querySelector("img.event-picture").currentSrc`))
				if err != nil {
					t.Fatal(err)
				}
				if src != in.origin+files[1].Path() {
					t.Errorf("the phone loaded %s, want the 640 px file %s", src, files[1].Path())
				}
			}
		})
	}
}
