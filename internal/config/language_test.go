package config

import "testing"

func TestDefaultLanguage(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "TURNOUT_DEFAULT_LANGUAGE" {
				return v
			}
			return ""
		}
	}
	if c, err := Load(env("")); err != nil || c.DefaultLanguage != "en" {
		t.Fatalf("unset: %q %v, want en", c.DefaultLanguage, err)
	}
	if c, err := Load(env("de")); err != nil || c.DefaultLanguage != "de" {
		t.Fatalf("de: %q %v", c.DefaultLanguage, err)
	}
	for _, bad := range []string{"it", "EN", "fr-FR", "x"} {
		if _, err := Load(env(bad)); err == nil {
			t.Errorf("TURNOUT_DEFAULT_LANGUAGE=%q was accepted", bad)
		}
	}
}
