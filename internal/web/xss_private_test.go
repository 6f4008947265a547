package web

import (
	"context"
	"encoding/csv"
	"net/url"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestXSSInertForOrganisers puts payloads in the fields only organisers see
// (account names, RSVP names) and checks the organiser pages, the Atom
// feeds (HTML inside XML) and the attendee pages and CSV.
func TestXSSInertForOrganisers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg := testConfig(t)
		cfg.RSVPRateLimit = 0
		app := newTestApp(t, cfg, st)
		g, events := seedXSS(t, st)
		email := "xss-org@example.org"
		_, err := st.AddOrganiser(context.Background(), turnout.OrganiserInput{Email: email, Name: xssPayloads[3], GroupSlug: g.Slug,
			Password: testPassword, Timezone: "UTC"})
		if err != nil {
			t.Fatal(err)
		}
		e := events[4]
		for i, p := range append(append([]string{}, xssPayloads...), formulaPayloads...) {
			in := turnout.RSVPInput{Name: truncate(p, turnout.MaxRSVPNameLen), Status: turnout.RSVPGoing}
			if i%2 == 0 {
				in.Email = "p" + string(rune('a'+i)) + "@example.org"
			}
			if _, _, err := st.CreateRSVP(context.Background(), e.ID, in); err != nil {
				t.Fatalf("RSVP %q: %v", p, err)
			}
		}
		b := newBrowser(t, app)
		b.login(email, testPassword)
		pages := []string{"/dashboard", "/groups/" + g.Slug + "/settings", "/groups/" + g.Slug + "/members", "/account/tokens",
			"/events/" + e.Slug + "/edit", "/events/" + e.Slug + "/cancel", "/events/" + e.Slug + "/preview", "/groups/" + g.Slug + "/events/new",
			"/events/" + e.Slug + "/attendees", "/events/" + e.Slug + "/attendees?q=" + url.QueryEscape(xssPayloads[0])}
		for _, p := range pages {
			resp, body := b.get(p)
			if resp.StatusCode != 200 {
				t.Errorf("GET %s: %d", p, resp.StatusCode)
			}
			for _, problem := range inertProblems(body) {
				t.Errorf("GET %s: %s", p, problem)
			}
		}
		checkAtomInert(t, func(p string) (int, string) {
			resp, body := b.get(p)
			return resp.StatusCode, body
		}, []string{"/events.atom", "/groups/" + g.Slug + "/events.atom"})
		checkCSVInert(t, b, "/events/"+e.Slug+"/attendees.csv")
	})
}

// formulaPayloads are cells a spreadsheet would run.
var formulaPayloads = []string{`=HYPERLINK("https://evil.example","x")`, `+cmd|' /C calc'!A0`, `-2+3`, `@SUM(1+1)`, `=1+1`, `x;=1+1`, `Ann, -1+2`, `y|@SUM(1)`, `z ; +1`}

func truncate(s string, n int) string {
	if len([]rune(s)) > n {
		return string([]rune(s)[:n])
	}
	return s
}

// checkCSVInert parses the attendee CSV and checks no cell is a formula.
func checkCSVInert(t *testing.T, b *browser, path string) {
	t.Helper()
	resp, body := b.get(path)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("GET %s: %d, %q, %q", path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	if len(records) < len(xssPayloads)+len(formulaPayloads)+1 {
		t.Fatalf("CSV has %d rows", len(records))
	}
	for _, rec := range records {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("\t\r", rune(cell[0])) {
				t.Errorf("CSV cell starts with a tab or CR: %q", cell)
			}
			// Whatever delimiter a spreadsheet guesses, no part may start a formula.
			for _, part := range strings.FieldsFunc(cell, func(r rune) bool { return strings.ContainsRune(";,\t\r\n|", r) }) {
				if part = strings.TrimLeft(part, " "); part != "" && strings.ContainsRune("=+-@", rune(part[0])) {
					t.Errorf("CSV cell %q has a part a spreadsheet would run: %q", cell, part)
				}
			}
		}
	}
}
