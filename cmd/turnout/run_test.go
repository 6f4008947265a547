package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/turnout-org/turnout/internal/config"
	"github.com/turnout-org/turnout/internal/store"
	"github.com/turnout-org/turnout/internal/store/storetest"
)

// env builds a getenv from pairs.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// startServer runs `turnout serve` in the background and returns its base URL
// and a function that stops it and reports run's error.
func startServer(t *testing.T, getenv func(string) string, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), getenv, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	listening := regexp.MustCompile(`listening on (http://\S+)`)
	base := make(chan string, 1)
	go func() {
		for lines.Scan() {
			if m := listening.FindStringSubmatch(lines.Text()); m != nil {
				base <- m[1]
			}
		}
		close(base)
	}()
	select {
	case u, ok := <-base:
		if !ok {
			cancel()
			t.Fatalf("server stopped before listening: %v", <-done)
		}
		return u, func() error { cancel(); return <-done }
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("server did not start in 60s")
	}
	return "", nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeDemoEndToEnd(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			getenv := env("TURNOUT_ADDR", "127.0.0.1:0", "TURNOUT_DATABASE_URL", target.URL)
			base, stop := startServer(t, getenv, "--demo")
			for _, path := range []string{"/healthz", "/readyz"} {
				if code, _ := get(t, base+path); code != 200 {
					t.Fatalf("%s: %d", path, code)
				}
			}
			code, home := get(t, base+"/")
			if code != 200 || !strings.Contains(home, "National march: Refugees welcome, racists not") {
				t.Fatalf("home: %d", code)
			}
			link := regexp.MustCompile(`href="(/events/lie-down-for-safe-passage[^"]+)"`).FindStringSubmatch(home)
			if link == nil {
				t.Fatal("home does not link the die-in")
			}
			code, page := get(t, base+link[1])
			if code != 200 || !strings.Contains(page, "Why we lie down in stations") || !strings.Contains(page, "Edinburgh Waverley") {
				t.Fatalf("event page: %d", code)
			}
			code, body := get(t, base+"/api/v1/events")
			var list struct {
				Events []struct{ Slug, Status, URL string } `json:"events"`
			}
			if err := json.Unmarshal([]byte(body), &list); err != nil || code != 200 {
				t.Fatalf("api: %d %v", code, err)
			}
			if u := list.Events[0].URL; !strings.HasPrefix(u, base+"/events/") {
				t.Fatalf("event url %q does not name the bound address %s", u, base)
			}
			cancelled := 0
			for _, e := range list.Events {
				if e.Status == "cancelled" {
					cancelled++
				}
			}
			if len(list.Events) < 6 || cancelled != 1 {
				t.Fatalf("api lists %d events, %d cancelled", len(list.Events), cancelled)
			}
			if err := stop(); err != nil {
				t.Fatalf("shutdown: %v", err)
			}

			// A second start with --demo duplicates nothing.
			base, stop = startServer(t, getenv, "--demo")
			_, body2 := get(t, base+"/api/v1/events")
			var list2 struct {
				Events []struct{ Slug string } `json:"events"`
			}
			_ = json.Unmarshal([]byte(body2), &list2)
			if len(list2.Events) != len(list.Events) {
				t.Fatalf("second --demo: %d events, first %d", len(list2.Events), len(list.Events))
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestOrganiserAdd(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			ctx := context.Background()
			getenv := env("TURNOUT_DATABASE_URL", target.URL)
			var out strings.Builder
			if err := run(ctx, []string{"migrate"}, getenv, nil, &out, io.Discard); err != nil {
				t.Fatal(err)
			}
			out.Reset()
			args := []string{"organiser", "add", "--email", "Ana@Example.org", "--name", "Ana", "--group", "night-shift", "--group-name", "Night Shift", "--password-stdin"}
			if err := run(ctx, args, getenv, strings.NewReader("a long enough password\n"), &out, io.Discard); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			token := lines[len(lines)-1]
			if len(token) < 40 || strings.Contains(token, " ") {
				t.Fatalf("last line is not a token: %q", token)
			}
			st, err := store.Open(ctx, target.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			acct, err := st.FindAccountByToken(ctx, token)
			if err != nil || acct.Email != "ana@example.org" {
				t.Fatalf("token account %+v, %v", acct, err)
			}
			g, err := st.FindGroupBySlug(ctx, "night-shift")
			if err != nil || g.Name != "Night Shift" {
				t.Fatalf("group %+v %v", g, err)
			}

			// Refusals: a clear one-line error and no new group.
			err = run(ctx, []string{"organiser", "add", "--email", "x@y.org", "--name", "X", "--group", "Bad/Slug"}, getenv, nil, io.Discard, io.Discard)
			if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "group") {
				t.Fatalf("bad slug: %v", err)
			}
			err = run(ctx, []string{"organiser", "add", "--email", "x@y.org", "--name", "X", "--group", "ok-group", "--password-stdin"}, getenv, strings.NewReader("short\n"), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "password") {
				t.Fatalf("short password: %v", err)
			}
			if _, err := st.FindGroupBySlug(ctx, "ok-group"); err == nil {
				t.Fatal("refused command created a group")
			}
		})
	}
}

func TestBadConfiguration(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		env  func(string) string
		args []string
		want string
	}{
		{"ErrDatabaseScheme", env("TURNOUT_DATABASE_URL", "mysql://root@db/turnout"), []string{"migrate"}, "want postgres://"},
		{"ErrRetention", env("TURNOUT_RETENTION_DAYS", "soon", "TURNOUT_DATABASE_URL", "sqlite:"+filepath.Join(dir, "a.db")), []string{"migrate"}, "TURNOUT_RETENTION_DAYS"},
		{"ErrUnknownCommand", env("TURNOUT_DATABASE_URL", "sqlite:"+filepath.Join(dir, "b.db")), []string{"frobnicate"}, "unknown command"},
		{"ErrDatabaseURLFileMissing", env("TURNOUT_DATABASE_URL_FILE", filepath.Join(dir, "no-such-secret")), []string{"migrate"}, "TURNOUT_DATABASE_URL_FILE"},
		{"ErrDatabaseURLBothWays", env("TURNOUT_DATABASE_URL", "sqlite:"+filepath.Join(dir, "c.db"), "TURNOUT_DATABASE_URL_FILE", filepath.Join(dir, "no-such-secret")),
			[]string{"migrate"}, "TURNOUT_DATABASE_URL and TURNOUT_DATABASE_URL_FILE are both set"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir()) // where the default sqlite:turnout.db would appear
			err := run(context.Background(), tc.args, tc.env, nil, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line containing %q", err, tc.want)
			}
			if _, err := os.Stat("turnout.db"); err == nil {
				t.Error("a refused configuration created turnout.db")
			}
		})
	}
}

func TestHelp(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"--help"}, env(), nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"turnout [serve] [--demo]", "turnout migrate", "organiser add", "turnout purge", "TURNOUT_DATABASE_URL"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
	for _, s := range config.Settings {
		if !regexp.MustCompile(`(?m)^  ` + s.Name + ` +.*; default ` + regexp.QuoteMeta(s.DefaultShown()) + `$`).MatchString(out.String()) {
			t.Errorf("help lacks the line of %s with its default %q", s.Name, s.DefaultShown())
		}
	}
}
