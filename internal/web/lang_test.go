package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

var htmlLang = regexp.MustCompile(`<html lang="([^"]*)" dir="(ltr|rtl)">`)

// pageLang is the lang attribute of the page's <html>.
func pageLang(t *testing.T, body string) string {
	t.Helper()
	m := htmlLang.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no <html lang dir> in %.200s", body)
	}
	return m[1]
}

// getLang fetches path with an Accept-Language header and optional lang cookie.
func getLang(t *testing.T, b *browser, path, acceptLanguage string) string {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	resp, body := b.send(req)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", path, resp.StatusCode)
	}
	if v := resp.Header.Get("Vary"); !strings.Contains(v, "Accept-Language") || !strings.Contains(v, "Cookie") {
		t.Errorf("GET %s: Vary %q lacks Accept-Language, Cookie", path, v)
	}
	return body
}

func setGroupLanguage(t *testing.T, st *store.Store, g *turnout.Group, lang string) {
	t.Helper()
	if _, err := st.UpdateGroup(context.Background(), g.ID, turnout.GroupInput{Language: &lang}); err != nil {
		t.Fatal(err)
	}
}

func TestLanguageLadder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cfg := testConfig(t)
		cfg.DefaultLanguage = "pt"
		app := newTestApp(t, cfg, st)
		g, _ := seedGroup(t, st, "leipzig")
		e := seedEvent(t, st, g.ID, "Leipzig demo", 48*time.Hour, nil)
		setGroupLanguage(t, st, g, "de")
		event, group := "/events/"+e.Slug, "/groups/leipzig"

		t.Run("SiteDefaultWhenNothingAsked", func(t *testing.T) {
			b := newBrowser(t, app)
			if got := pageLang(t, getLang(t, b, "/", "")); got != "pt" {
				t.Errorf("home: lang %q, want pt (TURNOUT_DEFAULT_LANGUAGE)", got)
			}
			if got := pageLang(t, getLang(t, b, "/", "ja,zh;q=0.8")); got != "pt" {
				t.Errorf("home with an unshipped Accept-Language: lang %q, want pt", got)
			}
		})
		t.Run("GroupDefaultOnGroupAndEventPages", func(t *testing.T) {
			b := newBrowser(t, app)
			for _, p := range []string{event, group} {
				body := getLang(t, b, p, "ja")
				if got := pageLang(t, body); got != "de" {
					t.Errorf("%s: lang %q, want the group's de", p, got)
				}
				if !strings.Contains(body, "Termine") {
					t.Errorf("%s: German page lacks the German menu", p)
				}
			}
		})
		t.Run("AcceptLanguageBeatsGroupDefault", func(t *testing.T) {
			b := newBrowser(t, app)
			if got := pageLang(t, getLang(t, b, event, "fr-CH,fr;q=0.9,en;q=0.5")); got != "fr" {
				t.Errorf("lang %q, want fr", got)
			}
			if got := pageLang(t, getLang(t, b, "/", "es-MX")); got != "es" {
				t.Errorf("home: lang %q, want es", got)
			}
		})
		t.Run("QuerySetsCookieThatBeatsAcceptLanguage", func(t *testing.T) {
			b := newBrowser(t, app)
			if got := pageLang(t, getLang(t, b, event+"?lang=es", "fr")); got != "es" {
				t.Errorf("?lang=es: lang %q", got)
			}
			if b.cookie(langCookie) != "es" {
				t.Fatalf("?lang=es set no cookie (jar: %q)", b.cookie(langCookie))
			}
			if got := pageLang(t, getLang(t, b, group, "fr")); got != "es" {
				t.Errorf("with the cookie: lang %q, want es", got)
			}
			if got := pageLang(t, getLang(t, b, "/?lang=xx", "fr")); got != "es" {
				t.Errorf("unknown ?lang= keeps the cookie's language: %q", got)
			}
		})
	})
}

func TestLanguageMenuAndAlternatesKeepTheQuery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		b := newBrowser(t, app)
		body := getLang(t, b, "/?q=vigil&lang=fr", "")
		if got := pageLang(t, body); got != "fr" {
			t.Fatalf("lang %q", got)
		}
		for _, code := range []string{"en", "fr", "de", "es", "pt"} {
			href := "/?q=vigil&amp;lang=" + code
			if !strings.Contains(body, `<link rel="alternate" hreflang="`+code+`" href="http://turnout.test`+href+`">`) {
				t.Errorf("no hreflang alternate for %s", code)
			}
			if !strings.Contains(body, `<a href="`+href+`" lang="`+code+`"`) {
				t.Errorf("language menu lacks a link to %s", code)
			}
		}
		if !strings.Contains(body, `lang="fr" hreflang="fr" aria-current="true"`) {
			t.Error("the menu does not mark French as current")
		}
	})
}

func TestGroupLanguageSetting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "owner@example.org", "lyon")
		b := newBrowser(t, app)
		b.login("owner@example.org", testPassword)
		form := url.Values{"name": {"Group lyon"}, "timezone": {"Europe/Paris"}, "language": {"fr"}}
		if resp, body := b.post("/groups/lyon/settings", "/groups/lyon/settings", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: status %d: %.300s", resp.StatusCode, body)
		}
		g, err := st.FindGroupBySlug(context.Background(), "lyon")
		if err != nil || g.Language != "fr" {
			t.Fatalf("group language %q, %v; want fr", g.Language, err)
		}
		form.Set("language", "klingon")
		resp, _ := b.post("/groups/lyon/settings", "/groups/lyon/settings", form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("unknown language: status %d, want 422", resp.StatusCode)
		}
		if g, _ = st.FindGroupBySlug(context.Background(), "lyon"); g.Language != "fr" {
			t.Errorf("a refused language changed the group to %q", g.Language)
		}
		if got := pageLang(t, getLang(t, newBrowser(t, app), "/groups/lyon", "")); got != "fr" {
			t.Errorf("group page lang %q, want fr", got)
		}
	})
}

func TestNoLanguageAlternatesOnPrivatePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "private")
		e := seedEvent(t, st, g.ID, "Vigil", 48*time.Hour, nil)
		token := rsvpVia(t, app, e, "Ana", "ana@example.org")
		_, body := do(t, app, httptest.NewRequest("GET", "/rsvp/"+token, nil))
		if strings.Contains(body, "hreflang=\"fr\" href=\"http") {
			t.Error("the manage page lists its private address in hreflang alternates")
		}
		if _, body = do(t, app, httptest.NewRequest("GET", "/events/"+e.Slug, nil)); !strings.Contains(body, `<link rel="alternate" hreflang="fr"`) {
			t.Error("the event page has no hreflang alternates")
		}
	})
}

func TestAPIErrorsInTheCallersLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "api")
		e := seedEvent(t, st, g.ID, "Vigil", 48*time.Hour, nil)
		cases := []struct{ lang, message, name string }{
			{"", "Please correct the highlighted fields.", "Give a name or nickname."},
			{"de-DE,de;q=0.9", "Bitte korrigiere die markierten Felder.", "Gib einen Namen oder Spitznamen an."},
			{"pt-PT", "Corrija os campos assinalados.", "Indique um nome ou alcunha."},
		}
		for _, tc := range cases {
			req := apiRequest("POST", "/api/v1/events/"+e.Slug+"/rsvps", "", `{"name":"","status":"going"}`)
			if tc.lang != "" {
				req.Header.Set("Accept-Language", tc.lang)
			}
			resp, body := do(t, app, req)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s: status %d: %s", tc.lang, resp.StatusCode, body)
			}
			if !strings.Contains(body, `"message":"`+tc.message+`"`) || !strings.Contains(body, `"name":"`+tc.name+`"`) {
				t.Errorf("Accept-Language %q: %s", tc.lang, body)
			}
		}
	})
}

// TestRSVPRemembersItsLanguage: an RSVP made through a French page is
// stored as French, for the emails it will get; one through the API with
// Accept-Language German as German.
func TestRSVPRemembersItsLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "remember")
		e := seedEvent(t, st, g.ID, "Vigil", 48*time.Hour, nil)
		form := url.Values{"name": {"Léa"}, "email": {"lea@example.org"}, "status": {"going"}}
		req := httptest.NewRequest("POST", "/events/"+e.Slug+"/rsvp", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept-Language", "fr-FR,fr;q=0.9")
		resp, _ := do(t, app, req)
		token := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/rsvp/"), "/done")
		r, _, err := st.FindRSVPByToken(context.Background(), token)
		if err != nil || r.Language != "fr" {
			t.Fatalf("form RSVP language %q, %v; want fr", r.Language, err)
		}
		api := apiRequest("POST", "/api/v1/events/"+e.Slug+"/rsvps", "", `{"name":"Jonas","email":"jonas@example.org","status":"going"}`)
		api.Header.Set("Accept-Language", "de")
		if resp, body := do(t, app, api); resp.StatusCode != http.StatusCreated {
			t.Fatalf("API RSVP: %d %s", resp.StatusCode, body)
		}
		list, err := st.FindRSVPs(context.Background(), e.ID, turnout.RSVPFilter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range list {
			if r.Name == "Jonas" && r.Language != "de" {
				t.Errorf("API RSVP language %q, want de", r.Language)
			}
		}
	})
}

// TestPagesFromMemoryKeepTheirLanguage: the page cache files a page under
// the language it was asked in, and the group's language follows a change
// of the setting.
func TestPagesFromMemoryKeepTheirLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, _ := seedGroup(t, st, "memory")
		e := seedEvent(t, st, g.ID, "Vigil", 48*time.Hour, nil)
		for _, p := range []string{"/events/" + e.Slug, "/groups/memory"} {
			for i := 0; i < 2; i++ { // the second round comes from memory
				for _, tc := range []struct{ header, want string }{{"fr", "fr"}, {"", "en"}, {"de", "de"}} {
					if got := pageLang(t, getLang(t, newBrowser(t, app), p, tc.header)); got != tc.want {
						t.Errorf("%s round %d, Accept-Language %q: lang %q, want %q", p, i+1, tc.header, got, tc.want)
					}
				}
			}
		}
		setGroupLanguage(t, st, g, "pt")
		for _, p := range []string{"/events/" + e.Slug, "/groups/memory"} {
			if got := pageLang(t, getLang(t, newBrowser(t, app), p, "")); got != "pt" {
				t.Errorf("%s after the group chose Portuguese: lang %q", p, got)
			}
		}
	})
}

// TestEventFormErrorsInTheOrganisersLanguage: the domain's validation
// messages reach a German organiser in German, beside the field.
func TestEventFormErrorsInTheOrganisersLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		seedOrganiser(t, st, "jonas@example.org", "leipzig")
		b := newBrowser(t, app)
		b.login("jonas@example.org", testPassword)
		b.get("/dashboard?lang=de")
		form := url.Values{"title": {""}, "kind": {"march"}, "starts_at": {"2027-05-01T14:00"}, "ends_at": {"2027-05-01T12:00"},
			"timezone": {"Europe/Berlin"}, "action": {"save"}}
		resp, body := b.post("/groups/leipzig/events/new", "/groups/leipzig/events/new", form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for _, want := range []string{"Gib dem Termin einen Titel.", "Das Ende muss nach dem Beginn liegen.", "Es gibt ein Problem"} {
			if !strings.Contains(body, want) {
				t.Errorf("the German form lacks %q", want)
			}
		}
	})
}
