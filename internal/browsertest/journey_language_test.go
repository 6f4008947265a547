package browsertest_test

import (
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/turnout-org/turnout/internal/turnout"
)

// acceptLanguage makes the tab's browser ask for pages in header's languages,
// as a browser set up in that language does.
func acceptLanguage(header string) tabOption {
	return func(tb *tab) error {
		_, err := chromedp.Call(tb.root, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": header}})
		return err
	}
}

// TestSupporterJourneyInFrenchThenGerman: a supporter whose browser asks for
// French finds the event, RSVPs and manages the RSVP in French, then picks
// Deutsch in the language menu and goes on in German (which the menu's
// cookie keeps over the browser's French), down to cancelling. On a 390 px
// phone and a 1,280 px screen: no page is wider than the screen (German's
// long words included) and axe-core finds nothing serious.
func TestSupporterJourneyInFrenchThenGerman(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []tabOption
	}{{"Phone390", []tabOption{phone}}, {"Desktop1280", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			in := startInstance(t)
			g := in.seedGroup(t, "lyon")
			ev := in.seedEvent(t, g, "Rassemblement devant la préfecture", func(e *turnout.EventInput) {
				two := 2
				e.MaxGuests = &two
			})
			eventPath := "/events/" + ev.Slug
			tb := newTab(t, in.origin, append(tc.opts, a11y, acceptLanguage("fr-FR,fr;q=0.9,en;q=0.5"))...)

			tb.open("/", 200)
			tb.wantLang("fr")
			tb.see("header nav", "Agenda", "Espace orga")
			tb.see("main h1", "Manifestations, marches et réunions à venir")
			tb.fitsScreen()
			tb.checkA11y("Accueil")
			tb.click(`ul.events a[href="`+eventPath+`"]`, 200)
			tb.see("dl.facts", "Quand", "Où", "Participant·es", "0 personne")
			tb.see("section.rsvp", "Nom ou pseudo", "Venez-vous\u00a0?", "Je viens", "Envoyer")
			tb.fitsScreen()
			tb.checkA11y("Événement")

			tb.do("turn off the browser's own form checks", chromedp.Evaluate[chromedp.Void](`document.querySelector("section.rsvp form").noValidate = true`))
			tb.click(`section.rsvp form button[type=submit]`, 422)
			tb.see("#rsvp-name-error", "Indiquez un nom ou un pseudo.")
			tb.see("section.rsvp .flash.error", "Merci de corriger les champs signalés.")
			tb.checkA11y("Événement, erreur")

			manage := tb.rsvp("Camille", "going")
			tb.wantLang("fr")
			tb.see("main .panel h1", "Vous participez")
			tb.see("main", "Et maintenant\u00a0?", "Votre lien personnel", "Ajouter à votre agenda")
			tb.fitsScreen()
			tb.checkA11y("Confirmation")
			tb.click(".manage-link a", 200)
			tb.see("#rsvp-status", "Vous participez.")
			tb.fitsScreen()

			// Deutsch from the menu: the page comes back in German, and the
			// choice holds on the next pages although the browser asks for French.
			tb.click(`nav.lang-menu a[lang="de"]`, 200)
			tb.wantLang("de")
			tb.see("#rsvp-status", "Du bist dabei.")
			tb.see("main", "Anmeldung ändern", "Begleitpersonen, die du mitbringst", "Anmeldung absagen")
			tb.fitsScreen()
			tb.checkA11y("Anmeldung verwalten")
			tb.set("#rsvp-guests", "2")
			tb.click(`section.rsvp form button[type=submit]`, 200)
			tb.see(".flash", "Deine Änderungen sind gespeichert.")
			tb.see("#rsvp-status", "Du bist mit 2 Begleitpersonen dabei.")
			tb.open(eventPath, 200)
			tb.wantLang("de")
			tb.see("dl.facts", "Wann", "Dabei", "3 Personen")
			tb.fitsScreen()
			tb.checkA11y("Termin")

			tb.open(manage, 200)
			tb.click(`a[href="`+manage+`/cancel"]`, 200)
			tb.see("main h1", "Deine Anmeldung zu Rassemblement devant la préfecture absagen?")
			tb.fitsScreen()
			tb.checkA11y("Absage bestätigen")
			tb.click(`form[action="`+manage+`/cancel"] button.button-warning`, 200)
			tb.see("main h1", "Deine Anmeldung ist abgesagt")
			tb.fitsScreen()
		})
	}
}

// wantLang fails unless the page shown is marked as being in lang.
func (tb *tab) wantLang(lang string) {
	tb.t.Helper()
	if got := tb.attr("html", "lang"); got != lang {
		tb.fatalf("%s is marked lang=%q, want %q", tb.path(), got, lang)
	}
}
