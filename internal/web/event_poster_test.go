package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"image"
	_ "image/png" // decodes the QR code PNG
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	qr "github.com/piglig/go-qr"
	"golang.org/x/net/html"

	"github.com/turnout-org/turnout/internal/picture"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestPosterQRCodeDecodesToEventURL reads the poster's QR code PNG back
// with go-qr's decoder and gets exactly the event page's URL; the SVG is an
// SVG document; the poster page shows the title, when, where, the case, the
// picture and the code, and offers both paper sizes.
func TestPosterQRCodeDecodesToEventURL(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	app := newTestApp(t, testConfig(t), st)
	g, _ := seedGroup(t, st, "riverside")
	e := seedEvent(t, st, g.ID, "Save the library", 48*time.Hour, func(in *turnout.EventInput) {
		summary, venue := "The council wants to close it; come and say no.", "Town Hall steps"
		in.Summary, in.Venue = &summary, &venue
	})
	files, err := picture.Process(testPNG(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetEventImage(context.Background(), e.ID, turnout.ImageInput{Alt: "Library poster", Files: files}); err != nil {
		t.Fatal(err)
	}
	want := "http://turnout.test/events/" + e.Slug

	resp, data := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug+"/qr.png", nil))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("qr.png: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	img, _, err := image.Decode(strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	got, err := qr.Decode(img)
	if err != nil || got != want {
		t.Fatalf("QR code decodes to %q (%v), want %q", got, err, want)
	}

	resp, svg := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug+"/qr.svg", nil))
	var doc struct {
		XMLName xml.Name
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" || xml.NewDecoder(bytes.NewReader([]byte(svg))).Decode(&doc) != nil || doc.XMLName.Local != "svg" {
		t.Fatalf("qr.svg: %d %s %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), svg)
	}

	_, body := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug+"/poster", nil))
	p := parsePage(t, body)
	for _, s := range []string{"Save the library", "Town Hall steps", "come and say no", want, `class="poster poster-a4"`, `src="/events/` + e.Slug + `/qr.svg"`, `alt="Library poster"`, `href="/events/` + e.Slug + `/poster?paper=letter"`} {
		if !strings.Contains(body, s) {
			t.Errorf("poster lacks %q", s)
		}
	}
	if len(p.all(func(n *html.Node) bool { return n.Data == "h1" })) != 1 {
		t.Errorf("poster has not one h1")
	}
	if _, body := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug+"/poster?paper=letter", nil)); !strings.Contains(body, `class="poster poster-letter"`) {
		t.Errorf("letter poster not chosen")
	}
}

// TestPosterOfDraftOrMissingEvent: a draft has no poster or code, exactly
// like an event that does not exist.
func TestPosterOfDraftOrMissingEvent(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	app := newTestApp(t, testConfig(t), st)
	g, _ := seedGroup(t, st, "riverside")
	d := seedEvent(t, st, g.ID, "Secret plan", 48*time.Hour, func(in *turnout.EventInput) {
		s := turnout.StatusDraft
		in.Status = &s
	})
	for _, suffix := range []string{"/poster", "/qr.svg", "/qr.png"} {
		r1, b1 := do(t, app, httptest.NewRequest("GET", "/events/"+d.Slug+suffix, nil))
		r2, b2 := do(t, app, httptest.NewRequest("GET", "/events/no-such-event-2031-01-01"+suffix, nil))
		if r1.StatusCode != 404 || r2.StatusCode != 404 || strings.ReplaceAll(b1, d.Slug, "X") != strings.ReplaceAll(b2, "no-such-event-2031-01-01", "X") {
			t.Errorf("%s: draft %d, missing %d", suffix, r1.StatusCode, r2.StatusCode)
		}
	}
}
