package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// eventFormData is what pages/event_form needs.
func (s *Server) eventFormData(g *turnout.Group, e *turnout.Event, f eventForm, errs map[string]string) fiber.Map {
	if errs == nil {
		errs = map[string]string{}
	}
	data := fiber.Map{"Group": g, "Event": e, "Form": f.withBlankRow(), "Errors": errs,
		"Zones": zoneChoices(f.Timezone), "Kinds": turnout.Kinds, "Title": "New event", "Action": "/groups/" + g.Slug + "/events/new"}
	if e != nil {
		data["Title"] = "Edit " + e.Title
		data["Action"] = "/events/" + e.Slug + "/edit"
	}
	return data
}

// newEventPage is GET /groups/{group}/events/new.
func (s *Server) newEventPage(c *fiber.Ctx) error {
	_, g, _, err := s.memberGroup(c)
	if err != nil {
		return err
	}
	f := eventForm{Timezone: g.Timezone, Kind: turnout.KindProtest, Status: turnout.StatusDraft, Reminders: true}
	return s.render(c, "pages/event_form", s.eventFormData(g, nil, f, nil))
}

// createEvent is POST /groups/{group}/events/new.
func (s *Server) createEvent(c *fiber.Ctx) error {
	_, g, _, err := s.memberGroup(c)
	if err != nil {
		return err
	}
	f := readEventForm(c)
	if c.FormValue("fill") != "" {
		return s.fillArticle(c, g, nil, f)
	}
	in, fe := f.input(true)
	if err := validateAll(in, fe, &turnout.Event{GroupID: g.ID}, true, g.Timezone); err != nil {
		return s.formFailure(c, err, "pages/event_form", s.eventFormData(g, nil, f, nil))
	}
	ctx := c.UserContext()
	e, err := s.store.CreateEvent(ctx, g.ID, in)
	if err != nil {
		return s.formFailure(c, err, "pages/event_form", s.eventFormData(g, nil, f, nil))
	}
	msg := "Saved as a draft. Only your group's organisers can see it until you publish it."
	if e.Status == turnout.StatusPublished {
		msg = "Published. The event is now public."
	}
	return s.redirectFlash(c, "/events/"+e.Slug+"/edit", msg)
}

// editEventPage is GET /events/{slug}/edit.
func (s *Server) editEventPage(c *fiber.Ctx) error {
	_, e, err := s.memberEvent(c)
	if err != nil {
		return err
	}
	return s.render(c, "pages/event_form", s.eventFormData(e.Group, e, eventFormOf(e), nil))
}

// updateEvent is POST /events/{slug}/edit.
func (s *Server) updateEvent(c *fiber.Ctx) error {
	_, e, err := s.memberEvent(c)
	if err != nil {
		return err
	}
	f := readEventForm(c)
	if e.Cancelled() {
		f.Status = e.Status
	}
	if c.FormValue("fill") != "" {
		return s.fillArticle(c, e.Group, e, f)
	}
	in, fe := f.input(!e.Cancelled())
	if err := validateAll(in, fe, e, false, e.Group.Timezone); err != nil {
		return s.formFailure(c, err, "pages/event_form", s.eventFormData(e.Group, e, f, nil))
	}
	ctx := c.UserContext()
	updated, err := s.store.UpdateEvent(ctx, e.ID, in)
	if err != nil {
		return s.formFailure(c, err, "pages/event_form", s.eventFormData(e.Group, e, f, nil))
	}
	return s.redirectFlash(c, "/events/"+updated.Slug+"/edit", "Changes saved.")
}

// fillArticle fetches the page of the article row whose button was pressed
// and fills its empty title, summary and source, then shows the form again
// unsaved. A failed fetch is a message beside the URL, never an error page.
func (s *Server) fillArticle(c *fiber.Ctx, g *turnout.Group, e *turnout.Event, f eventForm) error {
	errs := map[string]string{}
	data := s.eventFormData(g, e, f, errs)
	i, err := strconv.Atoi(c.FormValue("fill"))
	if err != nil || i < 0 || i >= maxArticleRows {
		return s.render(c, "pages/event_form", data)
	}
	url := c.FormValue("articles." + strconv.Itoa(i) + ".url")
	row := -1
	for j, r := range f.Articles {
		if r.URL == url {
			row = j
		}
	}
	if row < 0 {
		return s.render(c, "pages/event_form", data)
	}
	field := "articles." + strconv.Itoa(row) + ".url"
	meta, err := s.fetchPreview(c, url)
	if err != nil {
		errs[field] = turnout.ErrorMessage(err)
		return s.render(c, "pages/event_form", data)
	}
	r := &f.Articles[row]
	r.Title, r.Summary, r.Source = orDefault(r.Title, meta.Title), orDefault(r.Summary, meta.Summary), orDefault(r.Source, meta.Source)
	data = s.eventFormData(g, e, f, errs)
	data["Flash"] = "Filled in from the article's page. Check the text, then save."
	return s.render(c, "pages/event_form", data)
}

func orDefault(v, def string) string {
	if v != "" {
		return v
	}
	return def
}
