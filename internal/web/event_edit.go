package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// eventFormData is what pages/event_form needs.
func (s *Server) eventFormData(g *turnout.Group, e *turnout.Event, f eventForm, errs map[string]string) fiber.Map {
	if errs == nil {
		errs = map[string]string{}
	}
	data := fiber.Map{"Group": g, "Event": e, "Form": f.withBlankRow(), "Errors": errs,
		"Choices": f.ambiguous(g.Timezone), "Kinds": turnout.Kinds, "Title": "New event", "Action": "/groups/" + g.Slug + "/events/new"}
	zoneSelect(data, g.Timezone, f.Timezone)
	data["Wide"] = true
	data["DefaultMaxGuests"] = turnout.DefaultMaxGuests
	choices := data["Choices"].(map[string][]turnout.WallClockChoice)
	tc := map[string]timeChoice{}
	for field, c := range choices {
		wall, _ := time.Parse(turnout.LocalLayout, strings.TrimSpace(f.wall(field)))
		tc[field] = timeChoice{Field: field, Choices: c, Chosen: f.Offsets[field],
			Question: "Which " + wall.Format("15:04") + " on " + wall.Format("2 January 2006") + "?"}
	}
	data["TimeChoices"] = tc
	if e != nil {
		data["Title"] = "Edit " + e.Title
		data["Action"] = "/events/" + e.Slug + "/edit"
	}
	return data
}

// timeChoice is the question beside a time in the repeated hour of a clock
// change: which of its instants is meant.
type timeChoice struct {
	Field, Question, Chosen string
	Choices                 []turnout.WallClockChoice
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
	action := c.FormValue("action")
	switch {
	case action == "publish":
		f.Status = turnout.StatusPublished
	case f.Status == "":
		f.Status = turnout.StatusDraft
	}
	in, fe := f.input(true, g.Timezone)
	if err := validateAll(f, in, fe, &turnout.Event{GroupID: g.ID}, true, g.Timezone); err != nil {
		return s.formFailure(c, err, "pages/event_form", s.eventFormData(g, nil, f, nil))
	}
	ctx := c.UserContext()
	e, err := s.store.CreateEvent(ctx, g.ID, in)
	if err != nil {
		return s.formFailure(c, err, "pages/event_form", s.eventFormData(g, nil, f, nil))
	}
	return s.afterSave(c, e, action, "", "Saved as a draft. Only your group's organisers can see it until you publish it.")
}

// afterSave answers a saved event form: the button "preview" opens the
// preview; otherwise back to the form, saying what happened to the status
// (before is the status before saving, "" for a new event), else saved.
func (s *Server) afterSave(c *fiber.Ctx, e *turnout.Event, action, before, saved string) error {
	switch {
	case action == "preview":
		return s.redirectFlash(c, "/events/"+e.Slug+"/preview", "Saved.")
	case e.Status == turnout.StatusPublished && before != turnout.StatusPublished:
		return s.redirectFlash(c, "/events/"+e.Slug+"/edit", "Published. The event is now public.")
	case e.Status == turnout.StatusDraft && before == turnout.StatusPublished:
		return s.redirectFlash(c, "/events/"+e.Slug+"/edit", "Back to draft. The event is hidden from the public.")
	}
	return s.redirectFlash(c, "/events/"+e.Slug+"/edit", saved)
}

// editEventPage is GET /events/{slug}/edit.
func (s *Server) editEventPage(c *fiber.Ctx) error {
	_, e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	return s.render(c, "pages/event_form", s.eventFormData(e.Group, e, eventFormOf(e), nil))
}

// updateEvent is POST /events/{slug}/edit.
func (s *Server) updateEvent(c *fiber.Ctx) error {
	_, e, err := s.pageEvent(c)
	if err != nil {
		return err
	}
	f := readEventForm(c)
	// The buttons say what happens to the status; a form without them (or
	// an older page) may still send a status field.
	action := c.FormValue("action")
	switch {
	case e.Cancelled():
		f.Status = e.Status
	case action == "publish":
		f.Status = turnout.StatusPublished
	case action == "unpublish":
		f.Status = turnout.StatusDraft
	case f.Status == "":
		f.Status = e.Status
	}
	if c.FormValue("fill") != "" {
		return s.fillArticle(c, e.Group, e, f)
	}
	in, fe := f.input(!e.Cancelled(), e.Group.Timezone)
	if err := validateAll(f, in, fe, e, false, e.Group.Timezone); err != nil {
		return s.formFailure(c, err, "pages/event_form", s.eventFormData(e.Group, e, f, nil))
	}
	ctx := c.UserContext()
	updated, err := s.store.UpdateEvent(ctx, e.ID, in)
	if err != nil {
		return s.formFailure(c, err, "pages/event_form", s.eventFormData(e.Group, e, f, nil))
	}
	return s.afterSave(c, updated, action, e.Status, "Changes saved.")
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
