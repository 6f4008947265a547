package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/store/storetest"
)

// TestOrganiserLoginEndToEnd runs the real server: an organiser made with
// `turnout organiser add --password-stdin` logs in through the web form over
// a real connection, sees the group, edits an event made with the printed
// API token, and logs out.
func TestOrganiserLoginEndToEnd(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			ctx := context.Background()
			getenv := env("TURNOUT_ADDR", "127.0.0.1:0", "TURNOUT_DATABASE_URL", target.URL)
			if err := run(ctx, []string{"migrate"}, getenv, nil, io.Discard, io.Discard); err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			args := []string{"organiser", "add", "--email", "ana@example.org", "--name", "Ana", "--group", "night-shift", "--password-stdin"}
			if err := run(ctx, args, getenv, strings.NewReader("a long enough password\n"), &out, io.Discard); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			token := lines[len(lines)-1]
			base, stop := startServer(t, getenv)
			defer func() {
				if err := stop(); err != nil {
					t.Error(err)
				}
			}()

			req, _ := http.NewRequest("POST", base+"/api/v1/groups/night-shift/events", strings.NewReader(
				`{"title": "Picket at the depot", "kind": "picket", "starts_at": "2031-02-03T05:00", "ends_at": "2031-02-03T08:00", "timezone": "Europe/London"}`))
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var created struct{ Slug string }
			_ = json.NewDecoder(resp.Body).Decode(&created)
			resp.Body.Close()
			if resp.StatusCode != 201 || created.Slug == "" {
				t.Fatalf("API create: %d", resp.StatusCode)
			}

			jar, _ := cookiejar.New(nil)
			client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			fetch := func(method, path string, form url.Values) (*http.Response, string) {
				t.Helper()
				req, _ := http.NewRequest(method, base+path, strings.NewReader(form.Encode()))
				if form != nil {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp, string(b)
			}
			csrf := regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
			_, page := fetch("GET", "/login", nil)
			form := url.Values{"_csrf": {csrf.FindStringSubmatch(page)[1]}, "email": {"ana@example.org"}, "password": {"a long enough password"}, "next": {"/events/" + created.Slug + "/edit"}}
			resp, _ = fetch("POST", "/login", form)
			if resp.StatusCode != 303 || resp.Header.Get("Location") != "/events/"+created.Slug+"/edit" {
				t.Fatalf("login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
			}
			resp, page = fetch("GET", "/events/"+created.Slug+"/edit", nil)
			if resp.StatusCode != 200 || !strings.Contains(page, `value="2031-02-03T05:00"`) {
				t.Fatalf("edit page: %d", resp.StatusCode)
			}
			edit := url.Values{"_csrf": {csrf.FindStringSubmatch(page)[1]}, "title": {"Picket at the depot gates"}, "kind": {"picket"},
				"starts_at": {"2031-02-03T05:00"}, "ends_at": {"2031-02-03T08:00"}, "timezone": {"Europe/London"}, "status": {"published"}}
			if resp, _ = fetch("POST", "/events/"+created.Slug+"/edit", edit); resp.StatusCode != 303 {
				t.Fatalf("save: %d", resp.StatusCode)
			}
			// Publishing gives the draft its public slug.
			published := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/events/"), "/edit")
			if published != "picket-at-the-depot-gates-2031-02-03" {
				t.Fatalf("published as %q", published)
			}
			if _, public := fetch("GET", "/events/"+published, nil); !strings.Contains(public, "Picket at the depot gates") {
				t.Fatal("the published edit is not public")
			}
			if resp, _ = fetch("POST", "/logout", url.Values{"_csrf": edit["_csrf"]}); resp.StatusCode != 303 {
				t.Fatalf("logout: %d", resp.StatusCode)
			}
			if resp, _ = fetch("GET", "/dashboard", nil); resp.StatusCode != 303 {
				t.Fatalf("dashboard after logout: %d", resp.StatusCode)
			}
		})
	}
}
