package feed

import (
	"bytes"
	"unicode/utf8"
)

// maxLineOctets is the longest content line RFC 5545 3.1 allows, CRLF excluded.
const maxLineOctets = 75

// fold folds every CRLF-terminated line of src at 75 octets: each
// continuation line starts with one space, and no UTF-8 character is split.
// golang-ical's own folding breaks at spaces and "<" and ">"; this one is
// exact and tested on its own.
func fold(dst *bytes.Buffer, src []byte) {
	for len(src) > 0 {
		i := bytes.Index(src, []byte("\r\n"))
		var line []byte
		if i < 0 {
			line, src = src, nil
		} else {
			line, src = src[:i], src[i+2:]
		}
		foldLine(dst, line)
	}
}

func foldLine(dst *bytes.Buffer, line []byte) {
	limit := maxLineOctets
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		dst.Write(line[:cut])
		dst.WriteString("\r\n ")
		line = line[cut:]
		limit = maxLineOctets - 1
	}
	dst.Write(line)
	dst.WriteString("\r\n")
}
