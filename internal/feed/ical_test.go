package feed

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/turnout-org/turnout/internal/turnout"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./internal/feed -update and review the diff", name)
	}
}

func mustICal(t testing.TB, c Calendar) []byte {
	t.Helper()
	b, err := EncodeICal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGolden(t *testing.T) {
	one := testCalendar()
	one.Name, one.Events = "Night vigil", one.Events[:1]
	empty := testCalendar()
	empty.Events = nil
	cases := []struct {
		name string
		c    Calendar
	}{{"group.ics", testCalendar()}, {"event.ics", one}, {"empty.ics", empty}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { golden(t, tc.name, mustICal(t, tc.c)) })
	}
	t.Run("group.atom", func(t *testing.T) {
		b, err := EncodeAtom(testCalendar())
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "group.atom", b)
	})
}

// TestLines checks the framing rules on every line of a feed: CRLF only,
// at most 75 octets, folds that never split a UTF-8 character, no BOM.
func TestLines(t *testing.T) {
	c := testCalendar()
	long := londonClockChange()
	long.ID, long.UID = 9, "long"
	long.Title = strings.Repeat("é🌊a", 40)
	long.Description = strings.Repeat("ü", 300)
	c.Events = append(c.Events, long)
	b := mustICal(t, c)
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Fatal("feed starts with a byte-order mark")
	}
	if !bytes.HasSuffix(b, []byte("END:VCALENDAR\r\n")) {
		t.Fatal("feed does not end with END:VCALENDAR CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	for i, line := range lines {
		if strings.ContainsAny(line, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d splits a UTF-8 character: %q", i+1, line)
		}
	}
	events, _ := parseEmersion(t, b)
	for _, e := range events {
		if e.UID == long.UID && (e.Summary != long.Title || !strings.Contains(e.Description, long.Description)) {
			t.Errorf("folded text came back as %q, %q", e.Summary, e.Description)
		}
	}
}

// TestRoundTrip parses the feed with two independent parsers and checks
// instants in UTC, status, sequence and text against the events.
func TestRoundTrip(t *testing.T) {
	c := testCalendar()
	b := mustICal(t, c)
	arran, arranComps := parseArran(t, b)
	emersion, emersionComps := parseEmersion(t, b)
	wantComps := []string{"VTIMEZONE", "VTIMEZONE", "VEVENT", "VEVENT", "VEVENT"}
	if strings.Join(arranComps, ",") != strings.Join(wantComps, ",") || strings.Join(emersionComps, ",") != strings.Join(wantComps, ",") {
		t.Fatalf("components: golang-ical %v, emersion %v, want %v", arranComps, emersionComps, wantComps)
	}
	for i, want := range c.Events {
		for parser, got := range map[string]parsedEvent{"golang-ical": arran[i], "emersion": emersion[i]} {
			checkEvent(t, parser, got, want)
		}
		if arran[i].Description != emersion[i].Description || strings.Join(arran[i].Props, ",") != strings.Join(emersion[i].Props, ",") {
			t.Errorf("event %d: the parsers disagree:\n%+v\n%+v", i, arran[i], emersion[i])
		}
	}
	// golang-ical's parser reads a backslash inside a quoted parameter as an
	// escape, which RFC 5545 does not have; emersion reads the CN as written.
	if got, want := emersion[0].OrganizerCN, `Leeds Climate 'Action', Yorkshire; \ Co`; got != want {
		t.Errorf("ORGANIZER CN = %q, want %q", got, want)
	}
	if emersion[0].Organizer != "mailto:hello@leedsclimate.example" {
		t.Errorf("ORGANIZER = %q", emersion[0].Organizer)
	}
	if emersion[1].Organizer != testBase+"/groups/akl-housing" {
		t.Errorf("ORGANIZER without a contact email = %q, want the group's page", emersion[1].Organizer)
	}
}

func checkEvent(t *testing.T, parser string, got parsedEvent, e *turnout.Event) {
	t.Helper()
	status := "CONFIRMED"
	if e.Cancelled() {
		status = "CANCELLED"
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"UID", got.UID, e.UID},
		{"DTSTART", got.Start.UTC(), e.StartsAt.UTC()},
		{"DTEND", got.End.UTC(), e.EndsAt.UTC()},
		{"DTSTAMP", got.Stamp.UTC(), e.UpdatedAt.UTC()},
		{"STATUS", got.Status, status},
		{"SEQUENCE", got.Sequence, e.Sequence},
		{"SUMMARY", got.Summary, e.Title},
		{"DESCRIPTION", got.Description, DescriptionText(e, EventURL(testBase, e))},
		{"LOCATION", got.Location, e.Place()},
		{"URL", got.URL, EventURL(testBase, e)},
		{"CATEGORIES", strings.Join(got.Categories, "|"), e.Kind},
		{"CONFERENCE", got.Conference, e.OnlineURL},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: event %s: %s = %q, want %q", parser, e.Slug, c.what, c.got, c.want)
		}
	}
}

