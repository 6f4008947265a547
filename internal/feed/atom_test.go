package feed

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestAtom(t *testing.T) {
	c := testCalendar()
	c.Events[0].Title += "\x00\x1b<b>&"
	b, err := EncodeAtom(c)
	if err != nil {
		t.Fatal(err)
	}
	var feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Updated string   `xml:"updated"`
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
			Link    struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Content string `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(b, &feed); err != nil {
		t.Fatalf("not well-formed Atom: %v", err)
	}
	if feed.ID != testBase+"/events.atom" || feed.Updated != "2026-03-01T11:30:00Z" || len(feed.Entries) != 3 {
		t.Fatalf("feed id %q, updated %q, %d entries", feed.ID, feed.Updated, len(feed.Entries))
	}
	for i, e := range c.Events {
		got := feed.Entries[i]
		if got.ID != "urn:uuid:"+e.UID || got.Link.Href != EventURL(testBase, e) {
			t.Errorf("entry %d: id %q, link %q", i, got.ID, got.Link.Href)
		}
	}
	if want := "Night vigil, for the river; \\ \"all\" welcome 🌊<b>&"; feed.Entries[0].Title != want {
		t.Errorf("title %q, want %q", feed.Entries[0].Title, want)
	}
	if !strings.HasPrefix(feed.Entries[2].Title, "Cancelled: ") || !strings.Contains(feed.Entries[2].Content, "Venue withdrew") {
		t.Errorf("cancelled entry: %q", feed.Entries[2].Title)
	}
	if !strings.Contains(feed.Entries[0].Content, "<h2>Plan</h2>") || strings.Contains(feed.Entries[0].Content, "<script") {
		t.Errorf("content not rendered from markdown: %q", feed.Entries[0].Content)
	}
}

func TestAtomSizeCap(t *testing.T) {
	c := groupFeed200()
	for _, e := range c.Events {
		e.Description = strings.Repeat("words ", 600)
	}
	c.MaxBytes = 200_000
	b, err := EncodeAtom(c)
	if err != nil {
		t.Fatal(err)
	}
	n := strings.Count(string(b), "<entry>")
	if len(b) > c.MaxBytes || n == 0 || n == len(c.Events) || !strings.Contains(string(b), "urn:uuid:"+c.Events[0].UID) {
		t.Errorf("%d bytes with %d of %d entries", len(b), n, len(c.Events))
	}
}
