package feed

import (
	"bytes"
	"sort"
	"strconv"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	eical "github.com/emersion/go-ical"
)

// parsedEvent is what a parser read back from one VEVENT.
type parsedEvent struct {
	UID, Status, Summary, Description, Location, URL, Geo, Conference string
	Categories                                                        []string
	Sequence                                                          int
	Start, End, Stamp                                                 time.Time
	Organizer, OrganizerCN                                            string
	Props                                                             []string // property names, sorted
}

// parseArran reads a feed with github.com/arran4/golang-ical and returns its
// events and the names of the calendar's components.
func parseArran(t testing.TB, b []byte) ([]parsedEvent, []string) {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("golang-ical: %v", err)
	}
	var comps []string
	var out []parsedEvent
	for _, c := range cal.Components {
		switch c := c.(type) {
		case *ics.VEvent:
			comps = append(comps, "VEVENT")
			out = append(out, arranEvent(t, c))
		case *ics.VTimezone:
			comps = append(comps, "VTIMEZONE")
		default:
			comps = append(comps, "OTHER")
		}
	}
	return out, comps
}

func arranEvent(t testing.TB, e *ics.VEvent) parsedEvent {
	t.Helper()
	var p parsedEvent
	for _, prop := range e.Properties {
		p.Props = append(p.Props, prop.IANAToken)
		v := prop.Value
		switch prop.IANAToken {
		case "UID":
			p.UID = v
		case "STATUS":
			p.Status = v
		case "SUMMARY":
			p.Summary = v
		case "DESCRIPTION":
			p.Description = v
		case "LOCATION":
			p.Location = v
		case "URL":
			p.URL = v
		case "GEO":
			p.Geo = v
		case "CONFERENCE":
			p.Conference = v
		case "CATEGORIES":
			p.Categories = append(p.Categories, v)
		case "SEQUENCE":
			p.Sequence, _ = strconv.Atoi(v)
		case "ORGANIZER":
			p.Organizer = v
		}
	}
	sort.Strings(p.Props)
	var err error
	if p.Start, err = e.GetStartAt(); err != nil {
		t.Fatalf("golang-ical DTSTART: %v", err)
	}
	if p.End, err = e.GetEndAt(); err != nil {
		t.Fatalf("golang-ical DTEND: %v", err)
	}
	if p.Stamp, err = e.GetDtStampTime(); err != nil {
		t.Fatalf("golang-ical DTSTAMP: %v", err)
	}
	return p
}

// parseEmersion reads a feed with github.com/emersion/go-ical.
func parseEmersion(t testing.TB, b []byte) ([]parsedEvent, []string) {
	t.Helper()
	cal, err := eical.NewDecoder(bytes.NewReader(b)).Decode()
	if err != nil {
		t.Fatalf("emersion/go-ical: %v", err)
	}
	var comps []string
	var out []parsedEvent
	for _, c := range cal.Children {
		comps = append(comps, c.Name)
		if c.Name != eical.CompEvent {
			continue
		}
		out = append(out, emersionEvent(t, eical.Event{Component: c}))
	}
	return out, comps
}

func emersionEvent(t testing.TB, e eical.Event) parsedEvent {
	t.Helper()
	text := func(name string) string {
		prop := e.Props.Get(name)
		if prop == nil {
			return ""
		}
		s, err := prop.Text()
		if err != nil {
			t.Fatalf("emersion %s: %v", name, err)
		}
		return s
	}
	raw := func(name string) string {
		if prop := e.Props.Get(name); prop != nil {
			return prop.Value
		}
		return ""
	}
	p := parsedEvent{UID: text("UID"), Status: raw("STATUS"), Summary: text("SUMMARY"), Description: text("DESCRIPTION"),
		Location: text("LOCATION"), URL: raw("URL"), Geo: raw("GEO"), Conference: raw("CONFERENCE"), Organizer: raw("ORGANIZER")}
	for _, c := range e.Props.Values("CATEGORIES") {
		l, err := c.TextList()
		if err != nil {
			t.Fatal(err)
		}
		p.Categories = append(p.Categories, l...)
	}
	if o := e.Props.Get("ORGANIZER"); o != nil {
		p.OrganizerCN = o.Params.Get("CN")
	}
	for name, props := range e.Props {
		for range props {
			p.Props = append(p.Props, name)
		}
	}
	sort.Strings(p.Props)
	if seq := e.Props.Get("SEQUENCE"); seq != nil {
		p.Sequence, _ = seq.Int()
	}
	var err error
	if p.Start, err = e.DateTimeStart(nil); err != nil {
		t.Fatalf("emersion DTSTART: %v", err)
	}
	if p.End, err = e.DateTimeEnd(nil); err != nil {
		t.Fatalf("emersion DTEND: %v", err)
	}
	if p.Stamp, err = e.Props.DateTime("DTSTAMP", nil); err != nil {
		t.Fatalf("emersion DTSTAMP: %v", err)
	}
	return p
}
