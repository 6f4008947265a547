package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/turnout-org/turnout/bench/gen"
)

// hotQuery is a statement the scenarios run on every request, written as the
// store sends it (gorm's SQL with the parameters in place).
type hotQuery struct {
	title, source, sql string
	rollback           bool // a write: EXPLAIN ANALYZE inside a transaction rolled back
}

func hotQueries(now time.Time) []hotQuery {
	ts := "'" + now.UTC().Format("2006-01-02 15:04:05.999999+00") + "'"
	return []hotQuery{
		{"Home page and GET /api/v1/events, first page", "store.FindEvents",
			`SELECT * FROM "events" WHERE events.status IN ('published','cancelled') AND events.ends_at > ` + ts +
				` ORDER BY events.starts_at, events.id LIMIT 21`, false},
		{"Event page and GET /api/v1/events/{slug}", "store.FindEventBySlug",
			`SELECT * FROM "events" WHERE slug = '` + gen.HotEvent + `' LIMIT 1`, false},
		{"Articles of an event", "store.eventArticles",
			`SELECT articles.* FROM "articles" JOIN event_articles ea ON ea.article_id = articles.id WHERE ea.event_id = 1 ORDER BY ea.position`, false},
		{"Group page, first page of upcoming events", "store.FindEvents with a group",
			`SELECT * FROM "events" WHERE events.status IN ('published','cancelled') AND events.ends_at > ` + ts +
				` AND events.group_id = (SELECT id FROM groups WHERE slug = '` + gen.FeedGroup + `') ORDER BY events.starts_at, events.id LIMIT 21`, false},
	}
}

// explainAll runs EXPLAIN (ANALYZE, BUFFERS) of each hot query through psql
// and returns a markdown section.
func explainAll(ctx context.Context, dbURL string, queries []hotQuery) string {
	var b strings.Builder
	for _, q := range queries {
		stmt := "EXPLAIN (ANALYZE, BUFFERS) " + q.sql
		if q.rollback {
			stmt = "BEGIN; " + stmt + "; ROLLBACK"
		}
		out, err := psql(ctx, dbURL, stmt)
		if err != nil {
			out = "failed: " + err.Error()
		}
		fmt.Fprintf(&b, "#### %s (%s)\n\n```sql\n%s\n```\n\n```\n%s\n```\n\n", q.title, q.source, q.sql, strings.TrimRight(out, "\n"))
	}
	return b.String()
}
