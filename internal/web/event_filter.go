package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/turnout-org/turnout/internal/turnout"
)

// listQuery is the filter of the home page and GET /api/v1/events, as typed.
type listQuery struct {
	Group, Kind, From, To, Q, After, Page string
}

// pageSize is how many events a page or API call lists.
const pageSize = 20

func readListQuery(c *fiber.Ctx) listQuery {
	return listQuery{
		Group: strings.TrimSpace(c.Query("group")),
		Kind:  strings.TrimSpace(c.Query("kind")),
		From:  strings.TrimSpace(c.Query("from")),
		To:    strings.TrimSpace(c.Query("to")),
		Q:     strings.TrimSpace(c.Query("q")),
		After: strings.TrimSpace(c.Query("after")),
		Page:  strings.TrimSpace(c.Query("page")),
	}
}

// listEvents reads the list query of the request and finds that page of
// upcoming events, for the home page and the API.
func (s *Server) listEvents(c *fiber.Ctx) (listQuery, []*turnout.Event, bool, error) {
	q := readListQuery(c)
	f, err := q.filter(s.now())
	if err != nil {
		return q, nil, false, err
	}
	ctx := c.UserContext()
	events, more, err := s.store.FindEvents(ctx, f)
	return q, turnout.PublicEvents(events), more, err
}

// filter validates the query and turns it into an EventFilter for upcoming events.
func (q listQuery) filter(now time.Time) (turnout.EventFilter, error) {
	fe := turnout.FieldErrors{}
	f := turnout.EventFilter{EndsAfter: now, Limit: pageSize, Query: q.Q}
	if len(q.Q) > 200 {
		fe.Add("q", "Search for at most 200 characters.")
	}
	fe.CheckText("q", q.Q, 200, false)
	if q.Group != "" {
		if !turnout.ValidSlug(q.Group) {
			fe.Add("group", "Unknown group.")
		}
		f.GroupSlug = q.Group
	}
	for _, k := range strings.Split(q.Kind, ",") {
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		if !turnout.ValidKind(k) {
			fe.Add("kind", "Choose from: "+strings.Join(turnout.Kinds, ", ")+".")
			continue
		}
		f.Kinds = append(f.Kinds, k)
	}
	day := func(field, v string, dst **time.Time, offset time.Duration) {
		if v == "" {
			return
		}
		t, err := time.Parse("2006-01-02", v)
		if err != nil || t.Year() < 1900 || t.Year() > 2200 {
			fe.Add(field, "Enter a date like 2026-03-22.")
			return
		}
		t = t.Add(offset)
		*dst = &t
	}
	day("from", q.From, &f.From, 0)
	day("to", q.To, &f.To, 24*time.Hour) // "to" includes that whole day
	if f.From != nil && f.To != nil && !f.To.After(*f.From) {
		fe.Add("to", "To must be the same day as From or later.")
	}
	if q.After != "" {
		cur, ok := parseCursor(q.After)
		if !ok {
			fe.Add("after", "Invalid page marker.")
		}
		f.After = cur
	}
	if err := fe.Err(); err != nil {
		return f, err
	}
	// Lists go on by "Later events" links, not numbered pages: a page
	// number other than 1 (kept by old links and guesses) is no page at all.
	if q.Page != "" && q.Page != "1" {
		return f, turnout.Errorf(turnout.ENOTFOUND, "There is no such page of events. The list starts on the first page and goes on by its “Later events” link.")
	}
	return f, nil
}

// nextURL is the link to the page after last, keeping the filters.
func (q listQuery) nextURL(path string, last *turnout.Event) string {
	v := url.Values{}
	for k, val := range map[string]string{"group": q.Group, "kind": q.Kind, "from": q.From, "to": q.To, "q": q.Q} {
		if val != "" {
			v.Set(k, val)
		}
	}
	v.Set("after", formatCursor(last))
	return path + "?" + v.Encode()
}

// formatCursor marks the place after e exactly: "SECONDS.ID" for a start on
// a whole second, else "SECONDS.MICROSECONDS.ID" (the store keeps
// microseconds), so that the next page starts after e and never repeats it.
func formatCursor(e *turnout.Event) string {
	t := e.StartsAt.UTC()
	at := strconv.FormatInt(t.Unix(), 10)
	if us := t.Nanosecond() / 1000; us != 0 {
		at += fmt.Sprintf(".%06d", us)
	}
	return at + "." + strconv.FormatInt(e.ID, 10)
}

// parseCursor reads a cursor that formatCursor wrote.
func parseCursor(s string) (*turnout.Cursor, bool) {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, false
	}
	n, err1 := strconv.ParseInt(parts[0], 10, 64)
	i, err2 := strconv.ParseInt(parts[len(parts)-1], 10, 64)
	if err1 != nil || err2 != nil || n < 0 || n > 1<<40 || i < 0 {
		return nil, false
	}
	var us int64
	if len(parts) == 3 {
		var err error
		us, err = strconv.ParseInt(parts[1], 10, 64)
		if err != nil || len(parts[1]) != 6 || us < 0 {
			return nil, false
		}
	}
	return &turnout.Cursor{StartsAt: time.Unix(n, us*1000).UTC(), ID: i}, true
}
