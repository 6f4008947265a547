package turnout

import "testing"

// Names that impersonate a group are look-alikes: case, accents, other
// scripts' homoglyphs, digit/letter swaps, spacing and punctuation. Honest
// near names (a letter more, another word, another number) are not.
func TestLookAlike(t *testing.T) {
	for _, c := range []struct {
		existing, candidate string
		alike               bool
	}{
		{"Riverside Tenants", "riverside tenants", true},
		{"Riverside Tenants", "RIVERSIDE-TENANTS", true},
		{"riverside-tenants", "Riverside Tenants", true},
		{"Riverside Tenants", "Rivérsidé Ténants", true},
		{"Riverside Tenants", "Rivеrside Tеnants", true}, // Cyrillic е
		{"Climate Camp", "Сlimate Сamp", true},           // Cyrillic С
		{"Open Borders", "Οpen Βorders", true},           // Greek Ο and Β
		{"Open Borders", "0pen B0rders", true},
		{"Solidarity Network", "So1idarity Network", true},
		{"Solidarity Network", "SoIidarity Network", true},
		{"Solidarity Network", "Sol|darity Network", true},
		{"Modern Unions", "Modem Unions", true}, // rn looks like m
		{"Wet Feet", "VVet Feet", true},
		{"Night Shift", "Night\u200bShift", true}, // zero-width space
		{"Night Shift", "Ｎｉｇｈｔ Ｓｈｉｆｔ", true},      // full-width
		{"Riverside Tenants", "Riverside Renters", false},
		{"Night Shift", "Night Shifts", false},
		{"Group 2024", "Group 2025", false},
		{"Unite 1", "Unite 2", false},
		{"Climate Action Leeds", "Climate Action Leeks", false},
		{"Harbour", "Harbor", false},
		{"Ana's Walk", "Ann's Walk", false},
		{"Straße", "Strasse", true},
		{"!!!", "???", false}, // no letters: nothing to mistake
	} {
		if got := LookAlike(c.existing, c.candidate); got != c.alike {
			t.Errorf("LookAlike(%q, %q) = %v, want %v (skeletons %q, %q)", c.existing, c.candidate, got, c.alike,
				NameSkeleton(c.existing), NameSkeleton(c.candidate))
		}
	}
}
