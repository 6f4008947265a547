// Package gen fills an empty, migrated Turnout database with groups, events,
// articles and RSVPs at a chosen scale, fast: COPY on Postgres, batched
// multi-row inserts in transactions on SQLite. Rows are deterministic for a
// given scale and clock, valid for the real schema (constraints, unique keys,
// going_count equal to the people going) and shaped like a busy instance:
// most events in the past, the rest upcoming over the next year.
package gen

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Well-known slugs the load scenarios use.
const (
	// FeedGroup is the group whose feed has exactly Scale.FeedEvents events, all upcoming.
	FeedGroup = "bench-feed"
	// HotEvent is an upcoming published event of FeedGroup with articles and RSVPs:
	// the event page and API scenarios read it.
	HotEvent = "bench-hot-event"
	// RSVPGroup owns the events of the RSVP scenario.
	RSVPGroup = "bench-rsvp"
	// RSVPEventPrefix starts the slugs of the RSVP scenario's events: bench-rsvp-001 ...
	RSVPEventPrefix = "bench-rsvp-"
	// LargeFactor sizes the even-numbered RSVP events, which stay open during a
	// load, so that most RSVPs take the "going" path rather than the waitlist.
	LargeFactor = 50
)

// Scale says how much data to generate.
type Scale struct {
	Name           string // label in reports: 1k, 100k, smoke
	Events         int    // events in total, every group included
	RSVPs          int    // RSVPs in total
	EventsPerGroup int    // events of each ordinary group
	FeedEvents     int    // events of FeedGroup
	RSVPEvents     int    // events of RSVPGroup: upcoming, empty, with capacity
	RSVPCapacity   int    // capacity of the odd-numbered RSVPGroup events, which fill up; the even ones hold LargeFactor times more
	Articles       int    // distinct article pages the events link
}

// Scales known by name.
var (
	Smoke = Scale{Name: "smoke", Events: 120, RSVPs: 600, EventsPerGroup: 40, FeedEvents: 20, RSVPEvents: 10, RSVPCapacity: 30, Articles: 10}
	Small = Scale{Name: "1k", Events: 1000, RSVPs: 10000, EventsPerGroup: 200, FeedEvents: 200, RSVPEvents: 20, RSVPCapacity: 100, Articles: 50}
	Large = Scale{Name: "100k", Events: 100000, RSVPs: 1000000, EventsPerGroup: 200, FeedEvents: 200, RSVPEvents: 20, RSVPCapacity: 100, Articles: 500}
)

// ScaleByName returns Smoke, Small (1k) or Large (100k).
func ScaleByName(name string) (Scale, error) {
	for _, s := range []Scale{Smoke, Small, Large} {
		if s.Name == name {
			return s, nil
		}
	}
	return Scale{}, fmt.Errorf("unknown scale %q: want smoke, 1k or 100k", name)
}

// plan decides every row from the scale and the clock, so that both dialects
// write the same data and each row can be computed on its own while streaming.
type plan struct {
	Scale
	now    time.Time
	groups int // ordinary groups, after FeedGroup and RSVPGroup
	// eligible lists the event indexes that receive generated RSVPs.
	eligible []int
	going    []int  // people going, per event index
	waitlist []bool // whether the event has waitlisted RSVPs (then it is full)
}

var (
	timezones = []string{"Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York", "Europe/Madrid", "America/Chicago"}
	kinds     = []string{"protest", "march", "rally", "die-in", "vigil", "picket", "meeting", "other"}
	causes    = []string{"refugee solidarity", "fair rent", "climate justice", "migrant workers' rights", "an end to racist policing",
		"safe routes to school", "the library's future", "nurses' pay", "clean air", "the right to protest"}
	places = []string{"Central Station concourse", "Town Hall steps", "Riverside Park bandstand", "Union hall, 12 Mill Lane",
		"Market Square", "The old bus depot", "St Anne's community centre", "Harbour front"}
)

func newPlan(s Scale, now time.Time) (*plan, error) {
	fixed := s.FeedEvents + s.RSVPEvents
	if s.Events <= fixed || s.EventsPerGroup <= 0 || s.FeedEvents < 1 || s.RSVPEvents < 1 || s.RSVPCapacity < 1 {
		return nil, fmt.Errorf("scale %q: need more events than the feed and RSVP groups hold, and positive sizes", s.Name)
	}
	p := &plan{Scale: s, now: now.UTC().Truncate(time.Second)}
	p.groups = (s.Events - fixed + s.EventsPerGroup - 1) / s.EventsPerGroup
	p.going = make([]int, s.Events)
	p.waitlist = make([]bool, s.Events)
	for i := 0; i < s.Events; i++ {
		if !p.isRSVPTarget(i) && p.status(i) != "draft" {
			p.eligible = append(p.eligible, i)
		}
	}
	if len(p.eligible) == 0 {
		return nil, fmt.Errorf("scale %q: no event can take RSVPs", s.Name)
	}
	for j := 0; j < s.RSVPs; j++ {
		e := p.rsvpEvent(j)
		switch st, guests := p.rsvpStatus(j); st {
		case "going":
			p.going[e] += 1 + guests
		case "waitlisted":
			p.waitlist[e] = true
		}
	}
	return p, nil
}