func TestTimesAcrossClockChanges(t *testing.T) {
	b := string(mustICal(t, testCalendar()))
	for _, want := range []string{
		// London: 00:30 GMT, then the clocks go forward at 01:00 GMT; the
		// vigil ends at 02:30 UTC, which is 03:30 BST.
		"DTSTART;TZID=Europe/London:20260329T003000\r\n",
		"DTEND;TZID=Europe/London:20260329T033000\r\n",
		"BEGIN:DAYLIGHT\r\nDTSTART:20260329T010000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nTZNAME:BST\r\nEND:DAYLIGHT\r\n",
		"BEGIN:STANDARD\r\nDTSTART:20261025T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nTZNAME:GMT\r\nEND:STANDARD\r\n",
		// Auckland: noon NZDT on 4 April is 23:00 UTC on 3 April; summer time
		// ends the next morning (03:00 NZDT on 5 April).
		"DTSTART;TZID=Pacific/Auckland:20260404T120000\r\n",
		"BEGIN:STANDARD\r\nDTSTART:20260405T030000\r\nTZOFFSETFROM:+1300\r\nTZOFFSETTO:+1200\r\nTZNAME:NZST\r\nEND:STANDARD\r\n",
		"BEGIN:DAYLIGHT\r\nDTSTART:20250928T020000\r\nTZOFFSETFROM:+1200\r\nTZOFFSETTO:+1300\r\nTZNAME:NZDT\r\nEND:DAYLIGHT\r\n",
		// UTC events carry UTC times and need no VTIMEZONE.
		"DTSTART:20260501T180000Z\r\n",
	} {
		if !strings.Contains(b, want) {
			t.Errorf("feed lacks %q", want)
		}
	}
	if strings.Contains(b, "TZID:UTC") {
		t.Error("feed has a VTIMEZONE for UTC")
	}
	// Two events in one zone share one VTIMEZONE (each event loads its own
	// *time.Location; ical.js picks the wrong one of two with one TZID).
	c := testCalendar()
	second := londonClockChange()
	second.ID, second.UID, second.StartsAt, second.EndsAt = 7, "second", second.StartsAt.AddDate(1, 7, 0), second.EndsAt.AddDate(1, 7, 0)
	c.Events = append(c.Events, second)
	if n := strings.Count(string(mustICal(t, c)), "TZID:Europe/London\r\n"); n != 1 {
		t.Errorf("%d VTIMEZONEs for Europe/London, want 1", n)
	}
}

