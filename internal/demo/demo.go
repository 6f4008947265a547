// Package demo loads a small set of groups, articles and events, written for
// Turnout, into an empty database so that a new instance has something to show.
package demo

import (
	"context"
	"time"

	"github.com/turnout-org/turnout/internal/turnout"
)

// Login is the demo organiser's account, printed by `turnout serve --demo`.
const (
	Email    = "organiser@demo.turnout.test"
	Password = "turnout-demo-organiser"
)

// Store is what loading the demo needs.
type Store interface {
	turnout.AccountService
	turnout.EventService
	turnout.GroupService
}

type group struct {
	slug, name, tz, description, website, contact string
	events                                        []event
}

type event struct {
	title, kind, summary, description string
	inDays                            int    // start date, days from today
	start, end                        string // local wall-clock "15:04"
	venue, address, accessibility     string
	lat, lon                          float64
	capacity                          int
	cancel                            string // cancel with this reason
	articles                          []turnout.ArticleInput
}

// Load creates the demo organiser, groups and events unless the first demo
// group exists already, so running it twice duplicates nothing. It reports
// whether anything was loaded.
func Load(ctx context.Context, st Store, now time.Time) (bool, error) {
	if _, err := st.FindGroupBySlug(ctx, groups[0].slug); err == nil {
		return false, nil
	} else if turnout.ErrorCode(err) != turnout.ENOTFOUND {
		return false, err
	}
	for _, g := range groups {
		if _, err := st.AddOrganiser(ctx, turnout.OrganiserInput{
			Email: Email, Name: "Demo Organiser", GroupSlug: g.slug, GroupName: g.name, Password: Password, Timezone: g.tz,
		}); err != nil {
			return false, err
		}
		grp, err := st.FindGroupBySlug(ctx, g.slug)
		if err != nil {
			return false, err
		}
		if _, err := st.UpdateGroup(ctx, grp.ID, turnout.GroupInput{Description: &g.description, Website: &g.website, ContactEmail: &g.contact}); err != nil {
			return false, err
		}
		if err := loadEvents(ctx, st, grp, g, now); err != nil {
			return false, err
		}
	}
	return true, nil
}

func loadEvents(ctx context.Context, st Store, grp *turnout.Group, g group, now time.Time) error {
	loc, err := turnout.LoadZone(g.tz)
	if err != nil {
		return err
	}
	today := now.In(loc)
	for _, ev := range g.events {
		day := time.Date(today.Year(), today.Month(), today.Day(), 12, 0, 0, 0, loc).AddDate(0, 0, ev.inDays).Format("2006-01-02")
		start, end := day+"T"+ev.start, day+"T"+ev.end
		in := turnout.EventInput{
			Title: &ev.title, Kind: &ev.kind, Summary: &ev.summary, Description: &ev.description,
			StartsAt: &start, EndsAt: &end, Timezone: &g.tz, Venue: &ev.venue, Address: &ev.address,
			Accessibility: &ev.accessibility, Status: ptr(turnout.StatusPublished), Articles: &ev.articles,
		}
		if ev.lat != 0 || ev.lon != 0 {
			in.Latitude, in.Longitude = turnout.Of(ev.lat), turnout.Of(ev.lon)
		}
		if ev.capacity > 0 {
			in.Capacity = turnout.Of(ev.capacity)
		}
		e, err := st.CreateEvent(ctx, grp.ID, in)
		if err != nil {
			return err
		}
		if ev.cancel != "" {
			if _, err := st.CancelEvent(ctx, e.ID, ev.cancel); err != nil {
				return err
			}
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }
