package i18n

import (
	"testing"

	"golang.org/x/text/language"
)

func TestPluralsPerLanguageAtCLDRBoundaries(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	want := map[language.Tag]map[int]string{
		language.English:    {0: "0 people", 1: "1 person", 2: "2 people", 5: "5 people", 21: "21 people", 22: "22 people"},
		language.French:     {0: "0 personne", 1: "1 personne", 2: "2 personnes", 5: "5 personnes", 21: "21 personnes", 22: "22 personnes"},
		language.German:     {0: "0 Personen", 1: "1 Person", 2: "2 Personen", 5: "5 Personen", 21: "21 Personen", 22: "22 Personen"},
		language.Spanish:    {0: "0 personas", 1: "1 persona", 2: "2 personas", 5: "5 personas", 21: "21 personas", 22: "22 personas"},
		language.Portuguese: {0: "0 pessoa", 1: "1 pessoa", 2: "2 pessoas", 5: "5 pessoas", 21: "21 pessoas", 22: "22 pessoas"},
	}
	for lang, cases := range want {
		for n, w := range cases {
			got, err := c.Translate(lang, "People", n)
			if err != nil {
				t.Fatalf("%s %d: %v", lang, n, err)
			}
			if got != w {
				t.Errorf("%s %d: got %q, want %q", lang, n, got, w)
			}
		}
	}
}

func TestMatchPrefersQueryThenCookieThenHeaderThenFallback(t *testing.T) {
	cases := []struct {
		prefs []string
		want  language.Tag
	}{
		{[]string{"fr", "de", "es"}, language.French},
		{[]string{"", "de", "es"}, language.German},
		{[]string{"", "", "pt-BR,pt;q=0.9,en;q=0.5"}, language.Portuguese},
		{[]string{"", "", "ja"}, language.English},
		{[]string{"xx-!!", "", "es-MX"}, language.Spanish},
	}
	for _, tc := range cases {
		if got := Match(language.English, tc.prefs...); got != tc.want {
			t.Errorf("Match(%q) = %s, want %s", tc.prefs, got, tc.want)
		}
	}
}
