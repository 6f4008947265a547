package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// apiEvent is the public JSON form of an event: counts, never attendees.
type apiEvent struct {
	Slug          string   `json:"slug"`
	URL           string   `json:"url"`
	ICSURL        string   `json:"ics_url"`
	Title         string   `json:"title"`
	Kind          string   `json:"kind"`
	Summary       string   `json:"summary"`
	Description   string   `json:"description"`
	StartsAt      string   `json:"starts_at"`
	EndsAt        string   `json:"ends_at"`
	Timezone      string   `json:"timezone"`
	Venue         string   `json:"venue"`
	Address       string   `json:"address"`
	Latitude      *float64 `json:"latitude"`
	Longitude     *float64 `json:"longitude"`
	OnlineURL     string   `json:"online_url"`
	Accessibility string   `json:"accessibility"`
	// LocationVisibility says who sees venue, address, coordinates, online
	// link and directions: public, or going (people going, from
	// reveal_at). While hidden from the caller those are empty and
	// public_area says roughly where.
	LocationVisibility string  `json:"location_visibility"`
	PublicArea         string  `json:"public_area"`
	Directions         string  `json:"directions"`
	RevealAt           *string `json:"reveal_at"`
	Capacity           *int    `json:"capacity"`
	MaxGuests          int     `json:"max_guests"`
	RequireEmail       bool    `json:"require_email"`
	// EmailConfirmHours is how long a supporter has to confirm a required
	// email (email on) before the RSVP is released.
	EmailConfirmHours int          `json:"email_confirm_hours"`
	Reminders         bool         `json:"reminders"`
	RSVPClosesAt      *string      `json:"rsvp_closes_at"`
	Status            string       `json:"status"`
	CancelReason      string       `json:"cancel_reason,omitempty"`
	Sequence          int          `json:"sequence"`
	Going             int          `json:"going"`
	SpotsLeft         *int         `json:"spots_left"`
	Group             *apiGroup    `json:"group,omitempty"`
	Articles          []apiArticle `json:"articles,omitempty"`
	Image             *apiImage    `json:"image"`
	UpdatedAt         string       `json:"updated_at"`
}

type apiGroup struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

type apiArticle struct {
	URL     string `json:"url"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Source  string `json:"source"`
}

// toAPIEvent converts an event for JSON; times carry the event zone's offset.
func (s *Server) toAPIEvent(e *turnout.Event) apiEvent {
	loc := e.Location()
	out := apiEvent{
		Slug: e.Slug, URL: s.cfg.BaseURL + "/events/" + e.Slug, ICSURL: s.cfg.BaseURL + "/events/" + e.Slug + ".ics",
		Title: e.Title, Kind: e.Kind, Summary: e.Summary, Description: e.Description,
		StartsAt: e.StartsAt.In(loc).Format(time.RFC3339), EndsAt: e.EndsAt.In(loc).Format(time.RFC3339),
		Timezone: e.Timezone, Venue: e.Venue, Address: e.Address, Latitude: e.Latitude, Longitude: e.Longitude,
		OnlineURL: e.OnlineURL, Accessibility: e.Accessibility, Capacity: e.Capacity, MaxGuests: e.MaxGuests,
		RequireEmail: e.RequireEmail, EmailConfirmHours: e.EmailConfirmHours, Reminders: !e.RemindersOff, Status: e.Status, CancelReason: e.CancelReason, Sequence: e.Sequence,
		Going: e.GoingCount, SpotsLeft: e.SpotsLeft(), UpdatedAt: e.UpdatedAt.UTC().Format(time.RFC3339),
		Image: s.toAPIImage(e.Image),
	}
	if e.RSVPClosesAt != nil {
		v := e.RSVPClosesAt.In(loc).Format(time.RFC3339)
		out.RSVPClosesAt = &v
	}
	out.LocationVisibility, out.PublicArea, out.Directions = e.LocationVisibility, e.PublicArea, e.Directions
	if out.LocationVisibility == "" {
		out.LocationVisibility = turnout.PointPublic
	}
	if e.PointWithheld {
		out.Venue = "" // Public put the area there for pages and feeds
	}
	if e.RevealAt != nil {
		v := e.RevealAt.In(loc).Format(time.RFC3339)
		out.RevealAt = &v
	}
	if e.Group != nil {
		out.Group = &apiGroup{Slug: e.Group.Slug, Name: e.Group.Name, URL: s.cfg.BaseURL + "/groups/" + e.Group.Slug}
	}
	for _, a := range e.Articles {
		out.Articles = append(out.Articles, apiArticle{URL: a.URL, Title: a.Title, Summary: a.Summary, Source: a.Source})
	}
	return out
}

// apiListEvents is GET /api/v1/events.
func (s *Server) apiListEvents(c *fiber.Ctx) error {
	q, events, more, err := s.listEvents(c)
	if err != nil {
		return err
	}
	out := make([]apiEvent, 0, len(events))
	for _, e := range events {
		out = append(out, s.toAPIEvent(e))
	}
	var next *string
	if more {
		u := s.cfg.BaseURL + q.nextURL("/api/v1/events", events[len(events)-1])
		next = &u
	}
	return c.JSON(apiEventList{Events: out, Next: next})
}

// apiShowEvent is GET /api/v1/events/{slug}.
func (s *Server) apiShowEvent(c *fiber.Ctx) error {
	ctx := c.UserContext()
	e, err := s.store.FindEventBySlug(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	if !e.Listed() {
		return s.apiShowDraft(c, e)
	}
	showsScopes(c, time.Time{}, eventScope(e.ID))
	return c.JSON(s.toAPIEvent(e.Public()))
}
