package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/net/html"
	"golang.org/x/text/language"

	"github.com/turnout-org/turnout/internal/config"
	"github.com/turnout-org/turnout/internal/i18n"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// shownPage is one page a person sees, fetched by a method in a language.
type shownPage struct {
	name, method, path string
	form               url.Values
	status             int
}

// fixtureText is what the fixtures typed (names, titles, places): it may
// stay in any language.
var fixtureText = []string{"Lyon Solidarity", "Station die-in", "Central Station", "Station Square", "Camille", "Turnout",
	"English", "Français", "Deutsch", "Español", "Português", "iCal", "Atom", "Google", "Group lyon", "Markdown", "Authorization: Bearer TOKEN", "command line", "camille", "GMT", "BST", "CET", "CEST", "RSVP"}

// visibleText is every text node and every attribute a person reads or
// hears (aria-label, title, alt, placeholder, the description meta) of body.
func visibleText(t *testing.T, body string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		// Time zones are named by their IANA place names in every language.
		if n.Type == html.ElementNode && n.Data == "select" && attr(n, "id") == "timezone" {
			return
		}
		if n.Type == html.TextNode && strings.TrimSpace(n.Data) != "" {
			out = append(out, n.Data)
		}
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				switch a.Key {
				case "aria-label", "title", "alt", "placeholder":
					out = append(out, a.Val)
				case "content":
					if n.Data == "meta" && attr(n, "name") == "description" {
						out = append(out, a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

var (
	pseudoSpan = regexp.MustCompile(`⟦[^⟦⟧]*⟧`)
	urlLike    = regexp.MustCompile(`\S+@\S+|https?://\S+|/\S*`)
	words      = regexp.MustCompile(`\p{L}{3,}`)
)

// untranslated is the text of body that no message of the catalogue made:
// the pseudo-locale wraps each message in ⟦ ⟧.
func untranslated(t *testing.T, body string) []string {
	var left []string
	// A message may hold a link: its ⟦ and ⟧ are in different text nodes.
	for _, s := range []string{strings.Join(visibleText(t, body), " ")} {
		for prev := ""; prev != s; {
			prev, s = s, pseudoSpan.ReplaceAllString(s, " ")
		}
		s = urlLike.ReplaceAllString(s, " ")
		for _, f := range fixtureText {
			s = strings.ReplaceAll(s, f, " ")
		}
		if w := words.FindAllString(s, -1); len(w) > 0 {
			left = append(left, strings.Join(strings.Fields(s), " "))
		}
	}
	return left
}

// supporterFixture is an event with everything a supporter can meet and
// an RSVP to it; it returns the pages of the supporter's path.
func supporterFixture(t *testing.T, st *store.Store, app *fiber.App) []shownPage {
	ctx := context.Background()
	g, _ := seedGroup(t, st, "lyon")
	name := "Lyon Solidarity"
	if _, err := st.UpdateGroup(ctx, g.ID, turnout.GroupInput{Name: &name}); err != nil {
		t.Fatal(err)
	}
	venue, address := "Central Station", "Station Square"
	e := seedEvent(t, st, g.ID, "Station die-in", 48*time.Hour, func(in *turnout.EventInput) {
		in.Venue, in.Address, in.Capacity = &venue, &address, turnout.Of(1)
		two := 2
		in.MaxGuests = &two
	})
	token := rsvpVia(t, app, e, "Camille", "camille@example.org")
	full := seedEvent(t, st, g.ID, "Station die-in", 72*time.Hour, func(in *turnout.EventInput) { in.Capacity = turnout.Of(1) })
	waiting := rsvpVia(t, app, full, "Camille", "camille@example.org")
	waiting2 := rsvpVia(t, app, full, "Camille", "camille2@example.org")
	_ = waiting
	cancelled := seedEvent(t, st, g.ID, "Station die-in", 96*time.Hour, nil)
	gone := rsvpVia(t, app, cancelled, "Camille", "camille@example.org")
	if _, err := st.CancelEvent(ctx, cancelled.ID, ""); err != nil {
		t.Fatal(err)
	}
	confirmed := seedEvent(t, st, g.ID, "Station die-in", 120*time.Hour, func(in *turnout.EventInput) { yes := true; in.RequireEmail = &yes })
	unconfirmed := rsvpVia(t, app, confirmed, "Camille", "camille@example.org")
	bad := url.Values{"name": {""}, "email": {"not an address"}, "status": {"perhaps"}, "guests": {"9"}}
	return []shownPage{
		{"Home", "GET", "/", nil, 200},
		{"HomeFilterError", "GET", "/?from=tomorrow&kind=parade", nil, 422},
		{"Group", "GET", "/groups/lyon", nil, 200},
		{"Event", "GET", "/events/" + e.Slug, nil, 200},
		{"EventFull", "GET", "/events/" + full.Slug, nil, 200},
		{"EventCancelled", "GET", "/events/" + cancelled.Slug, nil, 200},
		{"RSVPFormErrors", "POST", "/events/" + e.Slug + "/rsvp", bad, 422},
		{"RSVPDone", "GET", "/rsvp/" + token + "/done", nil, 200},
		{"RSVPDoneWaitlisted", "GET", "/rsvp/" + waiting2 + "/done", nil, 200},
		{"Manage", "GET", "/rsvp/" + token, nil, 200},
		{"ManageErrors", "POST", "/rsvp/" + token, url.Values{"name": {""}, "status": {"going"}, "guests": {"9"}}, 422},
		{"ManageWaitlisted", "GET", "/rsvp/" + waiting2, nil, 200},
		{"ManageCancelledEvent", "GET", "/rsvp/" + gone, nil, 200},
		{"CancelConfirm", "GET", "/rsvp/" + token + "/cancel", nil, 200},
		{"DeleteConfirm", "GET", "/rsvp/" + gone + "/cancel", nil, 200},
		{"RSVPDoneUnconfirmed", "GET", "/rsvp/" + unconfirmed + "/done", nil, 200},
		{"LinkSent", "POST", "/events/" + e.Slug + "/rsvp/link", url.Values{"email": {"camille@example.org"}}, 202},
		{"LinkFormError", "POST", "/events/" + e.Slug + "/rsvp/link", url.Values{"email": {"nope"}}, 422},
		{"Unsubscribe", "GET", "/unsubscribe/" + token, nil, 200},
		{"BadConfirmLink", "GET", "/rsvp/confirm/not-a-token", nil, 404},
		{"NotFound", "GET", "/events/no-such-event", nil, 404},
		{"NoRSVP", "GET", "/rsvp/not-a-token", nil, 404},
	}
}

// fetchIn renders p with ?lang=lang.
func fetchIn(t *testing.T, app *fiber.App, p shownPage, lang string) string {
	t.Helper()
	u := p.path
	if strings.Contains(u, "?") {
		u += "&lang=" + lang
	} else {
		u += "?lang=" + lang
	}
	var req *http.Request
	if p.method == "POST" {
		req = httptest.NewRequest("POST", u, strings.NewReader(p.form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest("GET", u, nil)
	}
	resp, body := do(t, app, req)
	if resp.StatusCode != p.status {
		t.Fatalf("%s %s: status %d, want %d: %.300s", p.method, u, resp.StatusCode, p.status, body)
	}
	return body
}

// mailConfig is the test configuration with email on, so that the pages
// show what they show only then (the lost-link form, confirmations).
func mailConfig(t *testing.T) config.Config {
	cfg := testConfig(t)
	cfg.SMTPURL = "log"
	return cfg
}

func pseudoApp(t *testing.T, st *store.Store) *fiber.App {
	s := newServer(mailConfig(t), slog.New(slog.NewTextHandler(io.Discard, nil)), st)
	s.pseudo = true
	app, err := s.app()
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// TestSupporterPagesHaveNoTextOutsideTheCatalogue renders the supporter's
// path in the pseudo-locale: any word it did not wrap bypassed the catalogue.
func TestSupporterPagesHaveNoTextOutsideTheCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := pseudoApp(t, st)
		for _, p := range supporterFixture(t, st, app) {
			if left := untranslated(t, fetchIn(t, app, p, i18n.Pseudo.String())); len(left) > 0 {
				t.Errorf("%s: text outside the catalogue: %q", p.name, left)
			}
		}
	})
}

// TestSupporterPagesHaveNoEnglishLeft renders the supporter's path in each
// language and looks for the English of any message longer than a word or
// two that the language translates differently.
func TestSupporterPagesHaveNoEnglishLeft(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, mailConfig(t), st)
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		pages := supporterFixture(t, st, app)
		for _, lang := range i18n.Supported[1:] {
			loc := cat.Localizer(lang)
			var english []string
			for id, en := range cat.English() {
				if len(en) > 12 && !strings.Contains(en, "{{") && loc.T(id) != en {
					english = append(english, en)
				}
			}
			for _, p := range pages {
				text := strings.Join(visibleText(t, fetchIn(t, app, p, lang.String())), " ")
				for _, en := range english {
					if strings.Contains(text, en) {
						t.Errorf("%s in %s shows English %q", p.name, lang, en)
					}
				}
			}
		}
	})
}

// TestEveryLanguageHasEveryMessage: no message is missing from, or extra
// in, a language's file.
func TestEveryLanguageHasEveryMessage(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en := cat.MessageIDs(language.English)
	for _, lang := range i18n.Supported[1:] {
		got := map[string]bool{}
		for _, id := range cat.MessageIDs(lang) {
			got[id] = true
		}
		var missing, extra []string
		for _, id := range en {
			if !got[id] {
				missing = append(missing, id)
			}
			delete(got, id)
		}
		for id := range got {
			extra = append(extra, id)
		}
		sort.Strings(extra)
		if len(missing) > 0 || len(extra) > 0 {
			t.Errorf("%s: missing %q, not in English %q", lang, missing, extra)
		}
	}
}

// sameAsEnglish are the messages a language writes as English does; any
// other message equal to its English was left untranslated.
var sameAsEnglish = map[string]map[string]bool{
	"fr": {"SiteMenu": true, "Pages": true, "Kind_die-in": true, "LabelPage": true, "LabelDescription": true, "LabelPosition": true, "LabelSource": true, "MessageLabel": true},
	"de": {"Kind_protest": true, "Kind_die-in": true, "Online": true, "LabelName": true, "LabelStatus": true, "LabelWebsite": true, "LabelPosition": true, "LabelLink": true, "CheckIn": true},
	"es": {"Kind_die-in": true},
	"pt": {"SiteMenu": true, "Kind_die-in": true, "Online": true, "LabelLink": true},
}

func TestNoMessageLeftInEnglish(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Supported[1:] {
		loc := cat.Localizer(lang)
		for id, en := range cat.English() {
			if strings.Contains(en, "{{") || sameAsEnglish[lang.String()][id] {
				continue
			}
			if loc.T(id) == en {
				t.Errorf("%s: %s is still in English: %q", lang, id, en)
			}
		}
	}
}

// organiserPages are the organiser pages translated so far, each fetched by
// a signed-in organiser of the group "lyon" with an event and a draft.
func organiserPages(t *testing.T, st *store.Store) (pages []shownPage, email string) {
	email = "camille@example.org"
	seedOrganiser(t, st, email, "lyon")
	g, err := st.FindGroupBySlug(context.Background(), "lyon")
	if err != nil {
		t.Fatal(err)
	}
	e := seedEvent(t, st, g.ID, "Station die-in", 48*time.Hour, nil)
	draft := seedEvent(t, st, g.ID, "Station die-in", 72*time.Hour, func(in *turnout.EventInput) {
		s := turnout.StatusDraft
		in.Status = &s
	})
	for _, status := range []string{turnout.RSVPGoing, turnout.RSVPMaybe} {
		if _, _, err := st.CreateRSVP(context.Background(), e.ID, turnout.RSVPInput{Name: "Camille", Status: status}); err != nil {
			t.Fatal(err)
		}
	}
	return []shownPage{
		{"Login", "GET", "/login", nil, 200},
		{"Password", "GET", "/account/password", nil, 200},
		{"Members", "GET", "/groups/lyon/members", nil, 200},
		{"Tokens", "GET", "/account/tokens", nil, 200},
		{"PasswordReset", "GET", "/password/reset", nil, 200},
		{"Attendees", "GET", "/events/" + e.Slug + "/attendees", nil, 200},
		{"AttendeesSearch", "GET", "/events/" + e.Slug + "/attendees?q=nobody", nil, 200},
		{"Signup", "GET", "/signup", nil, 200},
		{"Dashboard", "GET", "/dashboard", nil, 200},
		{"GroupSettings", "GET", "/groups/lyon/settings", nil, 200},
		{"NewEvent", "GET", "/groups/lyon/events/new", nil, 200},
		{"EditEvent", "GET", "/events/" + e.Slug + "/edit", nil, 200},
		{"EditDraft", "GET", "/events/" + draft.Slug + "/edit", nil, 200},
		{"CancelEvent", "GET", "/events/" + e.Slug + "/cancel", nil, 200},
		{"DeleteDraft", "GET", "/events/" + draft.Slug + "/delete", nil, 200},
		{"DeletePublished", "GET", "/events/" + e.Slug + "/delete", nil, 200},
	}, email
}

// TestOrganiserPagesHaveNoTextOutsideTheCatalogue is the pseudo-locale
// check of the organiser pages translated so far.
func TestOrganiserPagesHaveNoTextOutsideTheCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := pseudoApp(t, st)
		pages, email := organiserPages(t, st)
		b, anonymous := newBrowser(t, app), newBrowser(t, app)
		b.login(email, testPassword)
		for _, p := range pages {
			who := b
			if p.name == "Login" || p.name == "Signup" || p.name == "PasswordReset" {
				who = anonymous
			}
			sep := "?"
			if strings.Contains(p.path, "?") {
				sep = "&"
			}
			resp, body := who.get(p.path + sep + "lang=" + i18n.Pseudo.String())
			if resp.StatusCode != p.status {
				t.Fatalf("%s: status %d", p.name, resp.StatusCode)
			}
			if left := untranslated(t, body); len(left) > 0 {
				t.Errorf("%s: text outside the catalogue: %q", p.name, left)
			}
		}
	})
}
