package feed

import (
	"fmt"
	"sort"
	"time"

	ics "github.com/arran4/golang-ical"
)

// localLayout is an iCalendar local DATE-TIME (used with TZID).
const localLayout = "20060102T150405"

// isUTC reports whether loc is UTC under any of its names, for which events
// are written as UTC times and no VTIMEZONE is needed.
func isUTC(loc *time.Location) bool {
	switch loc.String() {
	case "UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu":
		return true
	}
	return false
}

// zoneYears records, per zone name, the zone and the years its events
// touch. It is keyed by name: each event loads its own *time.Location, and
// two VTIMEZONEs with one TZID make ical.js use the wrong one.
type zoneYears map[string]*zoneUse

type zoneUse struct {
	loc   *time.Location
	years map[int]bool
}

func (z zoneYears) add(loc *time.Location, from, to time.Time) {
	u := z[loc.String()]
	if u == nil {
		u = &zoneUse{loc: loc, years: map[int]bool{}}
		z[loc.String()] = u
	}
	for y := from.In(loc).Year(); y <= to.In(loc).Year(); y++ {
		u.years[y] = true
	}
}

// timezones builds one VTIMEZONE per zone, ordered by zone name.
func (z zoneYears) timezones() []*ics.VTimezone {
	names := make([]string, 0, len(z))
	for name := range z {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]*ics.VTimezone, 0, len(names))
	for _, name := range names {
		out = append(out, vtimezone(z[name].loc, z[name].years))
	}
	return out
}

// vtimezone writes the rules of loc for the given years from Go's time zone
// data, instead of golang-ical's AddTimezone, which writes an empty
// VTIMEZONE. Each run of consecutive years gets the observance in force on
// its first day, then one STANDARD or DAYLIGHT part per transition: every
// part has its own DTSTART, so no RRULE has to be derived.
func vtimezone(loc *time.Location, years map[int]bool) *ics.VTimezone {
	tz := ics.NewTimezone(loc.String())
	seen := map[int64]bool{}
	for _, run := range yearRuns(years) {
		start := time.Date(run[0], 1, 1, 0, 0, 0, 0, loc)
		end := time.Date(run[1]+1, 1, 1, 0, 0, 0, 0, loc)
		onset, next := start.ZoneBounds()
		addObservance(tz, onset, start, seen)
		for !next.IsZero() && next.Before(end) {
			addObservance(tz, next, next, seen)
			_, next = next.ZoneBounds()
		}
	}
	return tz
}

// yearRuns turns a set of years into sorted runs [first, last] of consecutive years.
func yearRuns(years map[int]bool) [][2]int {
	ys := make([]int, 0, len(years))
	for y := range years {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	var runs [][2]int
	for _, y := range ys {
		if n := len(runs); n > 0 && runs[n-1][1] == y-1 {
			runs[n-1][1] = y
			continue
		}
		runs = append(runs, [2]int{y, y})
	}
	return runs
}

// addObservance adds the observance that begins at onset (the zero time when
// the zone has always been so); at is an instant inside it.
func addObservance(tz *ics.VTimezone, onset, at time.Time, seen map[int64]bool) {
	name, to := at.Zone()
	from := to
	if seen[onset.Unix()] {
		return
	}
	seen[onset.Unix()] = true
	dtstart := "19700101T000000"
	if !onset.IsZero() {
		_, from = onset.Add(-time.Second).Zone()
		dtstart = onset.In(time.FixedZone("", from)).Format(localLayout)
	}
	var c ics.ComponentBase
	c.AddProperty(ics.ComponentPropertyDtStart, dtstart)
	c.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(from))
	c.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(to))
	c.AddProperty(ics.ComponentProperty(ics.PropertyTzname), cleanText(name))
	if at.IsDST() {
		tz.Components = append(tz.Components, &ics.Daylight{ComponentBase: c})
	} else {
		tz.Components = append(tz.Components, &ics.Standard{ComponentBase: c})
	}
}

// utcOffset formats seconds east of UTC as an iCalendar UTC-OFFSET: +HHMM, or +HHMMSS.
func utcOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	h, m, s := sec/3600, sec/60%60, sec%60
	if s != 0 {
		return fmt.Sprintf("%c%02d%02d%02d", sign, h, m, s)
	}
	return fmt.Sprintf("%c%02d%02d", sign, h, m)
}
