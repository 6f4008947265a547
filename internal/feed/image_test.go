package feed

import (
	"bytes"
	"encoding/xml"
	"testing"

	eical "github.com/emersion/go-ical"

	"github.com/turnout-org/turnout/internal/turnout"
)

func withPicture(e *turnout.Event) *turnout.Event {
	e.Image = &turnout.Image{Alt: "Poster", Files: []turnout.ImageFile{
		{Width: 320, Height: 180, Bytes: 9000, Hash: "11111111111111111111111111111111", ContentType: "image/jpeg"},
		{Width: 1024, Height: 576, Bytes: 81234, Hash: "22222222222222222222222222222222", ContentType: "image/jpeg"},
	}}
	return e
}

// TestICalPicture parses the feed back with go-ical: an event with a picture
// carries IMAGE (RFC 7986) and ATTACH, both with the full-size file's URL
// and media type; one without carries neither.
func TestICalPicture(t *testing.T) {
	c := testCalendar()
	c.Events = []*turnout.Event{withPicture(londonClockChange()), aucklandMarch()}
	out, err := EncodeICal(c)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := eical.NewDecoder(bytes.NewReader(out)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	want := c.BaseURL + "/images/22222222222222222222222222222222.jpg"
	var seen int
	for _, ev := range cal.Events() {
		img, att := ev.Props.Get("IMAGE"), ev.Props.Get(eical.PropAttach)
		if ev.Props.Get(eical.PropUID).Value != londonClockChange().UID {
			if img != nil || att != nil {
				t.Errorf("an event without a picture has IMAGE or ATTACH")
			}
			continue
		}
		seen++
		if img == nil || img.Value != want || img.Params.Get("FMTTYPE") != "image/jpeg" || img.Params.Get("VALUE") != "URI" || img.Params.Get("DISPLAY") != "BADGE" {
			t.Errorf("IMAGE %+v, want %s as a URI badge", img, want)
		}
		if att == nil || att.Value != want || att.Params.Get("FMTTYPE") != "image/jpeg" {
			t.Errorf("ATTACH %+v, want %s", att, want)
		}
	}
	if seen != 1 {
		t.Fatalf("%d events with the picture's UID", seen)
	}
}

// TestAtomEnclosure: the entry of an event with a picture links it as an
// enclosure with its length and type.
func TestAtomEnclosure(t *testing.T) {
	c := testCalendar()
	c.Events = []*turnout.Event{withPicture(londonClockChange())}
	out, err := EncodeAtom(c)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Entries []struct {
			Links []struct {
				Rel    string `xml:"rel,attr"`
				Href   string `xml:"href,attr"`
				Type   string `xml:"type,attr"`
				Length string `xml:"length,attr"`
			} `xml:"link"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	for _, l := range doc.Entries[0].Links {
		if l.Rel == "enclosure" {
			if l.Href != c.BaseURL+"/images/22222222222222222222222222222222.jpg" || l.Type != "image/jpeg" || l.Length != "81234" {
				t.Errorf("enclosure %+v", l)
			}
			return
		}
	}
	t.Errorf("no enclosure in %s", out)
}
