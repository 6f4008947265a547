// Package i18n holds Turnout's message catalogue: one embedded TOML file per
// language, CLDR plural rules through go-i18n, and Accept-Language matching
// through golang.org/x/text/language.
package i18n

import (
	"embed"
	"fmt"
	"strings"
	"sync"

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
	ids    map[string]map[string]string // language -> message ID -> "other" text
	// byEnglish finds the ID of a message without arguments from its
	// English text, for text that reaches the web layer already in English.
	byEnglish map[string]string
}

// Load reads every embedded message file.
func Load() (*Catalogue, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalogue{bundle: b, ids: map[string]map[string]string{}}
	for _, tag := range Supported {
		f, err := b.LoadMessageFileFS(messageFiles, "messages/"+tag.String()+".toml")
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		ids := map[string]string{}
		for _, m := range f.Messages {
			ids[m.ID] = m.Other
		}
		c.ids[tag.String()] = ids
	}
	c.byEnglish = map[string]string{}
	for id, text := range c.ids["en"] {
		// Two messages with the same English: the first ID in order wins,
		// so that the choice is the same on every start.
		if prev, ok := c.byEnglish[text]; !strings.Contains(text, "{{") && (!ok || id < prev) {
			c.byEnglish[text] = id
		}
	}
	return c, nil
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

var (
	sharedOnce sync.Once
	shared     *Catalogue
)

// Shared is the catalogue loaded once for the process. The message files
// are embedded and checked by this package's tests, so a failure to load
// them is a build defect: Shared panics on it.
func Shared() *Catalogue {
	sharedOnce.Do(func() {
		c, err := Load()
		if err != nil {
			panic(err)
		}
		shared = c
	})
	return shared
}
