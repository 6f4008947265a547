package feed

import (
	"time"

	"github.com/turnout-org/turnout/internal/turnout"
)

// testBase is the base URL of test feeds.
const testBase = "https://turnout.example"

var (
	groupLeeds = &turnout.Group{ID: 1, Slug: "leeds-climate", Name: `Leeds Climate "Action", Yorkshire; \ Co`, ContactEmail: "hello@leedsclimate.example", Timezone: "Europe/London"}
	groupAkl   = &turnout.Group{ID: 2, Slug: "akl-housing", Name: "Tāmaki Housing Action", Timezone: "Pacific/Auckland"}
	updated    = time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
)

func ptr[T any](v T) *T { return &v }

// londonClockChange starts at 00:30 on Sunday 29 March 2026 and ends at 03:30
// BST, across the hour the clocks skip.
func londonClockChange() *turnout.Event {
	return &turnout.Event{
		ID: 1, UID: "0b6c9f5e-7c1d-4a53-9d43-6f1d3c2a9e01", GroupID: 1, Group: groupLeeds, Slug: "night-vigil-2026-03-29",
		Title: "Night vigil, for the river; \\ \"all\" welcome 🌊", Kind: turnout.KindVigil,
		Summary:     "Bring a candle.\nWe walk at dawn.",
		Description: "## Plan\r\nMeet at the bridge, then walk; slowly.\rBare CR above.",
		StartsAt:    time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC), EndsAt: time.Date(2026, 3, 29, 2, 30, 0, 0, time.UTC),
		Timezone: "Europe/London", Venue: "Leeds Bridge", Address: "Bridge End, Leeds LS1 4DJ",
		Latitude: ptr(53.7943), Longitude: ptr(-1.5414), Status: turnout.StatusPublished, Sequence: 2,
		CreatedAt: updated.Add(-48 * time.Hour), UpdatedAt: updated,
		Articles: []*turnout.Article{{URL: "https://news.example/river", Title: "The river, poisoned", Source: "Yorkshire Post"}},
	}
}

// aucklandMarch is in New Zealand's summer time, which ends on 5 April 2026.
func aucklandMarch() *turnout.Event {
	return &turnout.Event{
		ID: 2, UID: "4d0a5d3e-1f6b-4c1e-8a55-2b7f3e9c0d02", GroupID: 2, Group: groupAkl, Slug: "housing-march-2026-04-04",
		Title: "Housing march", Kind: turnout.KindMarch, Summary: "Homes for all.",
		StartsAt: time.Date(2026, 4, 3, 23, 0, 0, 0, time.UTC), EndsAt: time.Date(2026, 4, 4, 2, 0, 0, 0, time.UTC),
		Timezone: "Pacific/Auckland", Venue: "Aotea Square", Latitude: ptr(-36.85), Longitude: ptr(174.76),
		OnlineURL: "https://stream.example/live?a=1&b=2", Status: turnout.StatusPublished,
		CreatedAt: updated, UpdatedAt: updated.Add(time.Hour),
	}
}

// cancelledUTC is a cancelled meeting in UTC with a tiny longitude that %v would print as 1e-05.
func cancelledUTC() *turnout.Event {
	return &turnout.Event{
		ID: 3, UID: "9e8d7c6b-5a49-4382-9170-6f5e4d3c2b03", GroupID: 1, Group: groupLeeds, Slug: "online-meeting-2026-05-01",
		Title: "Online meeting", Kind: turnout.KindMeeting,
		StartsAt: time.Date(2026, 5, 1, 18, 0, 0, 0, time.UTC), EndsAt: time.Date(2026, 5, 1, 19, 0, 0, 0, time.UTC),
		Timezone: "UTC", Latitude: ptr(51.4779), Longitude: ptr(0.00001),
		Status: turnout.StatusCancelled, CancelReason: "Venue withdrew, sorry.", Sequence: 1,
		CreatedAt: updated, UpdatedAt: updated.Add(2 * time.Hour),
	}
}

// testCalendar is a feed of the three fixture events, nearest first.
func testCalendar() Calendar {
	return Calendar{
		Name: "Leeds Climate Action", Description: "Events by Leeds Climate Action, on Turnout.",
		BaseURL: testBase, SelfURL: testBase + "/events.atom",
		Events: []*turnout.Event{londonClockChange(), aucklandMarch(), cancelledUTC()},
	}
}
