package feed

import (
	"bytes"
	"html"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/feeds"

	"github.com/turnout-org/turnout/internal/markdown"
	"github.com/turnout-org/turnout/internal/turnout"
)

// EncodeAtom writes c as an Atom feed, one entry per event in start order,
// identified by the event's UID so that readers never show an event twice.
// The bytes depend only on c: the feed's updated time is the latest of
// c.Updated and the events' updated_at.
//
// Like EncodeICal, it leaves out the farthest events to stay under c.MaxBytes.
func EncodeAtom(c Calendar) ([]byte, error) { return capped(c, encodeAtom) }

func encodeAtom(c Calendar, kept []*turnout.Event) ([]byte, error) {
	events := append([]*turnout.Event(nil), kept...)
	sort.SliceStable(events, func(i, j int) bool {
		if !events[i].StartsAt.Equal(events[j].StartsAt) {
			return events[i].StartsAt.Before(events[j].StartsAt)
		}
		return events[i].ID < events[j].ID
	})
	updated := c.Updated.UTC()
	f := &feeds.Feed{
		Title:       cleanXML(c.Name),
		Description: cleanXML(c.Description),
		Link:        &feeds.Link{Href: c.SelfURL, Rel: "self"},
	}
	for _, e := range events {
		if e.UpdatedAt.After(updated) {
			updated = e.UpdatedAt.UTC()
		}
		f.Items = append(f.Items, atomItem(c.BaseURL, e))
	}
	if updated.IsZero() {
		updated = time.Unix(0, 0).UTC()
	}
	f.Updated = updated
	var out bytes.Buffer
	if err := f.WriteAtom(&out); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func atomItem(base string, e *turnout.Event) *feeds.Item {
	e = e.Public() // Atom is public: a hidden meeting point shows as its area
	title := e.Title
	if e.Cancelled() {
		title = "Cancelled: " + title
	}
	var when strings.Builder
	when.WriteString("<p>" + html.EscapeString(e.LocalStart().Format("Monday 2 January 2006, 15:04 MST")))
	if p := e.Place(); p != "" {
		when.WriteString(" · " + html.EscapeString(cleanXML(p)))
	}
	when.WriteString("</p>")
	if e.Cancelled() {
		when.WriteString("<p><strong>Cancelled.</strong> " + html.EscapeString(cleanXML(e.CancelReason)) + "</p>")
	}
	if e.Summary != "" {
		when.WriteString("<p>" + html.EscapeString(cleanXML(e.Summary)) + "</p>")
	}
	desc, _ := truncateRunes(cleanXML(e.Description), MaxDescriptionRunes)
	var enclosure *feeds.Enclosure
	if im := e.Image; im != nil && len(im.Files) > 0 {
		f := im.Largest()
		enclosure = &feeds.Enclosure{Url: base + f.Path(), Length: strconv.Itoa(f.Bytes), Type: f.ContentType}
	}
	return &feeds.Item{
		Enclosure:   enclosure,
		Id:          "urn:uuid:" + e.UID,
		Title:       cleanXML(title),
		Link:        &feeds.Link{Href: EventURL(base, e)},
		Description: when.String(),
		Content:     when.String() + string(markdown.ToHTML(desc)),
		Updated:     e.UpdatedAt.UTC(),
		Created:     e.CreatedAt.UTC(),
	}
}

// cleanXML drops what XML 1.0 cannot carry: invalid UTF-8 and control
// characters other than tab and line feed.
func cleanXML(s string) string { return cleanText(s) }
