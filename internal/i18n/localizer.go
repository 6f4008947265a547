package i18n

import (
	"html/template"
	"sort"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Pseudo is a locale that no one speaks: it renders every message in English
// wrapped in ⟦ ⟧, so that a test can see any text that bypasses the catalogue.
var Pseudo = language.MustParse("en-XA")

// Localizer renders messages in one language. Its methods are what templates
// and handlers call; a message missing in the language falls back to English.
type Localizer struct {
	Tag    language.Tag
	cat    *Catalogue
	l      *i18n.Localizer
	pseudo bool
}

// Localizer returns the localizer for lang (Pseudo included).
func (c *Catalogue) Localizer(lang language.Tag) *Localizer {
	if lang == Pseudo {
		return &Localizer{Tag: lang, cat: c, l: i18n.NewLocalizer(c.bundle, "en"), pseudo: true}
	}
	return &Localizer{Tag: lang, cat: c, l: i18n.NewLocalizer(c.bundle, lang.String())}
}

// T renders message id; args are name/value pairs for its template
// ({{.Name}}). A message missing everywhere renders as its id.
func (l *Localizer) T(id string, args ...any) string {
	return l.localize(id, nil, args)
}

// N renders message id with the plural form for count ({{.Count}}).
func (l *Localizer) N(id string, count int, args ...any) string {
	return l.localize(id, count, args)
}

// HTML renders message id as trusted markup: the catalogue may hold tags
// such as <strong>, and every string argument is escaped first.
func (l *Localizer) HTML(id string, args ...any) template.HTML {
	esc := make([]any, len(args))
	for i, a := range args {
		if s, ok := a.(string); ok && i%2 == 1 {
			a = template.HTMLEscapeString(s)
		}
		esc[i] = a
	}
	return template.HTML(l.localize(id, nil, esc)) //nolint:gosec // catalogue text is ours; arguments are escaped above
}

func (l *Localizer) localize(id string, count any, args []any) string {
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		if k, ok := args[i].(string); ok {
			data[k] = args[i+1]
		}
	}
	cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
	if count != nil {
		cfg.PluralCount = count
		data["Count"] = count
	}
	s, err := l.l.Localize(cfg)
	if s == "" && err != nil {
		return id
	}
	return l.wrap(s)
}

// Lang is the BCP 47 code of the localizer's language, for <html lang>.
func (l *Localizer) Lang() string { return l.Tag.String() }

// Dir is the writing direction of the language: "rtl" or "ltr".
func (l *Localizer) Dir() string {
	switch base, _ := l.Tag.Base(); base.String() {
	case "ar", "he", "fa", "ur":
		return "rtl"
	}
	return "ltr"
}

// IsSupported reports whether code names a shipped language exactly
// (en, fr, de, es, pt).
func IsSupported(code string) bool {
	for _, t := range Supported {
		if t.String() == code {
			return true
		}
	}
	return false
}

// Name is a language's name in that language, for the language menu.
func Name(t language.Tag) string { return names[t.String()] }

var names = map[string]string{"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español", "pt": "Português"}

// MessageIDs lists every message ID in lang's file, sorted.
func (c *Catalogue) MessageIDs(lang language.Tag) []string {
	ids := make([]string, 0, len(c.ids[lang.String()]))
	for id := range c.ids[lang.String()] {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// English is the English text of every message of the catalogue (plural
// messages give their "other" form), by ID.
func (c *Catalogue) English() map[string]string {
	out := map[string]string{}
	for id, m := range c.ids["en"] {
		out[id] = strings.TrimSpace(m)
	}
	return out
}

// FromEnglish translates text that is the English of a message without
// arguments (a domain error, a flash message); other text comes back as it
// is, with ok false.
func (l *Localizer) FromEnglish(text string) (out string, ok bool) {
	id, ok := l.cat.byEnglish[text]
	if !ok {
		return text, false
	}
	return l.T(id), true
}
