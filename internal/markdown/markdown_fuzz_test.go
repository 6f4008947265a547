package markdown

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// FuzzToHTML renders arbitrary Markdown and checks, by parsing the output as
// a browser would, that nothing active survives: no script, style, SVG,
// frames or embedded objects, no event-handler attributes, no URL with a
// scheme other than http, https or mailto. Seeds are in testdata/fuzz/FuzzToHTML.
func FuzzToHTML(f *testing.F) {
	f.Add("Hello *world* <script>alert(1)</script> [x](javascript:alert(1))")
	f.Fuzz(func(t *testing.T, src string) {
		out := string(ToHTML(src))
		if problem := activeContent(out); problem != "" {
			t.Fatalf("%s in output %q of input %q", problem, out, src)
		}
	})
}

// forbiddenElements may never appear in rendered Markdown.
var forbiddenElements = map[string]bool{
	"script": true, "style": true, "svg": true, "math": true, "iframe": true, "frame": true, "object": true,
	"embed": true, "img": true, "link": true, "meta": true, "base": true, "form": true, "input": true,
	"button": true, "textarea": true, "video": true, "audio": true, "source": true, "template": true,
}

// activeContent parses out as HTML and describes the first active thing in
// it, or returns "" when there is none.
func activeContent(out string) string {
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if forbiddenElements[tok.Data] {
				return "element <" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				if p := badAttr(a); p != "" {
					return p
				}
			}
		}
	}
}

func badAttr(a html.Attribute) string {
	name := strings.ToLower(a.Key)
	if strings.HasPrefix(name, "on") || name == "style" || name == "srcdoc" || name == "formaction" {
		return "attribute " + name
	}
	if name == "href" || name == "src" || name == "action" || name == "xlink:href" {
		v := strings.ToLower(strings.Map(func(r rune) rune {
			if r <= ' ' || r == 0x7f {
				return -1
			}
			return r
		}, a.Val))
		if scheme, _, ok := strings.Cut(v, ":"); ok && !strings.ContainsAny(scheme, "/?#") &&
			scheme != "http" && scheme != "https" && scheme != "mailto" {
			return "URL scheme " + scheme + " in " + name
		}
	}
	return ""
}
