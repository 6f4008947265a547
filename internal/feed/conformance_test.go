package feed

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/turnout-org/turnout/internal/turnout"
)

// checkedEvent is what the outside parsers print for one event.
type checkedEvent struct {
	UID, Summary, Description, Location, Status, TZID, Organizer, CN string
	Sequence                                                         int
	Start, End                                                       int64
	Categories, Props                                                []string
}

// missingTool skips the test, or fails it under CI=true, where every checker
// must be installed (.ci/run installs them).
func missingTool(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but "+format, args...)
	}
	t.Skipf(format, args...)
}

// nodeModules finds ical.js: $TURNOUT_NODE_MODULES, or .ci/node/node_modules
// at the root of the repository.
func nodeModules(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("TURNOUT_NODE_MODULES"); dir != "" {
		return dir
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".ci", "node", "node_modules")
		}
	}
	return ""
}

// conformanceFeeds are the feeds both checkers must read as the events say.
func conformanceFeeds() map[string]Calendar {
	tricky := londonClockChange()
	tricky.Title = "Commas, semicolons; back\\slashes \"quotes\"\nnew line 🌊"
	tricky.Venue = "Café \"Bar\"; 1\\2, upstairs"
	tricky.Description = strings.Repeat("Longer text é🌊 ", 40)
	c := testCalendar()
	c.Events = append(c.Events, tricky)
	c.Events[3].ID, c.Events[3].UID = 4, "5f5e5d5c-0000-4000-8000-000000000004"
	c.Events[3].StartsAt, c.Events[3].EndsAt = c.Events[3].StartsAt.AddDate(1, 7, 0), c.Events[3].EndsAt.AddDate(1, 7, 0)
	return map[string]Calendar{"fixtures": testCalendar(), "tricky": c}
}

func runChecker(t *testing.T, cmd *exec.Cmd, feed []byte) (components []string, events []checkedEvent) {
	t.Helper()
	cmd.Stdin = bytes.NewReader(feed)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd.Path, err, stderr.String())
	}
	var got struct {
		Components []string
		Events     []checkedEvent
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s printed %q: %v", cmd.Path, out, err)
	}
	return got.Components, got.Events
}

func checkConformance(t *testing.T, newCmd func() *exec.Cmd) {
	for name, c := range conformanceFeeds() {
		t.Run(name, func(t *testing.T) {
			feed := mustICal(t, c)
			comps, events := runChecker(t, newCmd(), feed)
			_, wantComps := parseEmersion(t, feed)
			if strings.Join(comps, ",") != strings.Join(wantComps, ",") || len(events) != len(c.Events) {
				t.Fatalf("components %v, %d events; want %v, %d", comps, len(events), wantComps, len(c.Events))
			}
			byUID := map[string]*turnout.Event{}
			for _, e := range c.Events {
				byUID[e.UID] = e
			}
			for _, got := range events {
				e := byUID[got.UID]
				if e == nil {
					t.Fatalf("unknown UID %q", got.UID)
				}
				compareChecked(t, got, e)
			}
		})
	}
}

func compareChecked(t *testing.T, got checkedEvent, e *turnout.Event) {
	t.Helper()
	status := "CONFIRMED"
	if e.Cancelled() {
		status = "CANCELLED"
	}
	tzid := e.Timezone
	if isUTC(e.Location()) {
		tzid = ""
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"start", got.Start, e.StartsAt.Unix()},
		{"end", got.End, e.EndsAt.Unix()},
		{"status", got.Status, status},
		{"sequence", got.Sequence, e.Sequence},
		{"summary", got.Summary, e.Title},
		{"description", got.Description, DescriptionText(e, EventURL(testBase, e))},
		{"location", got.Location, e.Place()},
		{"categories", strings.Join(got.Categories, "|"), e.Kind},
		{"cn", got.CN, cleanParam(e.Group.Name)},
	}
	if tzid != "" {
		checks = append(checks, struct {
			what      string
			got, want any
		}{"tzid", got.TZID, tzid})
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("event %s: %s = %v, want %v", e.Slug, c.what, c.got, c.want)
		}
	}
}

// TestICalJS validates feeds with ical.js, Thunderbird's parser, using only
// the VTIMEZONE data in the feed to place times.
func TestICalJS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		missingTool(t, "node is not installed")
	}
	mods := nodeModules(t)
	if _, err := os.Stat(filepath.Join(mods, "ical.js", "package.json")); err != nil {
		missingTool(t, "ical.js not found in %s: run npm ci --prefix .ci/node or set TURNOUT_NODE_MODULES", mods)
	}
	checkConformance(t, func() *exec.Cmd { return exec.Command(node, filepath.Join("testdata", "icaljs_check.cjs"), mods) })
}

// TestPythonICalendar validates feeds with Debian's python3-icalendar.
func TestPythonICalendar(t *testing.T) {
	python := ""
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import icalendar").Run() == nil {
			python = path
			break
		}
	}
	if python == "" {
		missingTool(t, "no python3 with the icalendar module (Debian: apt-get install python3-icalendar)")
	}
	checkConformance(t, func() *exec.Cmd { return exec.Command(python, filepath.Join("testdata", "icalendar_check.py")) })
}
