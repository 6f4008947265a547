package web

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/turnout-org/turnout/internal/picture"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// headMeta reads a page's <meta property|name> tags, its canonical link and
// its JSON-LD scripts.
func headMeta(t *testing.T, body string) (meta map[string]string, canonical string, ld []string) {
	t.Helper()
	p := parsePage(t, body)
	meta = map[string]string{}
	for _, n := range p.all(func(n *html.Node) bool { return n.Data == "meta" }) {
		key := attr(n, "property")
		if key == "" {
			key = attr(n, "name")
		}
		if _, dup := meta[key]; dup && key != "" {
			t.Errorf("meta %s twice", key)
		}
		meta[key] = attr(n, "content")
	}
	for _, n := range p.all(func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "canonical" }) {
		canonical = attr(n, "href")
	}
	for _, n := range p.all(func(n *html.Node) bool { return n.Data == "script" && attr(n, "type") == "application/ld+json" }) {
		ld = append(ld, textOf(n))
	}
	return meta, canonical, ld
}

// schemaEvent is the part of schema.org Event that pages carry.
type schemaEvent struct {
	Context             string          `json:"@context"`
	Type                string          `json:"@type"`
	Name                string          `json:"name"`
	URL                 string          `json:"url"`
	StartDate           string          `json:"startDate"`
	EndDate             string          `json:"endDate"`
	EventStatus         string          `json:"eventStatus"`
	EventAttendanceMode string          `json:"eventAttendanceMode"`
	Description         string          `json:"description"`
	Location            json.RawMessage `json:"location"`
	Organizer           struct {
		Type string `json:"@type"`
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"organizer"`
	Image []string `json:"image"`
}

// TestEventLinkPreviewAndJSONLD reads the head of an event page with a
// picture, on both databases: OpenGraph and Twitter tags name the event, its
// canonical URL and its picture with size and alt text; the schema.org
// Event parses and matches the event (start and end with the zone's offset,
// Place with PostalAddress, organizer, image). Cancelled, it says
// EventCancelled; a draft's organiser preview announces nothing.
func TestEventLinkPreviewAndJSONLD(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "riverside")
		e := seedEvent(t, st, g.ID, "Save the library", 48*time.Hour, func(in *turnout.EventInput) {
			summary, venue, address, tz := "March to the council.", "Town Hall steps", "1 Market St, Leeds LS1 1UR", "Europe/London"
			in.Summary, in.Venue, in.Address, in.Timezone = &summary, &venue, &address, &tz
		})
		files, err := picture.Process(picturePNG(t, 2000, 1000))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetEventImage(ctx, e.ID, turnout.ImageInput{Alt: "Library poster", Files: files}); err != nil {
			t.Fatal(err)
		}
		page := "http://turnout.test/events/" + e.Slug
		_, body := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil))
		meta, canonical, ld := headMeta(t, body)
		if canonical != page {
			t.Errorf("canonical %q, want %q", canonical, page)
		}
		for k, want := range map[string]string{
			"og:type": "website", "og:title": "Save the library", "og:description": "March to the council.", "og:url": page,
			"og:site_name": "Turnout", "og:locale": "en_GB", "og:image:width": "1024", "og:image:height": "512",
			"og:image:alt": "Library poster", "twitter:card": "summary_large_image", "twitter:title": "Save the library",
			"twitter:image:alt": "Library poster",
		} {
			if meta[k] != want {
				t.Errorf("%s = %q, want %q", k, meta[k], want)
			}
		}
		if img := meta["og:image"]; img != meta["twitter:image"] || len(img) < len("http://turnout.test/images/") || img[:27] != "http://turnout.test/images/" {
			t.Errorf("og:image %q, twitter:image %q", img, meta["twitter:image"])
		} else if resp, _ := do(t, app, httptest.NewRequest("GET", img[len("http://turnout.test"):], nil)); resp.StatusCode != 200 {
			t.Errorf("og:image answers %d", resp.StatusCode)
		}

		if len(ld) != 1 {
			t.Fatalf("%d JSON-LD scripts", len(ld))
		}
		var se schemaEvent
		if err := json.Unmarshal([]byte(ld[0]), &se); err != nil {
			t.Fatalf("JSON-LD does not parse: %v\n%s", err, ld[0])
		}
		loc := e.Location()
		if se.Context != "https://schema.org" || se.Type != "Event" || se.Name != e.Title || se.URL != page ||
			se.StartDate != e.StartsAt.In(loc).Format(time.RFC3339) || se.EndDate != e.EndsAt.In(loc).Format(time.RFC3339) ||
			se.EventStatus != "https://schema.org/EventScheduled" || se.EventAttendanceMode != "https://schema.org/OfflineEventAttendanceMode" ||
			se.Description != "March to the council." {
			t.Errorf("JSON-LD %+v", se)
		}
		if _, err := time.Parse(time.RFC3339, se.StartDate); err != nil || se.StartDate[len(se.StartDate)-6] != '+' && se.StartDate[len(se.StartDate)-1] != 'Z' {
			t.Errorf("startDate %q lacks an offset", se.StartDate)
		}
		var place struct {
			Type    string `json:"@type"`
			Name    string `json:"name"`
			Address struct {
				Type          string `json:"@type"`
				StreetAddress string `json:"streetAddress"`
			} `json:"address"`
		}
		if err := json.Unmarshal(se.Location, &place); err != nil || place.Type != "Place" || place.Name != "Town Hall steps" ||
			place.Address.Type != "PostalAddress" || place.Address.StreetAddress != "1 Market St, Leeds LS1 1UR" {
			t.Errorf("location %s (%v)", se.Location, err)
		}
		if se.Organizer.Type != "Organization" || se.Organizer.Name != g.Name || se.Organizer.URL != "http://turnout.test/groups/riverside" {
			t.Errorf("organizer %+v", se.Organizer)
		}
		if len(se.Image) != len(files) || se.Image[0] != "http://turnout.test"+files[len(files)-1].Path() {
			t.Errorf("image %v", se.Image)
		}

		if _, err := st.CancelEvent(ctx, e.ID, "Rain"); err != nil {
			t.Fatal(err)
		}
		_, body = do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil))
		meta, _, ld = headMeta(t, body)
		se = schemaEvent{}
		if len(ld) != 1 || json.Unmarshal([]byte(ld[0]), &se) != nil || se.EventStatus != "https://schema.org/EventCancelled" {
			t.Errorf("cancelled: JSON-LD %v", ld)
		}
		if meta["og:title"] != "Cancelled: Save the library" {
			t.Errorf("cancelled og:title %q", meta["og:title"])
		}
	})
}

// TestOnlineEventJSONLD: an online-only event is a VirtualLocation with
// OnlineEventAttendanceMode, and without a picture the card is a summary.
func TestOnlineEventJSONLD(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	app := newTestApp(t, testConfig(t), st)
	g, _ := seedGroup(t, st, "riverside")
	e := seedEvent(t, st, g.ID, "Assembly call", 48*time.Hour, func(in *turnout.EventInput) {
		u := "https://meet.example/assembly"
		in.OnlineURL = &u
	})
	_, body := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil))
	meta, _, ld := headMeta(t, body)
	var se schemaEvent
	if len(ld) != 1 || json.Unmarshal([]byte(ld[0]), &se) != nil {
		t.Fatalf("JSON-LD %v", ld)
	}
	var loc struct {
		Type string `json:"@type"`
		URL  string `json:"url"`
	}
	if json.Unmarshal(se.Location, &loc) != nil || loc.Type != "VirtualLocation" || loc.URL != "https://meet.example/assembly" ||
		se.EventAttendanceMode != "https://schema.org/OnlineEventAttendanceMode" || se.Image != nil {
		t.Errorf("online event: %s", ld[0])
	}
	if meta["twitter:card"] != "summary" || meta["og:image"] != "" {
		t.Errorf("no picture, but card %q image %q", meta["twitter:card"], meta["og:image"])
	}
}

// TestGroupAndArticleLinkPreview: group pages carry the group's name,
// description and picture; the preview of a draft says nothing.
func TestGroupAndArticleLinkPreview(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	app := newTestApp(t, testConfig(t), st)
	ctx := context.Background()
	g, _ := seedGroup(t, st, "riverside")
	desc := "Neighbours keeping the river clean."
	if _, err := st.UpdateGroup(ctx, g.ID, turnout.GroupInput{Description: &desc}); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the first request of a URL learns its scopes, the second is kept
		do(t, app, httptest.NewRequest("GET", "/groups/riverside", nil))
	}
	files, err := picture.Process(testPNG(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetGroupImage(ctx, g.ID, turnout.ImageInput{Alt: "Group logo", Files: files}); err != nil {
		t.Fatal(err)
	}
	_, body := do(t, app, httptest.NewRequest("GET", "/groups/riverside", nil))
	meta, canonical, ld := headMeta(t, body)
	if canonical != "http://turnout.test/groups/riverside" || meta["og:title"] != g.Name || meta["og:description"] != desc ||
		meta["og:image:alt"] != "Group logo" || len(ld) != 0 {
		t.Errorf("group page: canonical %q meta %v ld %v", canonical, meta, ld)
	}
}