// TestTimezoneYears covers a feed spanning separate years: each run of years
// gets the rule in force on its first day and every transition in it.
func TestTimezoneYears(t *testing.T) {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	tz := vtimezone(loc, map[int]bool{2026: true, 2027: true, 2030: true})
	var starts []string
	for _, c := range tz.Components {
		starts = append(starts, c.UnknownPropertiesIANAProperties()[0].Value)
	}
	want := "20251026T020000 20260329T010000 20261025T020000 20270328T010000 20271031T020000 20291028T020000 20300331T010000 20301027T020000"
	if got := strings.Join(starts, " "); got != want {
		t.Errorf("observances start\n %s\nwant\n %s", got, want)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	if n := len(vtimezone(tokyo, map[int]bool{2026: true}).Components); n != 1 {
		t.Errorf("Asia/Tokyo has %d observances, want 1", n)
	}
}

// TestEditAndCancel: an edit raises SEQUENCE and keeps the UID; a
// cancellation stays in the feed as STATUS:CANCELLED.
func TestEditAndCancel(t *testing.T) {
	before := londonClockChange()
	after := londonClockChange()
	after.Title, after.Sequence, after.UpdatedAt = "Night vigil moved", before.Sequence+1, before.UpdatedAt.Add(time.Hour)
	after.StartsAt, after.EndsAt = before.StartsAt.Add(time.Hour), before.EndsAt.Add(time.Hour)
	cancelled := londonClockChange()
	cancelled.Status, cancelled.CancelReason, cancelled.Sequence = turnout.StatusCancelled, "Flood warning", after.Sequence+1
	var seen []parsedEvent
	for _, e := range []*turnout.Event{before, after, cancelled} {
		c := testCalendar()
		c.Events = []*turnout.Event{e}
		got, _ := parseEmersion(t, mustICal(t, c))
		seen = append(seen, got[0])
	}
	if seen[0].UID != seen[1].UID || seen[1].UID != seen[2].UID {
		t.Errorf("UID changed: %q, %q, %q", seen[0].UID, seen[1].UID, seen[2].UID)
	}
	if !(seen[0].Sequence < seen[1].Sequence && seen[1].Sequence < seen[2].Sequence) {
		t.Errorf("SEQUENCE did not rise: %d, %d, %d", seen[0].Sequence, seen[1].Sequence, seen[2].Sequence)
	}
	if !seen[1].Stamp.After(seen[0].Stamp) || seen[1].Summary != "Night vigil moved" {
		t.Errorf("edit not visible: %+v", seen[1])
	}
	if seen[2].Status != "CANCELLED" || !strings.HasPrefix(seen[2].Description, "CANCELLED. Flood warning") {
		t.Errorf("cancellation: STATUS %q, DESCRIPTION %q", seen[2].Status, seen[2].Description)
	}
}

// TestLibraryFaults covers each known fault of golang-ical v0.3.4.
func TestLibraryFaults(t *testing.T) {
	e := londonClockChange()
	e.Title = "Commas, semicolons; back\\slashes \"quotes\"\nnew line 🌊"
	e.Summary = "bare\rCR and CRLF\r\nend\x00\x1b"
	e.OnlineURL = "https://evil.example/\r\nATTENDEE:mailto:x@evil.example"
	e.Group = &turnout.Group{ID: 1, Slug: "x", Name: "Evil\r\nATTENDEE:mailto:y@evil.example\" ;X=\"", ContactEmail: "a@b.example\r\nX-INJECTED:1"}
	e.Kind = "march,rally"
	lat, lon := 0.00001, -0.00001
	e.Latitude, e.Longitude = &lat, &lon
	c := testCalendar()
	c.Events = []*turnout.Event{e}
	b := mustICal(t, c)
	s := strings.ReplaceAll(string(b), "\r\n ", "") // unfolded
	for _, bad := range []string{"\nATTENDEE", "\nX-INJECTED", "1e-05", "\x00", "\x1b"} {
		if strings.Contains(s, bad) {
			t.Errorf("feed contains %q", bad)
		}
	}
	for _, want := range []string{
		`SUMMARY:Commas\, semicolons\; back\\slashes "quotes"\nnew line 🌊`,
		"DESCRIPTION:bare\\nCR and CRLF\\nend\\n\\n",
		"GEO:0.000010;-0.000010\r\n",
		"CATEGORIES:march rally\r\n",
		`ORGANIZER;CN="Evil ATTENDEE:mailto:y@evil.example' ;X='":` + testBase + "/groups/x\r\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("feed lacks %q", want)
		}
	}
	got, _ := parseEmersion(t, b)
	if got[0].Summary != e.Title || got[0].Conference != "" || got[0].Organizer != testBase+"/groups/x" {
		t.Errorf("parsed back: %+v", got[0])
	}
	for _, p := range got[0].Props {
		if p == "ATTENDEE" || p == "X-INJECTED" {
			t.Errorf("injected property %s", p)
		}
	}
}

// TestSizeCap leaves out the farthest events to keep a feed under MaxBytes.
func TestSizeCap(t *testing.T) {
	var events []*turnout.Event
	for i := 0; i < 300; i++ {
		e := londonClockChange()
		e.ID, e.UID = int64(i+1), "uid-"+strings.Repeat("x", 4)+time.Duration(i).String()
		e.StartsAt = e.StartsAt.Add(time.Duration(i) * 24 * time.Hour)
		e.EndsAt = e.StartsAt.Add(2 * time.Hour)
		e.Description = strings.Repeat("words ", 300)
		events = append(events, e)
	}
	c := testCalendar()
	c.Events, c.MaxBytes = events, 100_000
	b := mustICal(t, c)
	if len(b) > c.MaxBytes {
		t.Fatalf("feed is %d bytes, cap %d", len(b), c.MaxBytes)
	}
	got, _ := parseEmersion(t, b)
	if len(got) == 0 || len(got) == len(events) {
		t.Fatalf("kept %d of %d events", len(got), len(events))
	}
	for i, p := range got {
		if p.UID != events[i].UID {
			t.Fatalf("event %d is %s, want the nearest events kept in order (%s)", i, p.UID, events[i].UID)
		}
	}
	if len(b) < c.MaxBytes*8/10 {
		t.Errorf("feed is only %d bytes of %d: the cap left out too much", len(b), c.MaxBytes)
	}
}

func TestFold(t *testing.T) {
	for _, line := range []string{
		"", "short", strings.Repeat("a", 75), strings.Repeat("a", 76), strings.Repeat("a", 74) + "é" + strings.Repeat("b", 100),
		strings.Repeat("🌊", 60), "X:" + strings.Repeat("a€", 200),
	} {
		var out bytes.Buffer
		fold(&out, []byte(line+"\r\n"))
		parts := strings.Split(strings.TrimSuffix(out.String(), "\r\n"), "\r\n ")
		if strings.Join(parts, "") != line {
			t.Errorf("unfolding %q gave %q", line, strings.Join(parts, ""))
		}
		for i, p := range strings.Split(out.String(), "\r\n") {
			if len(p) > 75 || !utf8.ValidString(p) || (i > 0 && p != "" && p[0] != ' ') {
				t.Errorf("bad folded line %q", p)
			}
		}
	}
}
