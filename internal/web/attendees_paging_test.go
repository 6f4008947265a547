package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// smallPages lowers the attendee page size and the CSV batch for one test.
func smallPages(t *testing.T, page, batch int) {
	oldPage, oldBatch := attendeePageSize, csvBatch
	attendeePageSize, csvBatch = page, batch
	t.Cleanup(func() { attendeePageSize, csvBatch = oldPage, oldBatch })
}

// seedRSVPs RSVPs n people ("Ana 1", "Ben 2", "Ana 3" ...) as going to e
// straight through the store and returns their names in order of arrival.
func seedRSVPs(t *testing.T, st *store.Store, e *turnout.Event, n int) []string {
	t.Helper()
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%s %d", []string{"Ana", "Ben"}[i%2], i+1)
		in := turnout.RSVPInput{Name: names[i], Email: fmt.Sprintf("p%d@example.org", i+1), Status: turnout.RSVPGoing}
		if _, _, err := st.CreateRSVP(t.Context(), e.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	return names
}

var (
	rowName  = regexp.MustCompile(`<tr id="rsvp-\d+">\s*<td[^>]*>([^<]*)</td>\s*<td[^>]*>[^<]*</td>\s*<td>([^<]*)</td>`)
	nextLink = regexp.MustCompile(`<a href="([^"]+)">Next page</a>`)
)

// TestAttendeeListPages walks the attendee page, the API list and the CSV of
// an event with more RSVPs than a page holds: every RSVP appears once, in
// order of arrival, with the whole waitlist's positions, and each page says
// how many of how many it shows.
func TestAttendeeListPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		smallPages(t, 3, 2)
		app := newTestApp(t, testConfig(t), st)
		token := seedOrganiser(t, st, "pages@example.org", "pagesgroup")
		g, err := st.FindGroupBySlug(t.Context(), "pagesgroup")
		if err != nil {
			t.Fatal(err)
		}
		e := seedEvent(t, st, g.ID, "Paged", 24*time.Hour, func(in *turnout.EventInput) { in.Capacity = turnout.Of(4) })
		names := seedRSVPs(t, st, e, 8) // 4 going, then waitlisted #1 to #4
		want := make([]string, len(names))
		for i, n := range names {
			want[i] = n + " going"
			if i >= 4 {
				want[i] = fmt.Sprintf("%s waitlisted #%d", n, i-3)
			}
		}
		b := newBrowser(t, app)
		b.login("pages@example.org", testPassword)

		var got []string
		path := "/events/" + e.Slug + "/attendees"
		for pages := 0; path != ""; pages++ {
			if pages > 3 {
				t.Fatalf("more than 3 pages for 8 RSVPs: %v", got)
			}
			resp, body := b.get(path)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", path, resp.StatusCode)
			}
			rows := rowName.FindAllStringSubmatch(body, -1)
			if line := fmt.Sprintf("Showing %d of 8 RSVPs.", len(rows)); !strings.Contains(body, line) {
				t.Errorf("%s does not say %q", path, line)
			}
			if pages > 0 && !strings.Contains(body, `>First page</a>`) {
				t.Errorf("%s has no link to the first page", path)
			}
			for _, r := range rows {
				got = append(got, html.UnescapeString(r[1]+" "+r[2]))
			}
			path = ""
			if m := nextLink.FindStringSubmatch(body); m != nil {
				path = html.UnescapeString(m[1])
			}
		}
		if strings.Join(got, ", ") != strings.Join(want, ", ") {
			t.Errorf("pages listed\n%q\nwant\n%q", got, want)
		}

		// A search pages too, and its links keep the search.
		_, body := b.get("/events/" + e.Slug + "/attendees?q=ben")
		m := nextLink.FindStringSubmatch(body)
		if !strings.Contains(body, "Showing 3 of 4 RSVPs that match “ben”.") || m == nil || !strings.Contains(m[1], "q=ben") {
			t.Fatalf("search page: next %q in %.300s", m, body)
		}
		if _, body = b.get(html.UnescapeString(m[1])); !strings.Contains(body, "Showing 1 of 4 RSVPs") || !strings.Contains(body, ">Ben 8<") {
			t.Errorf("second search page: %.500s", body)
		}

		got = nil
		for api := "/api/v1/events/" + e.Slug + "/rsvps"; api != ""; {
			var out struct {
				Total int
				Next  *string
				RSVPs []struct {
					Name             string
					Status           string
					WaitlistPosition int `json:"waitlist_position"`
				}
			}
			_, body := do(t, app, apiRequest("GET", api, token, ""))
			if err := json.Unmarshal([]byte(body), &out); err != nil || out.Total != 8 {
				t.Fatalf("%s: total %d, %v: %.300s", api, out.Total, err, body)
			}
			for _, r := range out.RSVPs {
				s := r.Name + " " + r.Status
				if r.WaitlistPosition > 0 {
					s += fmt.Sprintf(" #%d", r.WaitlistPosition)
				}
				got = append(got, s)
			}
			api = ""
			if out.Next != nil {
				api = strings.TrimPrefix(*out.Next, "http://turnout.test")
			}
		}
		if strings.Join(got, ", ") != strings.Join(want, ", ") {
			t.Errorf("API pages listed\n%q\nwant\n%q", got, want)
		}

		resp, body := b.get("/events/" + e.Slug + "/attendees.csv")
		rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if resp.StatusCode != 200 || err != nil || len(rows) != 9 {
			t.Fatalf("CSV: %d %v, %d rows", resp.StatusCode, err, len(rows))
		}
		for i, r := range rows[1:] {
			if r[0] != names[i] {
				t.Errorf("CSV row %d is %q, want %q", i+1, r[0], names[i])
			}
		}

		for _, bad := range []string{"abc", "-1", "99999999999999999999"} {
			if resp, _ := b.get("/events/" + e.Slug + "/attendees?after=" + bad); resp.StatusCode != 422 {
				t.Errorf("after=%s: %d, want 422", bad, resp.StatusCode)
			}
			if resp, _ := do(t, app, apiRequest("GET", "/api/v1/events/"+e.Slug+"/rsvps?after="+bad, token, "")); resp.StatusCode != 422 {
				t.Errorf("API after=%s: %d, want 422", bad, resp.StatusCode)
			}
		}
	})
}

// TestAttendeesPastTenThousand lists an event with more than 10,000 RSVPs
// at the real page size and CSV batch (SQLite only, to stay quick): the CSV
// has every row and the page says it shows 500 of them all.
func TestAttendeesPastTenThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 10,005 RSVPs")
	}
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	app := newTestApp(t, testConfig(t), st)
	seedOrganiser(t, st, "many@example.org", "manygroup")
	g, err := st.FindGroupBySlug(t.Context(), "manygroup")
	if err != nil {
		t.Fatal(err)
	}
	e := seedEvent(t, st, g.ID, "Many", 24*time.Hour, nil)
	names := seedRSVPs(t, st, e, 10005)
	b := newBrowser(t, app)
	b.login("many@example.org", testPassword)
	resp, body := b.get("/events/" + e.Slug + "/attendees.csv")
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if resp.StatusCode != 200 || err != nil || len(rows) != 10006 || rows[10005][0] != names[10004] {
		t.Fatalf("CSV: %d %v, %d rows", resp.StatusCode, err, len(rows))
	}
	if _, body := b.get("/events/" + e.Slug + "/attendees"); !strings.Contains(body, "Showing 500 of 10005 RSVPs.") {
		t.Errorf("the first page does not say it shows 500 of 10005")
	}
}
