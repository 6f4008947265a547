package web

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// maxArticleRows bounds the article rows read from one form.
const maxArticleRows = turnout.MaxArticles

// eventForm is what the event form shows: the text typed, field by field,
// with the same names as the JSON API.
type eventForm struct {
	Title, Kind, Summary, Description, StartsAt, EndsAt, Timezone string
	Venue, Address, OnlineURL, Accessibility, Capacity, Status    string
	MaxGuests, RSVPClosesAt, EmailConfirmHours                    string
	// The meeting point: who sees it, what the public sees instead,
	// directions, and when the people going see it.
	LocationVisibility, PublicArea, Directions, RevealAt string
	// Offsets ("+01:00") chosen for times in the repeated hour of a clock
	// change, by field name (starts_at, ends_at, rsvp_closes_at).
	Offsets      map[string]string
	RequireEmail bool
	// Notify: email a change of time or place to the people coming.
	Notify bool
	// Reminders: email reminders before the start (TURNOUT_REMINDER_LEAD).
	Reminders bool
	Articles  []articleRow
}

// timeFields are the form's wall-clock fields.
var timeFields = []string{"starts_at", "ends_at", "rsvp_closes_at"}

// wall is the wall-clock text typed in a time field.
func (f eventForm) wall(field string) string {
	switch field {
	case "starts_at":
		return f.StartsAt
	case "ends_at":
		return f.EndsAt
	}
	return f.RSVPClosesAt
}

// ambiguous lists, by field, the choices of each time typed in the repeated
// hour of a clock change in the form's zone.
func (f eventForm) ambiguous(defaultTZ string) map[string][]turnout.WallClockChoice {
	tz := f.Timezone
	if tz == "" {
		tz = defaultTZ
	}
	loc, err := turnout.LoadZone(tz)
	if err != nil {
		return nil
	}
	out := map[string][]turnout.WallClockChoice{}
	for _, field := range timeFields {
		if c := turnout.WallClockChoices(strings.TrimSpace(f.wall(field)), loc); c != nil {
			out[field] = c
		}
	}
	return out
}

// resolved is the time to give the domain for field: the wall-clock text,
// or when it is in a repeated hour and one of its offsets was chosen, the
// same time with that offset.
func (f eventForm) resolved(field string, choices map[string][]turnout.WallClockChoice) string {
	w := strings.TrimSpace(f.wall(field))
	for _, c := range choices[field] {
		if c.Offset == f.Offsets[field] {
			return c.Instant.Format(time.RFC3339)
		}
	}
	return w
}

// articleRow is one linked article in the form; Position orders them.
type articleRow struct {
	URL, Title, Summary, Source, Position string
}

// eventFormOf fills the form from a stored event, times in its own zone.
func eventFormOf(e *turnout.Event) eventForm {
	f := eventForm{Title: e.Title, Kind: e.Kind, Summary: e.Summary, Description: e.Description,
		StartsAt: e.LocalStart().Format(turnout.LocalLayout), EndsAt: e.LocalEnd().Format(turnout.LocalLayout),
		Timezone: e.Timezone, Venue: e.Venue, Address: e.Address, OnlineURL: e.OnlineURL,
		Accessibility: e.Accessibility, RequireEmail: e.RequireEmail, Status: e.Status, Notify: true, Reminders: !e.RemindersOff,
		MaxGuests: strconv.Itoa(e.MaxGuests), EmailConfirmHours: strconv.Itoa(e.EmailConfirmHours), Offsets: map[string]string{}}
	if e.RSVPClosesAt != nil {
		f.RSVPClosesAt = e.RSVPClosesAt.In(e.Location()).Format(turnout.LocalLayout)
	}
	f.LocationVisibility, f.PublicArea, f.Directions = e.LocationVisibility, e.PublicArea, e.Directions
	if e.RevealAt != nil {
		f.RevealAt = e.LocalRevealAt().Format(turnout.LocalLayout)
	}
	// A stored time in a repeated hour keeps its offset, so saving again means the same instant.
	for field, t := range map[string]time.Time{"starts_at": e.StartsAt, "ends_at": e.EndsAt} {
		if turnout.WallClockChoices(t.In(e.Location()).Format(turnout.LocalLayout), e.Location()) != nil {
			f.Offsets[field] = t.In(e.Location()).Format("-07:00")
		}
	}
	if e.RSVPClosesAt != nil {
		if l := e.RSVPClosesAt.In(e.Location()); turnout.WallClockChoices(l.Format(turnout.LocalLayout), e.Location()) != nil {
			f.Offsets["rsvp_closes_at"] = l.Format("-07:00")
		}
	}
	if e.Capacity != nil {
		f.Capacity = strconv.Itoa(*e.Capacity)
	}
	for i, a := range e.Articles {
		f.Articles = append(f.Articles, articleRow{URL: a.URL, Title: a.Title, Summary: a.Summary, Source: a.Source, Position: strconv.Itoa(i + 1)})
	}
	return f
}

