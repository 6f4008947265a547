package feed

import (
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/turnout-org/turnout/internal/turnout"
)

// FuzzEventText: whatever title, description, venue and online link an
// organiser can enter (what EventInput.Apply accepts) comes back identical
// from both parsers after encoding, and never adds a property or component.
// Seeds are in testdata/fuzz/FuzzEventText; run the fuzzer with
// go test ./internal/feed -run '^$' -fuzz FuzzEventText -fuzztime 60s.
func FuzzEventText(f *testing.F) {
	f.Add("Night vigil", "Bring a candle.", "Leeds Bridge", "https://meet.example/room")
	f.Add("Commas, semicolons; back\\slash \"quote\" 🌊", "line one\r\nline two\rthree\n\\n not a newline", "Café; \"Bar\", 1\\2", "https://x.example/a;b,c?d=\\e")
	e := f.Fuzz
	e(func(t *testing.T, title, description, venue, online string) {
		ev, ok := organiserEvent(title, description, venue, online)
		if !ok {
			return
		}
		c := testCalendar()
		c.Events = []*turnout.Event{ev}
		b, err := EncodeICal(c)
		if err != nil {
			t.Fatal(err)
		}
		wantDesc := DescriptionText(ev, EventURL(testBase, ev))
		normDesc := strings.ReplaceAll(strings.ReplaceAll(ev.Description, "\r\n", "\n"), "\r", "\n")
		arran, arranComps := parseArran(t, b)
		emersion, emersionComps := parseEmersion(t, b)
		for parser, comps := range map[string][]string{"golang-ical": arranComps, "emersion": emersionComps} {
			if strings.Join(comps, ",") != "VTIMEZONE,VEVENT" {
				t.Fatalf("%s: components %v", parser, comps)
			}
		}
		wantProps := expectedProps(ev)
		for parser, got := range map[string]parsedEvent{"golang-ical": arran[0], "emersion": emersion[0]} {
			if strings.Join(got.Props, ",") != wantProps {
				t.Fatalf("%s: properties\n %s\nwant\n %s", parser, strings.Join(got.Props, ","), wantProps)
			}
			if got.Summary != ev.Title || got.Location != ev.Venue || got.Conference != ev.OnlineURL || got.Description != wantDesc {
				t.Fatalf("%s: text changed:\n%q %q %q %q\nwant\n%q %q %q %q", parser, got.Summary, got.Location, got.Conference, got.Description,
					ev.Title, ev.Venue, ev.OnlineURL, wantDesc)
			}
			if utf8.RuneCountInString(normDesc) <= MaxDescriptionRunes && !strings.Contains(got.Description, normDesc) {
				t.Fatalf("%s: description %q lost from %q", parser, normDesc, got.Description)
			}
			if !got.Start.Equal(ev.StartsAt) || !got.End.Equal(ev.EndsAt) {
				t.Fatalf("%s: times %v-%v, want %v-%v", parser, got.Start, got.End, ev.StartsAt, ev.EndsAt)
			}
		}
	})
}

// organiserEvent builds the event an organiser would get from these fields,
// reporting false when the domain refuses the text. A link it refuses is
// left out rather than losing the case.
func organiserEvent(title, description, venue, online string) (*turnout.Event, bool) {
	start, end, kind := "2026-03-29T00:30", "2026-03-29T03:30", turnout.KindVigil
	in := turnout.EventInput{Title: &title, Description: &description, Venue: &venue, OnlineURL: &online, StartsAt: &start, EndsAt: &end, Kind: &kind}
	ev := londonClockChange()
	ev.Summary, ev.Address, ev.Articles, ev.Latitude, ev.Longitude = "", "", nil, nil, nil
	if _, err := in.Apply(ev, true, "Europe/London"); err != nil {
		in.OnlineURL = nil
		ev = londonClockChange()
		ev.Summary, ev.Address, ev.Articles, ev.Latitude, ev.Longitude = "", "", nil, nil, nil
		if _, err := in.Apply(ev, true, "Europe/London"); err != nil {
			return nil, false
		}
	}
	ev.StartsAt, ev.EndsAt = time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC), time.Date(2026, 3, 29, 2, 30, 0, 0, time.UTC)
	return ev, true
}

// expectedProps lists, sorted, the properties a VEVENT of ev must have.
func expectedProps(ev *turnout.Event) string {
	props := []string{"UID", "DTSTAMP", "LAST-MODIFIED", "CREATED", "SEQUENCE", "STATUS", "SUMMARY", "DTSTART", "DTEND",
		"DESCRIPTION", "URL", "CATEGORIES", "ORGANIZER"}
	if ev.Place() != "" {
		props = append(props, "LOCATION")
	}
	if ev.OnlineURL != "" {
		props = append(props, "CONFERENCE")
	}
	sort.Strings(props)
	return strings.Join(props, ",")
}
