package mail

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/turnout-org/turnout/internal/i18n"
	"github.com/turnout-org/turnout/internal/turnout"
)

// TestSupporterMailInTheRSVPsLanguage composes every message a supporter
// can get for an RSVP made in each language: the subject and body are in
// that language, the date is written its way, and no English message of
// the catalogue is left in it.
func TestSupporterMailInTheRSVPsLanguage(t *testing.T) {
	cat := i18n.Shared()
	paris, _ := time.LoadLocation("Europe/Paris")
	start := time.Date(2026, 12, 5, 14, 0, 0, 0, paris)
	g := &turnout.Group{Slug: "lyon", Name: "Lyon Solidarity"}
	e := &turnout.Event{Slug: "demo", Title: "Station die-in", Timezone: "Europe/Paris", StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		Venue: "Gare", Group: g, UID: "u1", Status: turnout.StatusPublished, CancelReason: "Pluie."}
	before := turnout.PlaceOf(e)
	before.Venue = "Place Bellecour"
	want := map[string]struct{ subject, date string }{
		"en": {"You're going: Station die-in", "Saturday 5 December 2026, 14:00–16:00 CET"},
		"fr": {"Vous participez\u00a0: Station die-in", "samedi 5 décembre 2026 à 14:00–16:00 CET"},
		"de": {"Du bist dabei: Station die-in", "Samstag, 5. Dezember 2026, 14:00–16:00 CET"},
		"es": {"Vas a ir: Station die-in", "sábado, 5 de diciembre de 2026, 14:00–16:00 CET"},
		"pt": {"Vai participar: Station die-in", "sábado, 5 de dezembro de 2026, 14:00–16:00 CET"},
	}
	kinds := []string{turnout.MailConfirmation, turnout.MailLink, turnout.MailChange, turnout.MailCancel, turnout.MailPromotion, turnout.MailReminder}
	for _, lang := range i18n.Supported {
		email := "mina@example.org"
		r := &turnout.RSVP{Name: "Mina", Email: &email, Status: turnout.RSVPGoing, Guests: 2, Language: lang.String()}
		loc := cat.Localizer(lang)
		var english []string
		if lang != language.English {
			for id, en := range cat.English() {
				if len(en) > 12 && !strings.Contains(en, "{{") && loc.T(id) != en {
					english = append(english, en)
				}
			}
		}
		for _, kind := range kinds {
			item := &turnout.MailItem{Kind: kind, RSVP: r, Event: e, Token: "tok", Unsubscribe: "unsub", Before: &before}
			m, err := Compose(item, "https://turnout.test", "Turnout <t@turnout.test>")
			if err != nil {
				t.Fatalf("%s %s: %v", lang, kind, err)
			}
			if kind == turnout.MailConfirmation && m.Subject != want[lang.String()].subject {
				t.Errorf("%s confirmation subject %q, want %q", lang, m.Subject, want[lang.String()].subject)
			}
			if kind != turnout.MailChange && !strings.Contains(m.Text, want[lang.String()].date) {
				t.Errorf("%s %s: the date is not written %q:\n%s", lang, kind, want[lang.String()].date, m.Text)
			}
			for _, en := range english {
				if strings.Contains(m.Text, en) || strings.Contains(m.Subject, en) {
					t.Errorf("%s %s shows English %q", lang, kind, en)
				}
			}
		}
	}
}
