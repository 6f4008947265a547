package turnout

import (
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
// forward) is refused; an ambiguous one (clocks go back) takes the first
// occurrence. Years outside 1900-2200 are refused. Fractions of a second
// finer than a microsecond, which neither database keeps, are dropped, so
// that both store and compare the same instant.
func ParseLocalTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		if t.Year() < 1900 || t.Year() > 2200 {
			return time.Time{}, Errorf(EINVALID, "Enter a year between 1900 and 2200.")
		}
		return t.UTC().Truncate(time.Microsecond), nil
	}
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
	t, ok := resolveWallClock(wall, loc)
	if !ok {
		return time.Time{}, Errorf(EINVALID, "%s does not exist in %s: the clocks skip that hour. Choose another time.", wall.Format("2006-01-02 15:04"), loc.String())
	}
	return t.UTC(), nil
}

// resolveWallClock finds the earliest instant whose wall clock in loc equals
// wall (whose fields are read as-is, its zone ignored).
func resolveWallClock(wall time.Time, loc *time.Location) (time.Time, bool) {
	asUTC := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, time.UTC)
	offsets := map[int]bool{}
	for _, probe := range []time.Time{asUTC.Add(-48 * time.Hour), asUTC, asUTC.Add(48 * time.Hour)} {
		_, off := probe.In(loc).Zone()
		offsets[off] = true
	}
	var best time.Time
	found := false
	for off := range offsets {
		inst := asUTC.Add(-time.Duration(off) * time.Second)
		l := inst.In(loc)
		if l.Year() == wall.Year() && l.Month() == wall.Month() && l.Day() == wall.Day() &&
			l.Hour() == wall.Hour() && l.Minute() == wall.Minute() && l.Second() == wall.Second() {
			if !found || inst.Before(best) {
				best, found = inst, true
			}
		}
	}
	return best, found
}
