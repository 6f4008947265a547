package turnout

import (
	"sort"
	"strings"
	"sync"
	"time"
)

// LocalLayout is the wall-clock format of times entered in forms and the API.
const LocalLayout = "2006-01-02T15:04"

var zoneCache sync.Map // name -> *time.Location

// LoadZone loads an IANA time zone by name, caching the result. The empty name
// and "Local" are refused: events always carry an explicit zone.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, Errorf(EINVALID, "Unknown time zone.")
	}
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Errorf(EINVALID, "Unknown time zone %q.", name)
	}
	zoneCache.Store(name, loc)
	return loc, nil
}

// ParseLocalTime reads a wall-clock time in loc ("2026-03-22T13:00", seconds
// optional) or an RFC 3339 time with an offset, and returns the UTC instant.
// A wall-clock time that does not exist in loc (skipped when clocks go
// forward) is refused, and so is one that happens twice (the repeated hour
// when clocks go back): its message names both choices, and a time with an
// offset says which. Years outside 1900-2200 are refused. Fractions of a
// second finer than a microsecond, which neither database keeps, are
// dropped, so that both store and compare the same instant.
func ParseLocalTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		if t.Year() < 1900 || t.Year() > 2200 {
			return time.Time{}, Errorf(EINVALID, "Enter a year between 1900 and 2200.")
		}
		return t.UTC().Truncate(time.Microsecond), nil
	}
	wall, err := parseWall(s)
	if err != nil {
		return time.Time{}, err
	}
	insts := resolveWallClock(wall, loc)
	switch len(insts) {
	case 0:
		return time.Time{}, Errorf(EINVALID, "%s does not exist in %s: the clocks skip that hour. Choose another time.", wall.Format("2006-01-02 15:04"), loc.String())
	case 1:
		return insts[0].UTC(), nil
	}
	return time.Time{}, Errorf(EINVALID, "%s", AmbiguousMessage(wall, loc, WallClockChoices(s, loc)))
}

// WallClockChoice is one instant a wall-clock time can mean in a zone.
type WallClockChoice struct {
	Instant time.Time // UTC
	Abbrev  string    // zone abbreviation at that instant, such as BST
	Offset  string    // offset from UTC at that instant, such as +01:00
	Label   string    // "01:30 BST (UTC+01:00)"
}

// WallClockChoices lists the instants a wall-clock time s means in loc, the
// earlier first, when it happens twice (clocks going back); otherwise nil.
func WallClockChoices(s string, loc *time.Location) []WallClockChoice {
	wall, err := parseWall(s)
	if err != nil {
		return nil
	}
	insts := resolveWallClock(wall, loc)
	if len(insts) < 2 {
		return nil
	}
	out := make([]WallClockChoice, 0, len(insts))
	for _, t := range insts {
		l := t.In(loc)
		abbrev, _ := l.Zone()
		off := l.Format("-07:00")
		out = append(out, WallClockChoice{Instant: t.UTC(), Abbrev: abbrev, Offset: off,
			Label: l.Format("15:04") + " " + abbrev + " (UTC" + off + ")"})
	}
	return out
}

// AmbiguousMessage says that wall happens twice in loc and names the choices,
// each also as a time with an offset (how the API says which).
func AmbiguousMessage(wall time.Time, loc *time.Location, choices []WallClockChoice) string {
	labels := make([]string, len(choices))
	offsets := make([]string, len(choices))
	for i, c := range choices {
		labels[i] = c.Label
		offsets[i] = wall.Format("2006-01-02T15:04:05") + c.Offset
	}
	return wall.Format("2006-01-02 15:04") + " happens twice in " + loc.String() +
		" because the clocks go back: " + strings.Join(labels, " or ") +
		". Say which, with the offset: " + strings.Join(offsets, " or ") + "."
}

// parseWall reads a wall-clock time without a zone.
func parseWall(s string) (time.Time, error) {
	var wall time.Time
	var err error
	for _, layout := range []string{LocalLayout, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if wall, err = time.Parse(layout, s); err == nil {
			break
		}
	}
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "Enter a date and time like 2026-03-22T13:00.")
	}
	if wall.Year() < 1900 || wall.Year() > 2200 {
		return time.Time{}, Errorf(EINVALID, "Enter a year between 1900 and 2200.")
	}
	return wall, nil
}

// resolveWallClock finds every instant whose wall clock in loc equals wall
// (whose fields are read as-is, its zone ignored), earliest first: none in a
// skipped hour, two in a repeated one.
func resolveWallClock(wall time.Time, loc *time.Location) []time.Time {
	asUTC := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, time.UTC)
	offsets := map[int]bool{}
	for _, probe := range []time.Time{asUTC.Add(-48 * time.Hour), asUTC, asUTC.Add(48 * time.Hour)} {
		_, off := probe.In(loc).Zone()
		offsets[off] = true
	}
	var out []time.Time
	for off := range offsets {
		inst := asUTC.Add(-time.Duration(off) * time.Second)
		l := inst.In(loc)
		if l.Year() == wall.Year() && l.Month() == wall.Month() && l.Day() == wall.Day() &&
			l.Hour() == wall.Hour() && l.Minute() == wall.Minute() && l.Second() == wall.Second() {
			out = append(out, inst)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}
