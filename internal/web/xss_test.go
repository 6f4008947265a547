package web

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/net/html"

	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
	"github.com/turnout-org/turnout/internal/turnout"
)

// xssPayloads are classic cross-site scripting attempts: script tags,
// event handlers, javascript: URLs, SVG, broken and nested markup,
// attribute breakouts, template syntax. Each fits a title.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`"><script>alert(1)</script>`,
	`'><img src=x onerror=alert(1)>`,
	`<svg onload=alert(1)>`,
	`<svg><script>alert(1)</script></svg>`,
	`javascript:alert(1)`,
	`<a href="javascript:alert(1)">click</a>`,
	`<a href="jav&#x09;ascript:alert(1)">tab</a>`,
	`<iframe src=javascript:alert(1)>`,
	`</textarea><script>alert(1)</script>`,
	`</title><script>alert(1)</script>`,
	`<!--<script>alert(1)//-->`,
	`<style>*{background:url(javascript:alert(1))}</style>`,
	`<<script>script>alert(1)<</script>/script>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`<div onmouseover="alert(1)" style="position:fixed">x`,
	`{{.}} {{template "x"}} ${alert(1)}`,
	`[click](javascript:alert(1)) <javascript:alert(1)>`,
	`<object data="data:text/html,<script>alert(1)</script>">`,
	`<base href="https://evil.example/">`,
}

// inertProblems parses page as a browser would and lists anything active in
// it: script, style or embedding elements, event-handler or style
// attributes, and URLs with a scheme that runs code.
func inertProblems(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{"unparseable: " + err.Error()}
	}
	var problems []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "script" && attrOf(n, "type") == "application/ld+json" && len(n.Attr) == 1 {
			// JSON-LD is data, never run; it must stay JSON with no markup in it.
			text := ""
			if n.FirstChild != nil {
				text = n.FirstChild.Data
			}
			if !json.Valid([]byte(text)) || strings.ContainsAny(text, "<>") {
				problems = append(problems, "JSON-LD that is not plain JSON: "+text)
			}
			return
		}
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "style", "svg", "math", "iframe", "frame", "object", "embed", "img", "base", "template", "video", "audio":
				problems = append(problems, "element <"+n.Data+">")
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" || key == "formaction" {
					problems = append(problems, "attribute "+key+" on <"+n.Data+">")
				}
				if key == "href" || key == "src" || key == "action" || key == "data" {
					if s := urlScheme(a.Val); s != "" && s != "http" && s != "https" && s != "mailto" && s != "webcal" {
						problems = append(problems, "URL scheme "+s+" in "+key+" of <"+n.Data+">")
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return problems
}

// urlScheme is the scheme a browser would see in v, lower-cased, or "".
func urlScheme(v string) string {
	v = strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, v))
	scheme, _, ok := strings.Cut(v, ":")
	if !ok || strings.ContainsAny(scheme, "/?#") {
		return ""
	}
	return scheme
}

// seedXSS fills every user field of a group and its events with payloads.
func seedXSS(t *testing.T, st *store.Store) (*turnout.Group, []*turnout.Event) {
	t.Helper()
	ctx := context.Background()
	g, _ := seedGroup(t, st, "xss")
	name, desc, site := xssPayloads[1], strings.Join(xssPayloads, "\n\n"), `https://example.org/"><script>alert(1)</script>`
	g, err := st.UpdateGroup(ctx, g.ID, turnout.GroupInput{Name: &name, Description: &desc, Website: &site})
	if err != nil {
		t.Fatalf("group: %v", err)
	}
	var events []*turnout.Event
	for i, p := range xssPayloads {
		p := p
		e := seedEvent(t, st, g.ID, p, time.Duration(24+i)*time.Hour, func(in *turnout.EventInput) {
			for _, f := range []**string{&in.Summary, &in.Venue, &in.Address, &in.Accessibility} {
				*f = &p
			}
			d := "# " + p + "\n\n" + p + "\n\n" + strings.Join(xssPayloads, "\n")
			online := "https://example.org/join?x=" + url.QueryEscape(p) + `&y="onmouseover=alert(1)`
			in.Description, in.OnlineURL = &d, &online
			in.Articles = &[]turnout.ArticleInput{{URL: "https://example.org/a/" + url.PathEscape(p), Title: p, Summary: p, Source: p}}
		})
		events = append(events, e)
	}
	if _, err := st.CancelEvent(ctx, events[0].ID, xssPayloads[2]); err != nil {
		t.Fatalf("cancel: %v", err)
	}
	return g, events
}

