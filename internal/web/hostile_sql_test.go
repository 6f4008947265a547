package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// sqlPayloads are texts built to break a query that pasted them into SQL:
// quotes, comments, statement ends, LIKE wildcards and placeholders.
var sqlPayloads = []string{
	`Robert'); DROP TABLE events;--`,
	`x' OR '1'='1`,
	`"; DELETE FROM rsvps WHERE "1"="1`,
	`100%_off \' \\ $1 ? :name @p1`,
	`' UNION SELECT password_hash FROM accounts--`,
	`%_%`,
}

// snapshotTables splits a storetest.Snapshot into its tables.
func snapshotTables(snap string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(snap, "== ")[1:] {
		name, _, _ := strings.Cut(part, " ")
		out[name] = part
	}
	return out
}

// TestSQLMetacharactersInFreeTextStoredVerbatim sends SQL-breaking text
// through the free-text fields that do reach SQL (unlike slugs, which the
// validator refuses first): event title and summary, article title, summary
// and source, RSVP names, the attendee search, the public search, the
// cancel reason and the group's name, on both databases. Each text is stored
// and shown back verbatim, each search finds exactly the row holding the
// text, and no table other than those written changes.
func TestSQLMetacharactersInFreeTextStoredVerbatim(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		cfg := testConfig(t)
		cfg.RSVPRateLimit = 0
		app := newTestApp(t, cfg, st)
		tok := seedOrganiser(t, st, "ada@example.org", "riverside")
		seedOrganiser(t, st, "bo@example.org", "harbour")
		g := groupID(t, st, "riverside")
		plain := seedEvent(t, st, g, "Plain picket", 24*time.Hour, nil)
		if _, _, err := st.CreateRSVP(ctx, plain.ID, rsvpIn("Plain Person")); err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, app)
		b.login("ada@example.org", testPassword)
		before := snapshotTables(storetest.Snapshot(t, st))

		for i, p := range sqlPayloads {
			title := "Vigil " + p
			art := map[string]string{"url": fmt.Sprintf("https://example.org/p%d", i), "title": p, "summary": p, "source": p}
			body, _ := json.Marshal(map[string]any{"title": title, "summary": p, "starts_at": fmt.Sprintf("2031-05-%02dT18:00", i+1),
				"ends_at": fmt.Sprintf("2031-05-%02dT20:00", i+1), "status": "published", "articles": []any{art}})
			resp, out := do(t, app, apiRequest("POST", "/api/v1/groups/riverside/events", tok, string(body)))
			if resp.StatusCode != 201 {
				t.Fatalf("%q: create: %d %s", p, resp.StatusCode, out)
			}
			var e apiEvent
			if err := json.Unmarshal([]byte(out), &e); err != nil {
				t.Fatal(err)
			}
			_, out = do(t, app, httptest.NewRequest("GET", "/api/v1/events/"+e.Slug, nil))
			var shown apiEvent
			if err := json.Unmarshal([]byte(out), &shown); err != nil {
				t.Fatal(err)
			}
			if a := shown.Articles; shown.Title != title || shown.Summary != p || len(a) != 1 || a[0].Title != p || a[0].Summary != p || a[0].Source != p {
				t.Fatalf("%q: API shows %q %q %+v", p, shown.Title, shown.Summary, shown.Articles)
			}
			if _, page := do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil)); !strings.Contains(page, html.EscapeString(title)) {
				t.Fatalf("%q: the event page does not show the title verbatim", p)
			}

			// RSVP name, then the organiser's attendee search for it.
			rb, _ := json.Marshal(map[string]any{"name": p, "email": fmt.Sprintf("p%d@example.org", i), "status": "going"})
			if resp, out := do(t, app, apiRequest("POST", "/api/v1/events/"+e.Slug+"/rsvps", "", string(rb))); resp.StatusCode != 201 {
				t.Fatalf("%q: rsvp: %d %s", p, resp.StatusCode, out)
			}
			_, out = do(t, app, apiRequest("GET", "/api/v1/events/"+e.Slug+"/rsvps", tok, ""))
			var list struct{ RSVPs []struct{ Name string } }
			if err := json.Unmarshal([]byte(out), &list); err != nil || len(list.RSVPs) != 1 || list.RSVPs[0].Name != p {
				t.Fatalf("%q: attendees %s %v", p, out, err)
			}
			stored, err := st.FindEventBySlug(ctx, e.Slug)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.CreateRSVP(ctx, stored.ID, rsvpIn("Someone Else")); err != nil {
				t.Fatal(err)
			}
			resp, page := b.get("/events/" + e.Slug + "/attendees?q=" + url.QueryEscape(p))
			if resp.StatusCode != 200 || !strings.Contains(page, html.EscapeString(p)) || strings.Contains(page, "Someone Else") {
				t.Fatalf("%q: attendee search: status %d, finds the name %v, finds others %v", p, resp.StatusCode,
					strings.Contains(page, html.EscapeString(p)), strings.Contains(page, "Someone Else"))
			}

			// The public search finds this event and not the plain one. It
			// searches words, and a text of punctuation alone holds none, so
			// it filters nothing out (TestFindEventsSearchesEveryField).
			resp, page = do(t, app, httptest.NewRequest("GET", "/?q="+url.QueryEscape(p), nil))
			wordless := strings.IndexFunc(p, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0
			if resp.StatusCode != 200 || !strings.Contains(page, html.EscapeString(title)) || !wordless && strings.Contains(page, "Plain picket") {
				t.Fatalf("%q: public search: status %d, finds it %v, finds the plain event %v", p, resp.StatusCode,
					strings.Contains(page, html.EscapeString(title)), strings.Contains(page, "Plain picket"))
			}

			// Cancel reason.
			cb, _ := json.Marshal(map[string]string{"reason": p})
			resp, out = do(t, app, apiRequest("POST", "/api/v1/events/"+e.Slug+"/cancel", tok, string(cb)))
			var cancelled apiEvent
			if err := json.Unmarshal([]byte(out), &cancelled); err != nil || resp.StatusCode != 200 || cancelled.CancelReason != p {
				t.Fatalf("%q: cancel: %d %s", p, resp.StatusCode, out)
			}

			// The group's name, through the settings form.
			name := "Group " + p
			if resp, _ := b.post("/groups/riverside/settings", "/groups/riverside/settings", url.Values{"name": {name}, "timezone": {"Europe/London"}}); resp.StatusCode != 303 {
				t.Fatalf("%q: settings: status %d", p, resp.StatusCode)
			}
			if got, err := st.FindGroupBySlug(ctx, "riverside"); err != nil || got.Name != name {
				t.Fatalf("%q: group name %q, %v", p, got.Name, err)
			}
			if _, page := do(t, app, httptest.NewRequest("GET", "/groups/riverside", nil)); !strings.Contains(page, html.EscapeString(name)) {
				t.Fatalf("%q: the group page does not show its name verbatim", p)
			}
		}

		after := snapshotTables(storetest.Snapshot(t, st))
		written := map[string]bool{"events": true, "articles": true, "rsvps": true, "feed_versions": true, "groups": true}
		for table, rows := range before {
			if !written[table] && after[table] != rows {
				t.Errorf("table %s changed:\nbefore %s\nafter  %s", table, rows, after[table])
			}
		}
		n := len(sqlPayloads)
		for table, want := range map[string]int{"events": 1 + n, "articles": n, "rsvps": 1 + 2*n, "groups": 2} {
			if !strings.HasPrefix(after[table], fmt.Sprintf("%s (%d rows)", table, want)) {
				t.Errorf("%s: %.40s, want %d rows", table, after[table], want)
			}
		}
	})
}

// rsvpIn is a going RSVP by name, with an address made from it.
func rsvpIn(name string) turnout.RSVPInput {
	return turnout.RSVPInput{Name: name, Email: strings.ReplaceAll(strings.ToLower(name), " ", ".") + "@example.org", Status: turnout.RSVPGoing}
}
