// Package i18n holds Turnout's message catalogue: one embedded TOML file per
// language, CLDR plural rules through go-i18n, and Accept-Language matching
// through golang.org/x/text/language.
package i18n

import (
	"embed"
	"fmt"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed messages/*.toml
var messageFiles embed.FS

// Supported lists the shipped languages; the first is the fallback.
var Supported = []language.Tag{language.English, language.French, language.German, language.Spanish, language.Portuguese}

var matcher = language.NewMatcher(Supported)

// Catalogue translates message IDs into the shipped languages.
type Catalogue struct {
	bundle *i18n.Bundle
}

// Load reads every embedded message file.
func Load() (*Catalogue, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, tag := range Supported {
		if _, err := b.LoadMessageFileFS(messageFiles, "messages/"+tag.String()+".toml"); err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
	}
	return &Catalogue{bundle: b}, nil
}

// Match picks the shipped language closest to the given preferences (a
// ?lang= value, a cookie, an Accept-Language header, in that order), falling
// back to fallback when none matches with confidence.
func Match(fallback language.Tag, prefs ...string) language.Tag {
	for _, p := range prefs {
		if p == "" {
			continue
		}
		tags, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(tags) == 0 {
			continue
		}
		_, i, conf := matcher.Match(tags...)
		if conf >= language.High {
			return Supported[i]
		}
	}
	return fallback
}

// Translate renders message id in lang, choosing the plural form for count
// when count is not nil.
func (c *Catalogue) Translate(lang language.Tag, id string, count any) (string, error) {
	l := i18n.NewLocalizer(c.bundle, lang.String())
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if count != nil {
		cfg.PluralCount = count
		cfg.TemplateData = map[string]any{"Count": count}
	}
	return l.Localize(cfg)
}
