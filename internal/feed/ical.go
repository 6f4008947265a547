package feed

import (
	"bytes"
	"sort"
	"strconv"
	"strings"

	ics "github.com/arran4/golang-ical"

	"github.com/turnout-org/turnout/internal/turnout"
)

// ProductID names Turnout as the maker of its feeds (PRODID).
const ProductID = "-//Turnout//Turnout events//EN"

// Known faults of golang-ical v0.3.4 and what this file does about them:
//   - LF line endings by default: serialised with ics.WithNewLineWindows.
//   - A bare CR in text passes through: cleanText turns CR and CRLF into LF.
//   - Parameter values (CN) are backslash-escaped, not quoted: ORGANIZER is
//     written with its CN already quoted (organizer) and cleaned by cleanParam.
//   - CATEGORIES with a comma becomes one category: one CATEGORIES property
//     per category, with commas taken out.
//   - GEO is formatted with %v (1e-05): written here with six fixed decimals.
//   - URL, ORGANIZER, GEO and CN are not validated: cleanURI and cleanParam
//     refuse or clean every CR, LF and other control character.
//   - AddTimezone writes an empty VTIMEZONE: vtimezone writes the rules.
//   - AddEvent adds no DTSTAMP: set from the event's updated_at.
//   - Folding breaks at spaces: the library's folding is switched off and
//     fold does it at exactly 75 octets.

// noFolding stops golang-ical from folding; fold does it afterwards.
const noFolding = ics.WithLineLength(1 << 30)

// EncodeICal writes c as an iCalendar feed: CRLF line endings, lines folded
// at 75 octets, no byte-order mark. Events are written in start order. If the
// feed would be larger than c.MaxBytes, events are left out from the end of
// c.Events (the farthest) until it fits.
func EncodeICal(c Calendar) ([]byte, error) { return capped(c, encodeICal) }

// capped encodes c with as many of its events, nearest first, as fit in
// c.MaxBytes. The usual feed fits at the first try.
func capped(c Calendar, encode func(Calendar, []*turnout.Event) ([]byte, error)) ([]byte, error) {
	n := len(c.Events)
	for {
		body, err := encode(c, c.Events[:n])
		if err != nil || len(body) <= c.maxBytes() || n == 0 {
			return body, err
		}
		// Shrink in proportion to the excess, always by at least one.
		next := int(float64(n) * float64(c.maxBytes()) / float64(len(body)) * 0.98)
		if next >= n {
			next = n - 1
		}
		n = next
	}
}

func encodeICal(c Calendar, events []*turnout.Event) ([]byte, error) {
	cal := ics.NewCalendarFor("Turnout")
	cal.SetProductId(ProductID)
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(cleanText(c.Name))
	cal.SetXWRCalName(cleanText(c.Name))
	if c.Description != "" {
		cal.SetXWRCalDesc(cleanText(c.Description))
	}
	// The library's property name already carries ;VALUE=DURATION.
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")

	ordered := append([]*turnout.Event(nil), events...)
	sort.SliceStable(ordered, func(i, j int) bool {
		a, b := ordered[i], ordered[j]
		if !a.StartsAt.Equal(b.StartsAt) {
			return a.StartsAt.Before(b.StartsAt)
		}
		return a.ID < b.ID
	})
	zones := zoneYears{}
	for _, e := range ordered {
		if loc := e.Location(); !isUTC(loc) {
			zones.add(loc, e.StartsAt, e.EndsAt)
		}
	}
	for _, tz := range zones.timezones() {
		cal.AddVTimezone(tz)
	}
	for _, e := range ordered {
		cal.AddVEvent(vevent(c.BaseURL, e))
	}
	var raw bytes.Buffer
	if err := cal.SerializeTo(&raw, ics.WithNewLineWindows, noFolding); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(raw.Len() + raw.Len()/70*3)
	fold(&out, raw.Bytes())
	return out.Bytes(), nil
}

// vevent builds the VEVENT of one event.
func vevent(base string, e *turnout.Event) *ics.VEvent {
	v := ics.NewEvent(cleanText(e.UID))
	v.SetDtStampTime(e.UpdatedAt)
	v.SetModifiedAt(e.UpdatedAt)
	v.SetCreatedTime(e.CreatedAt)
	v.SetSequence(e.Sequence)
	if e.Cancelled() {
		v.SetStatus(ics.ObjectStatusCancelled)
	} else {
		v.SetStatus(ics.ObjectStatusConfirmed)
	}
	v.SetSummary(cleanText(e.Title))
	setTimes(v, e)
	page := EventURL(base, e)
	v.SetDescription(DescriptionText(e, page))
	if u := cleanURI(page); u != "" {
		v.SetURL(u)
	}
	if place := cleanText(e.Place()); place != "" {
		v.SetLocation(place)
	}
	if geo := geoValue(e.Latitude, e.Longitude); geo != "" {
		v.SetProperty(ics.ComponentPropertyGeo, geo)
	}
	if cat := categoryText(e.Kind); cat != "" {
		v.AddProperty(ics.ComponentPropertyCategories, cat)
	}
	organizer(v, base, e.Group)
	if u := cleanURI(e.OnlineURL); u != "" {
		v.AddProperty(ics.ComponentProperty("CONFERENCE"), u, ics.WithValue(string(ics.ValueDataTypeUri)))
	}
	picture(v, base, e.Image)
	return v
}

