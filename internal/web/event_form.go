package web

import (
	"sort"
	"strconv"
	"strings"

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
	RequireEmail                                                  bool
	Articles                                                      []articleRow
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
		Accessibility: e.Accessibility, RequireEmail: e.RequireEmail, Status: e.Status}
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
		Capacity: v("capacity"), Status: v("status")}
	switch strings.ToLower(v("require_email")) {
	case "on", "true", "1", "yes":
		f.RequireEmail = true
	}
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
func (f eventForm) input(withStatus bool) (turnout.EventInput, turnout.FieldErrors) {
	fe := turnout.FieldErrors{}
	in := turnout.EventInput{Title: &f.Title, Kind: &f.Kind, Summary: &f.Summary, Description: &f.Description,
		StartsAt: &f.StartsAt, EndsAt: &f.EndsAt, Timezone: &f.Timezone, Venue: &f.Venue, Address: &f.Address,
		OnlineURL: &f.OnlineURL, Accessibility: &f.Accessibility, RequireEmail: &f.RequireEmail}
	if withStatus {
		in.Status = &f.Status
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
func validateAll(in turnout.EventInput, fe turnout.FieldErrors, base *turnout.Event, create bool, tz string) error {
	scratch := *base
	if _, err := in.Apply(&scratch, create, tz); err != nil {
		for k, v := range turnout.ErrorFields(err) {
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
