package web

import (
	"encoding/json"
	"html/template"
	"strings"
	"time"

	"github.com/turnout-org/turnout/internal/turnout"
)

// siteName is og:site_name on every page.
const siteName = "Turnout"

// ogLocale is og:locale: the pages are written in British English.
const ogLocale = "en_GB"

// linkPreview is what chat apps, Mastodon and search engines read from a
// page's head: a canonical link, OpenGraph and Twitter card tags. Only
// public fields go in it.
type linkPreview struct {
	Type        string // og:type: website, article
	Title       string
	Description string
	URL         string // absolute, canonical
	Image       *previewImage
	SiteName    string
	Locale      string
}

// previewImage is og:image with its size and alt text.
type previewImage struct {
	URL           string
	Alt           string
	Width, Height int
}

func (s *Server) previewImage(im *turnout.Image) *previewImage {
	if im == nil || len(im.Files) == 0 {
		return nil
	}
	// 1024 wide where stored: large enough for a card, small enough for
	// chat apps that refuse big files.
	f := im.Largest()
	for _, cand := range im.Files {
		if cand.Width <= 1024 {
			f = cand
		}
	}
	return &previewImage{URL: s.cfg.BaseURL + f.Path(), Alt: im.Alt, Width: f.Width, Height: f.Height}
}

// eventPreview is the link preview of a listed event's page.
func (s *Server) eventPreview(e *turnout.Event) *linkPreview {
	desc := e.Summary
	if desc == "" {
		desc = whenWhere(e)
	}
	title := e.Title
	if e.Cancelled() {
		title = "Cancelled: " + title
	}
	return &linkPreview{Type: "website", Title: title, Description: desc, URL: s.cfg.BaseURL + "/events/" + e.Slug,
		Image: s.previewImage(e.Image), SiteName: siteName, Locale: ogLocale}
}

// whenWhere is a one-line description of an event without a summary.
func whenWhere(e *turnout.Event) string {
	out := e.LocalStart().Format("Monday 2 January 2006, 15:04")
	if p := e.Place(); p != "" {
		out += " · " + p
	}
	return out
}

// groupPreview is the link preview of a group's page.
func (s *Server) groupPreview(g *turnout.Group, desc string) *linkPreview {
	return &linkPreview{Type: "website", Title: g.Name, Description: desc, URL: s.cfg.BaseURL + "/groups/" + g.Slug,
		Image: s.previewImage(g.Image), SiteName: siteName, Locale: ogLocale}
}

// articlePreview is the link preview of an article's page on Turnout.
func (s *Server) articlePreview(a *turnout.Article) *linkPreview {
	return &linkPreview{Type: "article", Title: a.Title, Description: a.Summary, URL: s.cfg.BaseURL + "/articles/" + a.PublicID,
		SiteName: siteName, Locale: ogLocale}
}

// eventJSONLD is the schema.org Event of an event page, for search
// engines. It carries only what the page shows the public.
func (s *Server) eventJSONLD(e *turnout.Event) template.JS {
	page := s.cfg.BaseURL + "/events/" + e.Slug
	ld := map[string]any{
		"@context":    "https://schema.org",
		"@type":       "Event",
		"name":        e.Title,
		"url":         page,
		"startDate":   e.LocalStart().Format(time.RFC3339),
		"endDate":     e.LocalEnd().Format(time.RFC3339),
		"eventStatus": "https://schema.org/EventScheduled",
	}
	if e.Cancelled() {
		ld["eventStatus"] = "https://schema.org/EventCancelled"
	}
	if d := e.Summary; d != "" {
		ld["description"] = d
	}
	var places []any
	if e.Place() != "" {
		place := map[string]any{"@type": "Place", "name": e.Place()}
		if e.Venue != "" {
			place["name"] = e.Venue
		}
		if e.Address != "" {
			place["address"] = map[string]any{"@type": "PostalAddress", "streetAddress": e.Address}
		}
		if e.Latitude != nil && e.Longitude != nil {
			place["geo"] = map[string]any{"@type": "GeoCoordinates", "latitude": *e.Latitude, "longitude": *e.Longitude}
		}
		places = append(places, place)
	}
	if e.OnlineURL != "" {
		places = append(places, map[string]any{"@type": "VirtualLocation", "url": e.OnlineURL})
	}
	switch {
	case len(places) == 2:
		ld["eventAttendanceMode"] = "https://schema.org/MixedEventAttendanceMode"
		ld["location"] = places
	case len(places) == 1 && e.Place() == "":
		ld["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
		ld["location"] = places[0]
	case len(places) == 1:
		ld["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
		ld["location"] = places[0]
	}
	if g := e.Group; g != nil {
		org := map[string]any{"@type": "Organization", "name": g.Name, "url": s.cfg.BaseURL + "/groups/" + g.Slug}
		ld["organizer"] = org
	}
	if im := e.Image; im != nil && len(im.Files) > 0 {
		urls := make([]string, 0, len(im.Files))
		for i := len(im.Files) - 1; i >= 0; i-- {
			urls = append(urls, s.cfg.BaseURL+im.Files[i].Path())
		}
		ld["image"] = urls
	}
	b, err := json.Marshal(ld) // escapes <, > and &: safe inside a script element
	if err != nil {
		return ""
	}
	return template.JS(b) //nolint:gosec // JSON from encoding/json, HTML-escaped
}

// groupSummary is a group's description cut to a preview's length, or a
// line naming it.
func groupSummary(g *turnout.Group) string {
	d := strings.Join(strings.Fields(g.Description), " ")
	if d == "" {
		return "Upcoming events by " + g.Name + "."
	}
	if r := []rune(d); len(r) > 200 {
		d = strings.TrimSpace(string(r[:199])) + "…"
	}
	return d
}