// readEventForm reads the posted form. Article rows left without a URL or
// ticked for removal are dropped; the rest are sorted by their position.
func readEventForm(c *fiber.Ctx) eventForm {
	v := func(k string) string { return c.FormValue(k) }
	f := eventForm{Title: v("title"), Kind: v("kind"), Summary: v("summary"), Description: v("description"),
		StartsAt: v("starts_at"), EndsAt: v("ends_at"), Timezone: v("timezone"), Venue: v("venue"),
		Address: v("address"), OnlineURL: v("online_url"), Accessibility: v("accessibility"),
		Capacity: v("capacity"), Status: v("status"), MaxGuests: v("max_guests"), RSVPClosesAt: v("rsvp_closes_at"),
		EmailConfirmHours: v("email_confirm_hours"), Offsets: map[string]string{},
		LocationVisibility: v("location_visibility"), PublicArea: v("public_area"), Directions: v("directions"), RevealAt: v("reveal_at")}
	for _, field := range timeFields {
		if o := v(field + "_offset"); o != "" {
			f.Offsets[field] = o
		}
	}
	switch strings.ToLower(v("require_email")) {
	case "on", "true", "1", "yes":
		f.RequireEmail = true
	}
	// An unticked box is not sent: notify_shown says the box was there.
	f.Notify = v("notify_shown") == "" || v("notify") != ""
	f.Reminders = v("notify_shown") == "" || v("reminders") != ""
	type ranked struct {
		row articleRow
		pos int
	}
	var rows []ranked
	for i := 0; i < maxArticleRows; i++ {
		p := "articles." + strconv.Itoa(i) + "."
		r := articleRow{URL: strings.TrimSpace(v(p + "url")), Title: v(p + "title"), Summary: v(p + "summary"), Source: v(p + "source"), Position: v(p + "position")}
		if r.URL == "" || v(p+"remove") != "" {
			continue
		}
		pos, err := strconv.Atoi(strings.TrimSpace(r.Position))
		if err != nil {
			pos = 1000 + i
		}
		rows = append(rows, ranked{r, pos})
	}
	sort.SliceStable(rows, func(a, b int) bool { return rows[a].pos < rows[b].pos })
	for i, r := range rows {
		r.row.Position = strconv.Itoa(i + 1)
		f.Articles = append(f.Articles, r.row)
	}
	return f
}

// input converts the form to an EventInput. withStatus is false where the
// form has no status choice (a cancelled event). Problems the input type
// cannot carry (a capacity that is not a number) come back as field errors.
func (f eventForm) input(withStatus bool, defaultTZ string) (turnout.EventInput, turnout.FieldErrors) {
	fe := turnout.FieldErrors{}
	choices := f.ambiguous(defaultTZ)
	start, end, closes := f.resolved("starts_at", choices), f.resolved("ends_at", choices), f.resolved("rsvp_closes_at", choices)
	in := turnout.EventInput{Title: &f.Title, Kind: &f.Kind, Summary: &f.Summary, Description: &f.Description,
		StartsAt: &start, EndsAt: &end, Timezone: &f.Timezone, Venue: &f.Venue, Address: &f.Address,
		OnlineURL: &f.OnlineURL, Accessibility: &f.Accessibility, RequireEmail: &f.RequireEmail, Notify: &f.Notify, Reminders: &f.Reminders}
	if withStatus && f.Status != "" {
		in.Status = &f.Status
	}
	in.LocationVisibility, in.PublicArea, in.Directions = &f.LocationVisibility, &f.PublicArea, &f.Directions
	in.RevealAt = turnout.Nullable[string]{Set: true}
	if strings.TrimSpace(f.RevealAt) != "" {
		in.RevealAt.Value = &f.RevealAt
	}
	in.RSVPClosesAt = turnout.Nullable[string]{Set: true}
	if strings.TrimSpace(closes) != "" {
		in.RSVPClosesAt.Value = &closes
	}
	if g := strings.TrimSpace(f.MaxGuests); g != "" {
		n, err := strconv.Atoi(g)
		if err != nil {
			fe.Add("max_guests", "Guests per RSVP must be a whole number from 0 to 50.")
		} else {
			in.MaxGuests = &n
		}
	}
	if h := strings.TrimSpace(f.EmailConfirmHours); h != "" {
		n, err := strconv.Atoi(h)
		if err != nil {
			fe.Add("email_confirm_hours", "Hours to confirm must be a whole number from 1 to "+strconv.Itoa(turnout.MaxEmailConfirmHours)+".")
		} else {
			in.EmailConfirmHours = &n
		}
	}
	in.Capacity = turnout.Nullable[int]{Set: true}
	if c := strings.TrimSpace(f.Capacity); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil {
			fe.Add("capacity", "Capacity must be a whole number, or empty for no limit.")
		} else {
			in.Capacity.Value = &n
		}
	}
	arts := make([]turnout.ArticleInput, 0, len(f.Articles))
	for _, r := range f.Articles {
		arts = append(arts, turnout.ArticleInput{URL: r.URL, Title: r.Title, Summary: r.Summary, Source: r.Source})
	}
	in.Articles = &arts
	return in, fe
}

// validateAll collects every field error at once: those of the form itself
// and those Apply reports, checked on a scratch event.
// A time in the repeated hour of a clock change is asked about beside its
// field, in the form's words rather than the API's.
func validateAll(f eventForm, in turnout.EventInput, fe turnout.FieldErrors, base *turnout.Event, create bool, tz string) error {
	scratch := *base
	if _, err := in.Apply(&scratch, create, tz); err != nil {
		choices := f.ambiguous(tz)
		for k, v := range turnout.ErrorFields(err) {
			if c := choices[k]; len(c) == 2 && f.Offsets[k] != c[0].Offset && f.Offsets[k] != c[1].Offset {
				v = strings.Replace(strings.TrimSpace(f.wall(k)), "T", " ", 1) + " happens twice that night because the clocks go back. Choose " +
					c[0].Label + " or " + c[1].Label + "."
			}
			fe.Add(k, v)
		}
	}
	return fe.Err()
}

// withBlankRow adds an empty article row for linking one more.
func (f eventForm) withBlankRow() eventForm {
	out := f
	out.Articles = append(append([]articleRow{}, f.Articles...), articleRow{Position: strconv.Itoa(len(f.Articles) + 1)})
	return out
}