// TestXSSInert puts every payload in every user field and checks that each
// public page shows them inert, and that JSON escapes them.
func TestXSSInert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app := newTestApp(t, testConfig(t), st)
		g, events := seedXSS(t, st)
		paths := []string{"/", "/groups/" + g.Slug, "/?kind=" + url.QueryEscape(xssPayloads[0]), "/events/" + url.PathEscape(xssPayloads[0])}
		for _, p := range xssPayloads {
			paths = append(paths, "/?q="+url.QueryEscape(p[:min(len(p), 60)]))
		}
		for _, e := range events {
			paths = append(paths, "/events/"+e.Slug)
		}
		for _, p := range paths {
			resp, body := do(t, app, httptest.NewRequest("GET", p, nil))
			if resp.StatusCode >= 500 {
				t.Errorf("GET %s: %d", p, resp.StatusCode)
			}
			for _, problem := range inertProblems(body) {
				t.Errorf("GET %s: %s", p, problem)
			}
		}
		checkAtomInert(t, func(p string) (int, string) {
			resp, body := do(t, app, httptest.NewRequest("GET", p, nil))
			return resp.StatusCode, body
		}, []string{"/events.atom", "/groups/" + g.Slug + "/events.atom"})
		checkICalIntact(t, app, []string{"/events.ics", "/groups/" + g.Slug + "/events.ics", "/events/" + events[5].Slug + ".ics"})
		// The payload is shown as text, not dropped: people see what was typed.
		_, body := do(t, app, httptest.NewRequest("GET", "/events/"+events[3].Slug, nil))
		if !strings.Contains(body, "&lt;svg onload=alert(1)&gt;") {
			t.Errorf("event page does not show the title as text")
		}
		for _, p := range []string{"/api/v1/events", "/api/v1/events/" + events[1].Slug} {
			resp, body := do(t, app, httptest.NewRequest("GET", p, nil))
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || strings.ContainsAny(body, "<>") {
				t.Errorf("GET %s: Content-Type %q; JSON carries raw angle brackets", p, resp.Header.Get("Content-Type"))
			}
			if !json.Valid([]byte(body)) {
				t.Errorf("GET %s: invalid JSON", p)
			}
		}
	})
}

// TestInertProblemsFinds checks the checker: each known-bad page is caught.
func TestInertProblemsFinds(t *testing.T) {
	for _, page := range []string{
		`<p>x</p><script>alert(1)</script>`, `<a href=" JaVa&#x09;Script:alert(1)">x</a>`, `<p onclick="x">`,
		`<svg><circle/></svg>`, `<p style="color:red">`, `<form action="javascript:x"></form>`, `<img src=x>`,
	} {
		if len(inertProblems(page)) == 0 {
			t.Errorf("not caught: %s", page)
		}
	}
	if p := inertProblems(`<p><a href="https://example.org/?q=javascript:x">ok</a> &lt;script&gt;</p>`); len(p) != 0 {
		t.Errorf("false alarm: %v", p)
	}
}

// checkAtomInert parses Atom feeds and checks the HTML in every entry.
func checkAtomInert(t *testing.T, get func(path string) (int, string), paths []string) {
	t.Helper()
	for _, p := range paths {
		code, body := get(p)
		if code != 200 {
			t.Fatalf("GET %s: %d", p, code)
		}
		var doc struct {
			Entries []struct {
				Summary string `xml:"summary"`
				Content string `xml:"content"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(body), &doc); err != nil {
			t.Fatalf("%s: not XML: %v", p, err)
		}
		if len(doc.Entries) == 0 {
			t.Fatalf("%s: no entries", p)
		}
		for _, en := range doc.Entries {
			for _, part := range []string{en.Summary, en.Content} {
				for _, problem := range inertProblems(part) {
					t.Errorf("%s: entry HTML: %s", p, problem)
				}
			}
		}
	}
}

// icalProperties are the only properties a feed may carry: a payload that
// broke out of its text value would add another.
var icalProperties = map[string]bool{
	"BEGIN": true, "END": true, "VERSION": true, "PRODID": true, "CALSCALE": true, "METHOD": true, "X-WR-CALNAME": true,
	"X-WR-CALDESC": true, "X-WR-TIMEZONE": true, "NAME": true, "DESCRIPTION": true, "REFRESH-INTERVAL": true, "X-PUBLISHED-TTL": true,
	"SOURCE": true, "URL": true, "UID": true, "DTSTAMP": true, "DTSTART": true, "DTEND": true, "SUMMARY": true, "LOCATION": true,
	"GEO": true, "STATUS": true, "SEQUENCE": true, "LAST-MODIFIED": true, "CREATED": true, "CATEGORIES": true, "ORGANIZER": true,
	"TZID": true, "TZOFFSETFROM": true, "TZOFFSETTO": true, "TZNAME": true, "RRULE": true, "RDATE": true, "CLASS": true,
	"TRANSP": true, "X-ALT-DESC": true, "COMMENT": true, "ATTACH": true, "CONFERENCE": true, "X-LIC-LOCATION": true, "COLOR": true,
	"IMAGE": true, "TZURL": true, "CONTACT": true,
}

// checkICalIntact unfolds iCal feeds and checks that every line is a
// known property: organiser text stayed inside its values.
func checkICalIntact(t *testing.T, app *fiber.App, paths []string) {
	t.Helper()
	for _, p := range paths {
		resp, body := do(t, app, httptest.NewRequest("GET", p, nil))
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", p, resp.StatusCode)
		}
		if strings.Count(body, "BEGIN:VEVENT") == 0 {
			t.Fatalf("%s: no events", p)
		}
		unfolded := strings.ReplaceAll(strings.ReplaceAll(body, "\r\n ", ""), "\r\n\t", "")
		for _, line := range strings.Split(strings.TrimSpace(unfolded), "\r\n") {
			name := line
			if i := strings.IndexAny(line, ":;"); i >= 0 {
				name = line[:i]
			}
			if !icalProperties[name] {
				t.Errorf("%s: unexpected line %q", p, line)
			}
		}
	}
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
