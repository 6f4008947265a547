package gen

import (
	"fmt"
	"strconv"
	"time"
)

// table is one table's columns and a function computing row k of n.
type table struct {
	name string
	cols []string
	n    int
	row  func(k int) []any
}

// retention matches the default TURNOUT_RETENTION_DAYS: RSVPs of events that
// ended longer ago are written already purged, as a running server leaves them.
const retention = 30 * 24 * time.Hour

func (p *plan) tables() []table {
	created := p.now.Add(-3 * 365 * 24 * time.Hour)
	return []table{
		{"groups", []string{"id", "slug", "name", "description", "website", "timezone", "contact_email", "created_at", "updated_at"},
			p.groupCount(), func(k int) []any {
				id := int64(k + 1)
				return []any{id, p.groupSlug(id), fmt.Sprintf("Group %d for %s", id, causes[k%len(causes)]),
					"A local campaign group. We meet every month and organise events across the city.",
					"https://example.org/groups/" + p.groupSlug(id), timezones[k%len(timezones)], "", created, created}
			}},
		{"accounts", []string{"id", "email", "display_name", "password_hash", "created_at", "updated_at"},
			p.groupCount(), func(k int) []any {
				return []any{int64(k + 1), fmt.Sprintf("organiser%d@example.org", k+1), fmt.Sprintf("Organiser %d", k+1), "", created, created}
			}},
		{"memberships", []string{"account_id", "group_id", "role", "created_at"},
			p.groupCount(), func(k int) []any { return []any{int64(k + 1), int64(k + 1), "owner", created} }},
		{"events", eventCols, p.Events, p.eventRow},
		{"articles", []string{"id", "public_id", "event_id", "position", "url", "title", "summary", "source", "published_at", "created_at", "updated_at"},
			p.Events * 2, p.articleRow},
		{"rsvps", []string{"id", "event_id", "name", "email", "status", "guests", "manage_token_hash", "created_at", "updated_at", "checked_in_at", "purged_at", "queue_order"},
			p.RSVPs, p.rsvpRow},
		{"feed_versions", []string{"scope", "version", "updated_at"}, 1 + p.groupCount() + p.Events, p.feedVersionRow},
	}
}

var eventCols = []string{"id", "uid", "group_id", "slug", "title", "kind", "summary", "description", "starts_at", "ends_at",
	"timezone", "venue", "address", "latitude", "longitude", "online_url", "accessibility", "capacity", "max_guests",
	"require_email", "rsvp_closes_at", "status", "cancelled_at", "cancel_reason", "sequence", "going_count",
	"published_at", "created_at", "updated_at"}

func (p *plan) eventRow(i int) []any {
	start := p.start(i)
	end := start.Add(time.Duration(1+i%4) * time.Hour)
	createdAt := start.Add(-30 * 24 * time.Hour)
	status := p.status(i)
	var published, cancelledAt any
	reason, seq := "", 0
	if status != "draft" {
		published = createdAt
	}
	if status == "cancelled" {
		cancelledAt, reason, seq = createdAt.Add(time.Hour), "Called off: the council agreed to meet us.", 1
	}
	var lat, lon any
	if i%3 == 0 {
		lat, lon = 51.5+float64(i%100)/1000, -0.12+float64(i%100)/1000
	}
	online := ""
	if i%10 == 0 {
		online = "https://example.org/live/" + strconv.Itoa(i)
	}
	return []any{int64(i + 1), uid(i), p.groupOf(i), p.slug(i), p.title(i), kinds[i%len(kinds)], p.summary(i), p.description(i),
		start, end, timezones[i%len(timezones)], places[i%len(places)], fmt.Sprintf("%d High Street\nTown %d", i%200+1, i%40),
		lat, lon, online, "Step-free route; a quiet area near the back.", p.capacity(i), 5,
		false, nil, status, cancelledAt, reason, seq, p.going[i], published, createdAt, createdAt}
}

// articleRow gives event k/2 its article(s), each event's own row: two in
// three events link one of p.Articles pages, the hot event links two; other
// slots give rows that are skipped.
func (p *plan) articleRow(k int) []any {
	i, pos := k/2, k%2
	if i%3 == 2 || (pos == 1 && i != 0) {
		return nil
	}
	art := (i+pos)%p.Articles + 1
	pub := p.now.Add(-3*365*24*time.Hour + time.Duration(art)*time.Hour)
	return []any{int64(k + 1), fmt.Sprintf("%032x", k+1), int64(i + 1), pos, fmt.Sprintf("https://example.org/articles/%d", art),
		fmt.Sprintf("Why we march: %s (part %d)", causes[art%len(causes)], art),
		"A short write-up of the case, the demands and what happened last time.", "example.org", pub, pub, pub}
}

func (p *plan) rsvpRow(j int) []any {
	i := p.rsvpEvent(j)
	status, guests := p.rsvpStatus(j)
	end := p.start(i).Add(time.Duration(1+i%4) * time.Hour)
	at := p.start(i).Add(-time.Duration(1+j%500) * time.Hour)
	if at.After(p.now) {
		at = p.now.Add(-time.Minute)
	}
	if end.Add(retention).Before(p.now) {
		purged := end.Add(retention)
		return []any{int64(j + 1), int64(i + 1), "", nil, status, guests, nil, at, purged, nil, purged, int64(j + 1)}
	}
	var email any
	if j%5 < 3 {
		email = fmt.Sprintf("supporter%d@example.org", j+1)
	}
	return []any{int64(j + 1), int64(i + 1), fmt.Sprintf("Supporter %d", j+1), email, status, guests, tokenHash(j), at, at, nil, nil, int64(j + 1)}
}

func (p *plan) feedVersionRow(k int) []any {
	switch {
	case k == 0:
		return []any{"site", int64(1), p.now}
	case k <= p.groupCount():
		return []any{"group:" + strconv.Itoa(k), int64(1), p.now}
	}
	return []any{"event:" + strconv.Itoa(k-p.groupCount()), int64(1), p.now}
}
