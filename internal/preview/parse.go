package preview

import (
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parse reads the head of an HTML document for OpenGraph and meta tags,
// falling back to <title> and <meta name=description>. It stops at <body>.
func parse(r io.Reader) *Meta {
	z := html.NewTokenizer(r)
	props := map[string]string{}
	var title strings.Builder
	inTitle := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return pick(props, title.String())
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			switch t.DataAtom {
			case atom.Body:
				return pick(props, title.String())
			case atom.Title:
				inTitle = true
			case atom.Meta:
				key, content := metaPair(t)
				if key != "" && props[key] == "" {
					props[key] = content
				}
			}
		case html.EndTagToken:
			if t := z.Token(); t.DataAtom == atom.Title {
				inTitle = false
			} else if t.DataAtom == atom.Head {
				return pick(props, title.String())
			}
		case html.TextToken:
			if inTitle && title.Len() < 1000 {
				title.Write(z.Text())
			}
		}
	}
}

func metaPair(t html.Token) (key, content string) {
	for _, a := range t.Attr {
		switch strings.ToLower(a.Key) {
		case "property", "name":
			key = strings.ToLower(strings.TrimSpace(a.Val))
		case "content":
			content = a.Val
		}
	}
	return key, content
}

func pick(props map[string]string, title string) *Meta {
	first := func(keys ...string) string {
		for _, k := range keys {
			if v := clean(props[k]); v != "" {
				return v
			}
		}
		return ""
	}
	m := &Meta{
		Title:   first("og:title", "twitter:title"),
		Summary: first("og:description", "description", "twitter:description"),
		Source:  first("og:site_name", "application-name"),
	}
	if m.Title == "" {
		m.Title = clean(title)
	}
	m.Title, m.Summary, m.Source = truncate(m.Title, 200), truncate(m.Summary, 1000), truncate(m.Source, 200)
	return m
}

// clean collapses white space and drops control characters.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
