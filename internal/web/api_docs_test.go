package web

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/turnout-org/turnout/internal/store/storetest"
)

var routeParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// TestAPIDocsCoverEveryRoute: every /api/v1 route the application registers
// is in the OpenAPI document, and every path and method of the document is
// a registered route.
func TestAPIDocsCoverEveryRoute(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	app := newTestApp(t, testConfig(t), st)
	registered := map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == "HEAD" {
			continue
		}
		registered[r.Method+" "+routeParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	_, body := do(t, app, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, methods := range doc.Paths {
		for m := range methods {
			documented[strings.ToUpper(m)+" "+path] = true
		}
	}
	if len(registered) < 10 {
		t.Fatalf("only %d API routes found: %v", len(registered), registered)
	}
	for r := range registered {
		if !documented[r] {
			t.Errorf("%s is served but not in /api/v1/openapi.json", r)
		}
	}
	for d := range documented {
		if !registered[d] {
			t.Errorf("%s is in /api/v1/openapi.json but not served", d)
		}
	}
}

// jsonNames are the JSON names of a struct's fields.
func jsonNames(v any) []string {
	var out []string
	ty := reflect.TypeOf(v)
	for i := 0; i < ty.NumField(); i++ {
		name, _, _ := strings.Cut(ty.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// TestOpenAPIDocumentMatchesCode: the document is OpenAPI 3.1, each $ref
// names a schema it defines, and each schema of an answer has exactly the
// fields of the typed struct the API writes it from.
func TestOpenAPIDocumentMatchesCode(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	app := newTestApp(t, testConfig(t), st)
	resp, body := do(t, app, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI    string `json:"openapi"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	for _, m := range regexp.MustCompile(`"\$ref":"#/components/schemas/([^"]+)"`).FindAllStringSubmatch(body, -1) {
		if _, ok := doc.Components.Schemas[m[1]]; !ok {
			t.Errorf("$ref to undefined schema %s", m[1])
		}
	}
	for schema, v := range map[string]any{"Event": apiEvent{}, "Group": apiGroup{}, "Article": apiArticle{},
		"EventList": apiEventList{}, "RSVPCreated": apiRSVPCreated{}, "RSVP": apiRSVP{}, "RSVPEvent": apiRSVPEvent{},
		"RSVPList": apiRSVPList{}, "RSVPCounts": apiRSVPCounts{}, "OrganiserRSVP": apiOrganiserRSVP{},
		"Message": apiMessage{}, "MessageQueued": apiMessageQueued{}, "Error": apiError{}, "ErrorBody": apiErrorBody{}} {
		var got []string
		for p := range doc.Components.Schemas[schema].Properties {
			got = append(got, p)
		}
		sort.Strings(got)
		if want := jsonNames(v); !reflect.DeepEqual(got, want) {
			t.Errorf("schema %s has %v, the API writes %v", schema, got, want)
		}
	}
}

// TestAPIDocsPage: /api/docs shows every call of the document, links the
// JSON document and loads nothing from elsewhere.
func TestAPIDocsPage(t *testing.T) {
	st := storetest.Open(t, storetest.SQLiteTarget(t))
	app := newTestApp(t, testConfig(t), st)
	resp, body := do(t, app, httptest.NewRequest("GET", "/api/docs", nil))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	p := parsePage(t, body)
	for _, op := range apiOperations {
		h := p.byID(op.ID)
		if h == nil || textOf(h) != op.Method+" "+op.Path {
			t.Errorf("no heading for %s %s", op.Method, op.Path)
		}
	}
	if p.links()["OpenAPI 3.1 document"] != "/api/v1/openapi.json" {
		t.Error("the page does not link the JSON document")
	}
	for _, n := range p.all(func(n *html.Node) bool { return attr(n, "src") != "" || n.Data == "link" }) {
		for _, a := range []string{"src", "href"} {
			if v := attr(n, a); strings.Contains(v, "//") {
				t.Errorf("<%s %s=%q> loads from elsewhere", n.Data, a, v)
			}
		}
	}
}

func TestCodeSpans(t *testing.T) {
	for in, want := range map[string]string{
		"copy `next` here":  "copy <code>next</code> here",
		"<b>`a&b`</b>":      "&lt;b&gt;<code>a&amp;b</code>&lt;/b&gt;",
		"one ` unmatched":   "one ` unmatched",
		"`a` and `b` and `": "<code>a</code> and <code>b</code> and `",
	} {
		if got := string(codeSpans(in)); got != want {
			t.Errorf("codeSpans(%q) = %q, want %q", in, got, want)
		}
	}
}
