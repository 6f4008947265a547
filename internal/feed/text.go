package feed

import (
	"strings"
	"unicode/utf8"
)

// cleanText makes a user's text safe for an iCalendar TEXT value: valid
// UTF-8, every line break a bare LF (golang-ical escapes LF as \n but lets a
// CR through, which would break the line), no other control character but
// tab. The library then escapes backslash, semicolon, comma and LF.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if !strings.ContainsFunc(s, badTextRune) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if badTextRune(r) {
			return -1
		}
		return r
	}, s)
}

func badTextRune(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f
}

// cleanParam makes a value fit inside a quoted parameter (RFC 5545
// quoted-string): no control characters at all and no double quote, which
// has no escape there. Line breaks become spaces.
func cleanParam(s string) string {
	s = cleanText(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return ' '
		case r == '"':
			return '\''
		}
		return r
	}, s)
}

// cleanURI returns s if it can stand as a URI value on its own line, or ""
// so that the property is left out: golang-ical writes URL, ORGANIZER,
// CONFERENCE and GEO values as they are, so a CR or LF in one would inject
// lines into the feed.
func cleanURI(s string) string {
	if s == "" || !utf8.ValidString(s) {
		return ""
	}
	for _, r := range s {
		if r <= 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return ""
		}
	}
	return s
}

// truncateRunes cuts s to at most n runes.
func truncateRunes(s string, n int) (string, bool) {
	if utf8.RuneCountInString(s) <= n {
		return s, false
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos], true
		}
		i++
	}
	return s, false
}
