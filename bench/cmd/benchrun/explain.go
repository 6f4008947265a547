package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/turnout-org/turnout/bench/gen"
	"github.com/turnout-org/turnout/internal/turnout"
)

// hotQuery is a statement the scenarios run on every request, written as the
// store sends it (gorm's SQL with the parameters in place).
type hotQuery struct {
	title, source, sql string
	rollback           bool // a write or a lock: EXPLAIN ANALYZE inside a transaction rolled back
}

func hotQueries(now time.Time, s gen.Scale) []hotQuery {
	lit := func(t time.Time) string { return "'" + t.UTC().Format("2006-01-02 15:04:05.999999+00") + "'" }
	ts := lit(now)
	// store.listed and store.notEndedBy.
	listed := `events.status <> 'draft'`
	notEnded := `events.starts_at > ` + lit(now.Add(-turnout.MaxEventDuration)) + ` AND events.ends_at > ` + ts
	feedIDs := make([]string, s.FeedEvents)
	for i := range feedIDs {
		feedIDs[i] = strconv.Itoa(i + 1) // the feed group's events are written first
	}
	rsvpEvent := `(SELECT id FROM events WHERE slug = '` + gen.RSVPEventPrefix + `001')`
	return []hotQuery{
		{"Home page and GET /api/v1/events, first page (d)", "store.FindEvents",
			`SELECT * FROM "events" WHERE ` + listed + ` AND ` + notEnded + ` ORDER BY events.starts_at, events.id LIMIT 21`, false},
		{"Event page and GET /api/v1/events/{slug} (c, e, f)", "store.FindEventBySlug",
			`SELECT * FROM "events" WHERE slug = '` + gen.HotEvent + `' LIMIT 1`, false},
		{"Articles of an event (c, e, f)", "store.eventArticles",
			`SELECT * FROM "articles" WHERE event_id = 1 ORDER BY position`, false},
		{"Group of a feed (a, b)", "store.FindGroupBySlug",
			`SELECT * FROM "groups" WHERE slug = '` + gen.FeedGroup + `' LIMIT 1`, false},
		{"Feed version, read on every feed request (a, b)", "store.FindFeedVersion",
			`SELECT version, updated_at FROM "feed_versions" WHERE scope = 'group:1' LIMIT 1`, false},
		{"Feed render after a change: upcoming events of the group", "store.FindFeedEvents",
			`SELECT * FROM "events" WHERE ` + listed + ` AND events.group_id = 1 AND ` + notEnded +
				` ORDER BY events.starts_at, events.id LIMIT 1000`, false},
		{"Feed render after a change: events of the group that ended within the feed window", "store.FindFeedEvents",
			`SELECT * FROM "events" WHERE ` + listed + ` AND events.group_id = 1 AND events.ends_at <= ` + ts + ` AND events.ends_at > ` +
				lit(now.Add(-turnout.FeedWindow)) + ` ORDER BY events.ends_at DESC, events.id LIMIT 800`, false},
		{"Feed render after a change: articles of 200 events", "store.attachArticles",
			`SELECT * FROM "articles" WHERE event_id IN (` +
				strings.Join(feedIDs, ",") + `) ORDER BY event_id, position`, false},
		{"RSVP: lock the event row (f)", "store.lockEvent",
			`SELECT * FROM "events" WHERE "events"."id" = ` + rsvpEvent + ` LIMIT 1 FOR UPDATE`, true},
		{"RSVP: add the party to going_count within capacity (f)", "store.addGoing",
			`UPDATE events SET going_count = going_count + 2 WHERE id = ` + rsvpEvent +
				` AND going_count + 2 >= 0 AND (capacity IS NULL OR going_count + 2 <= capacity)`, true},
		{"RSVP: insert (f)", "store.CreateRSVP",
			`INSERT INTO "rsvps" ("event_id","name","email","status","guests","manage_token_hash","created_at","updated_at","checked_in_at","purged_at") VALUES (` +
				rsvpEvent + `,'Explain','explain@bench.example.org','going',1,'explain-token-hash',` + ts + `,` + ts + `,NULL,NULL) RETURNING "id"`, true},
		{"RSVP: waitlist position of a waitlisted RSVP (f)", "store.fillPosition",
			`SELECT COUNT(*) FROM rsvps w, rsvps r WHERE r.id = 1 AND w.event_id = ` + rsvpEvent + ` AND w.status = 'waitlisted'` +
				` AND (w.queue_order < r.queue_order OR (w.queue_order = r.queue_order AND w.id <= r.id))`, false},
		{"Periodic purge of RSVP personal data (hourly and at start)", "store.PurgeRSVPs",
			`UPDATE rsvps SET name = '', email = NULL, manage_token_hash = NULL, purged_at = ` + ts + `, updated_at = ` + ts +
				` WHERE purged_at IS NULL AND event_id IN (SELECT id FROM events WHERE ends_at < ` + ts + `::timestamptz - interval '30 days')`, true},
	}
}

// explainAll runs EXPLAIN (ANALYZE, BUFFERS) of each hot query through psql
// and returns a markdown section.
func explainAll(ctx context.Context, dbURL string, queries []hotQuery) string {
	var b strings.Builder
	for _, q := range queries {
		stmts := []string{"EXPLAIN (ANALYZE, BUFFERS) " + q.sql}
		if q.rollback {
			stmts = []string{"BEGIN", stmts[0], "ROLLBACK"}
		}
		out, err := psql(ctx, dbURL, stmts...)
		if err != nil {
			out = "failed: " + err.Error()
		}
		fmt.Fprintf(&b, "#### %s (%s)\n\n```sql\n%s\n```\n\n```\n%s\n```\n\n", q.title, q.source, q.sql, strings.TrimRight(out, "\n"))
	}
	return b.String()
}
