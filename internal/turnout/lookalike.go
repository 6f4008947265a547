package turnout

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// confusable maps characters that look like a Latin letter, in other
// scripts or as digits, to that letter: Cyrillic and Greek homoglyphs, and
// the digit/letter swaps 0/o, 1/l, 3/e, 5/s; i, I and | become l.
var confusable = map[rune]rune{
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'l', 'ј': 'j', 'ѕ': 's',
	'һ': 'h', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'к': 'k', 'м': 'm', 'н': 'h', 'т': 't', 'в': 'b', 'ѵ': 'v',
	'α': 'a', 'ο': 'o', 'ρ': 'p', 'ν': 'v', 'ι': 'l', 'κ': 'k', 'τ': 't', 'υ': 'u', 'χ': 'x', 'ε': 'e', 'β': 'b', 'η': 'n',
	'0': 'o', '1': 'l', '3': 'e', '5': 's', 'i': 'l', '|': 'l', 'ı': 'l', 'ł': 'l', 'ø': 'o', 'đ': 'd',
}

// NameSkeleton is what a group's name or slug looks like, for finding
// look-alikes: compatibility-decomposed, accents dropped, lower-cased,
// ß written ss, confusable characters mapped to the Latin letter they look like, "rn"
// read as "m" and "vv" as "w", and everything but letters and digits
// (spaces, hyphens, punctuation, invisible characters) dropped. Two names
// with the same skeleton can be mistaken for each other.
func NameSkeleton(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(strings.ReplaceAll(s, "ß", "ss")) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		if c, ok := confusable[r]; ok {
			r = c
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	out := strings.ReplaceAll(b.String(), "rn", "m")
	return strings.ReplaceAll(out, "vv", "w")
}

// LookAlike reports whether a and b can be mistaken for each other.
func LookAlike(a, b string) bool {
	sa := NameSkeleton(a)
	return sa != "" && sa == NameSkeleton(b)
}