// picture adds the event's picture at full size: IMAGE (RFC 7986) for
// clients that show one, and ATTACH with its media type for older ones.
func picture(v *ics.VEvent, base string, im *turnout.Image) {
	if im == nil || len(im.Files) == 0 {
		return
	}
	f := im.Largest()
	u := cleanURI(base + f.Path())
	if u == "" {
		return
	}
	v.AddProperty(ics.ComponentProperty("IMAGE"), u, ics.WithValue(string(ics.ValueDataTypeUri)),
		&ics.KeyValues{Key: "DISPLAY", Value: []string{"BADGE"}}, ics.WithFmtType(f.ContentType))
	v.AddProperty(ics.ComponentPropertyAttach, u, ics.WithFmtType(f.ContentType))
}

// setTimes writes DTSTART and DTEND with TZID in the event's zone, or as UTC
// times when the zone is UTC; never floating.
func setTimes(v *ics.VEvent, e *turnout.Event) {
	loc := e.Location()
	if isUTC(loc) {
		v.SetStartAt(e.StartsAt)
		v.SetEndAt(e.EndsAt)
		return
	}
	tzid := ics.WithTZID(loc.String())
	v.SetProperty(ics.ComponentPropertyDtStart, e.StartsAt.In(loc).Format(localLayout), tzid)
	v.SetProperty(ics.ComponentPropertyDtEnd, e.EndsAt.In(loc).Format(localLayout), tzid)
}

// geoValue formats GEO as "lat;lon" with six fixed decimals (about 0.1 m),
// or "" when the position is unknown or out of range.
func geoValue(lat, lon *float64) string {
	if lat == nil || lon == nil || !(*lat >= -90 && *lat <= 90) || !(*lon >= -180 && *lon <= 180) {
		return ""
	}
	return strconv.FormatFloat(*lat, 'f', 6, 64) + ";" + strconv.FormatFloat(*lon, 'f', 6, 64)
}

// categoryText is one category: golang-ical would escape a comma and so
// merge two categories into one, so commas are taken out.
func categoryText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(cleanText(s), ",", " "))
}

// organizer writes ORGANIZER with the group's name as a quoted CN. The
// address is the group's published contact email, or else its public page:
// never a person's address. golang-ical would backslash-escape the CN rather
// than quote it, so the parameter is written as part of the property name.
func organizer(v *ics.VEvent, base string, g *turnout.Group) {
	if g == nil {
		return
	}
	addr := ""
	if g.ContactEmail != "" {
		addr = cleanURI("mailto:" + g.ContactEmail)
	}
	if addr == "" {
		addr = cleanURI(base + "/groups/" + g.Slug)
	}
	// The value goes through golang-ical's TEXT escaping (the property name
	// is no longer one it knows), which would change these characters.
	if addr == "" || strings.ContainsAny(addr, ",;\\") {
		return
	}
	name := ics.ComponentProperty(string(ics.ComponentPropertyOrganizer) + `;CN="` + cleanParam(g.Name) + `"`)
	v.Properties = append(v.Properties, ics.IANAProperty{BaseProperty: ics.BaseProperty{IANAToken: string(name), Value: addr}})
}

// DescriptionText is the DESCRIPTION of an event: the cancellation and its
// reason, the summary, the description (cut at MaxDescriptionRunes), the
// online link, the event's page and the linked articles, each cleaned.
func DescriptionText(e *turnout.Event, page string) string {
	var parts []string
	add := func(s string) {
		if s = strings.TrimSpace(cleanText(s)); s != "" {
			parts = append(parts, s)
		}
	}
	if e.Cancelled() {
		add(strings.TrimSpace("CANCELLED. " + e.CancelReason))
	}
	add(e.Summary)
	if d, cut := truncateRunes(cleanText(e.Description), MaxDescriptionRunes); cut {
		add(d + "… (continued on the event's page)")
	} else {
		add(d)
	}
	if e.OnlineURL != "" {
		add("Online: " + e.OnlineURL)
	}
	add("Details and RSVP: " + page)
	if len(e.Articles) > 0 {
		lines := []string{"Why we're doing this:"}
		for _, a := range e.Articles {
			line := "- " + a.Title
			if a.Source != "" {
				line += " (" + a.Source + ")"
			}
			lines = append(lines, line+": "+a.URL)
		}
		add(strings.Join(lines, "\n"))
	}
	return strings.Join(parts, "\n\n")
}