// Event indexes: [0, FeedEvents) belong to FeedGroup (index 0 is HotEvent),
// then RSVPEvents of RSVPGroup, then the ordinary groups' events.
func (p *plan) isRSVPTarget(i int) bool { return i >= p.FeedEvents && i < p.FeedEvents+p.RSVPEvents }

// Group ids: 1 is FeedGroup, 2 is RSVPGroup, 3.. are ordinary groups.
func (p *plan) groupCount() int { return p.groups + 2 }

func (p *plan) groupOf(i int) int64 {
	switch {
	case i < p.FeedEvents:
		return 1
	case p.isRSVPTarget(i):
		return 2
	}
	return int64(3 + (i-p.FeedEvents-p.RSVPEvents)/p.EventsPerGroup)
}

func (p *plan) groupSlug(id int64) string {
	switch id {
	case 1:
		return FeedGroup
	case 2:
		return RSVPGroup
	}
	return fmt.Sprintf("group-%05d", id-2)
}

func (p *plan) slug(i int) string {
	switch {
	case i == 0:
		return HotEvent
	case i < p.FeedEvents:
		return fmt.Sprintf("bench-feed-%03d", i)
	case p.isRSVPTarget(i):
		return fmt.Sprintf("%s%03d", RSVPEventPrefix, i-p.FeedEvents+1)
	}
	return fmt.Sprintf("event-%07d", i)
}

// start spreads ordinary events from two years ago to a year ahead; the feed
// and RSVP groups' events are all upcoming.
func (p *plan) start(i int) time.Time {
	day := 24 * time.Hour
	var t time.Time
	switch {
	case i < p.FeedEvents+p.RSVPEvents:
		t = p.now.Add(time.Duration(i+1) * day)
	default:
		span := 3 * 365 * day
		// A multiplicative hash scatters start times without a random source.
		frac := float64(uint32(i)*2654435761) / float64(1<<32)
		t = p.now.Add(-2*365*day + time.Duration(frac*float64(span)))
	}
	return t.Truncate(15 * time.Minute).Add(time.Duration(i%60) * time.Second)
}

func (p *plan) status(i int) string {
	if p.isRSVPTarget(i) {
		return "published"
	}
	if i < p.FeedEvents {
		if i > 0 && i%25 == 7 {
			return "cancelled"
		}
		return "published"
	}
	switch i % 50 {
	case 3:
		return "draft"
	case 11:
		return "cancelled"
	}
	return "published"
}

// hasCapacity: the RSVP targets, the hot event and two events in five.
func (p *plan) hasCapacity(i int) bool { return p.isRSVPTarget(i) || i == 0 || i%5 < 2 }

func (p *plan) capacity(i int) any {
	switch {
	case p.isRSVPTarget(i):
		return p.RSVPTargetCapacity(i - p.FeedEvents + 1)
	case !p.hasCapacity(i):
		return nil
	case p.waitlist[i]:
		return max(p.going[i], 1) // full: that is why people wait
	}
	return p.going[i] + 20
}

// RSVPTargetCapacity is the capacity of RSVP event number k (1-based):
// RSVPCapacity when k is odd, LargeFactor times that when k is even.
func (s Scale) RSVPTargetCapacity(k int) int {
	if k%2 == 0 {
		return s.RSVPCapacity * LargeFactor
	}
	return s.RSVPCapacity
}

// rsvpEvent assigns RSVP j to an eligible event, round robin.
func (p *plan) rsvpEvent(j int) int { return p.eligible[j%len(p.eligible)] }

// rsvpStatus: mostly going, some maybe or not going; waitlisted only where
// the event has a capacity.
func (p *plan) rsvpStatus(j int) (string, int) {
	guests := 0
	if j%4 == 0 {
		guests = 1 + j%3
	}
	switch j % 20 {
	case 0, 1, 2:
		return "maybe", 0
	case 3, 4:
		return "not_going", 0
	case 5:
		if p.hasCapacity(p.rsvpEvent(j)) {
			return "waitlisted", guests
		}
	}
	return "going", guests
}

func (p *plan) title(i int) string {
	k := kinds[i%len(kinds)]
	label := strings.ToUpper(k[:1]) + k[1:]
	return fmt.Sprintf("%s for %s #%d", label, causes[i%len(causes)], i)
}

func (p *plan) summary(i int) string {
	return fmt.Sprintf("Join us at %s to stand up for %s. Bring friends, banners and warm clothes; stewards will be on hand.",
		places[i%len(places)], causes[i%len(causes)])
}

func (p *plan) description(i int) string {
	cause := causes[i%len(causes)]
	return fmt.Sprintf(`We are gathering for **%[1]s**. Decisions made this year will shape our city for a decade, and the people affected were not asked.

## Plan for the day

- Meet at %[2]s fifteen minutes before the start.
- Short speeches from local organisers, then a walk along the agreed route.
- Stewards wear orange armbands; ask them anything.

## Why now

Read the [open letter](https://example.org/letters/%[3]d) and our [briefing](https://example.org/briefings/%[3]d) for the background.
Everyone is welcome: families, neighbours, first-timers. The route is step-free.`, cause, places[i%len(places)], i)
}

func tokenHash(j int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("bench-rsvp-%d", j)))
	return hex.EncodeToString(sum[:])
}

func uid(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", i+1, i+1) }
