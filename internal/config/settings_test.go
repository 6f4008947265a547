package config

import (
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestSettingsListsWhatLoadReads: Load asks for every listed variable (or
// its _FILE twin) and for no other.
func TestSettingsListsWhatLoadReads(t *testing.T) {
	asked := map[string]bool{}
	if _, err := Load(func(key string) string {
		asked[strings.TrimSuffix(key, "_FILE")] = true
		return ""
	}); err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for k := range asked {
		got = append(got, k)
	}
	for _, s := range Settings {
		want = append(want, s.Name)
	}
	sort.Strings(got)
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load reads %v\nSettings lists %v", got, want)
	}
}

// TestSettingsDefaults: setting a variable to its listed default changes
// nothing, so the defaults --help and the README show are Load's.
func TestSettingsDefaults(t *testing.T) {
	unset, err := Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings {
		if s.Default == "" {
			continue
		}
		got, err := Load(func(key string) string {
			if key == s.Name {
				return s.Default
			}
			return ""
		})
		if err != nil || !reflect.DeepEqual(got, unset) {
			t.Errorf("%s=%s: %v, config differs from the default one: %+v", s.Name, s.Default, err, got)
		}
	}
}

// TestREADMEConfigurationTable: the README's table lists exactly the
// settings, in order, each with its default.
func TestREADMEConfigurationTable(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `(TURNOUT_[A-Z_]+)` \\| ([^|]*) \\|")
	var got, want []string
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		got = append(got, m[1]+" = "+strings.ReplaceAll(strings.TrimSpace(m[2]), "`", ""))
	}
	for _, s := range Settings {
		want = append(want, s.Name+" = "+s.DefaultShown())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("README configuration table:\n%s\nwant (from config.Settings):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
