package browsertest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestToolsCheckedBeforeJourneys runs the supporter journeys in a child test
// process with axe-core missing. The no-JavaScript journey, which never runs
// axe-core, still passes, even with CI=true. The journey with JavaScript is
// skipped before it opens its first page: it leaves no screenshot behind.
func TestToolsCheckedBeforeJourneys(t *testing.T) {
	if os.Getenv("TURNOUT_BROWSERTEST_CHILD") != "" {
		t.Skip("runs only in the parent test process")
	}
	needBrowser(t)
	noModules := t.TempDir()
	run := func(test, shots string, env ...string) string {
		cmd := exec.Command(os.Args[0], "-test.run", "^"+test+"$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "TURNOUT_BROWSERTEST_CHILD=1", "TURNOUT_NODE_MODULES="+noModules, "TURNOUT_BROWSER_SHOTS="+shots)
		cmd.Env = append(cmd.Env, env...)
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	if out := run("TestSupporterJourneyNoJavaScript", t.TempDir(), "CI=true"); !strings.Contains(out, "--- PASS: TestSupporterJourneyNoJavaScript") {
		t.Errorf("the no-JavaScript journey without axe-core did not pass:\n%s", out)
	}
	shots := t.TempDir()
	out := run("TestSupporterJourney", shots, "CI=")
	if !strings.Contains(out, "--- SKIP: TestSupporterJourney") || !strings.Contains(out, "axe-core not found") {
		t.Errorf("the journey with JavaScript was not skipped for want of axe-core:\n%s", out)
	}
	if left, err := os.ReadDir(shots); err != nil || len(left) > 0 {
		t.Errorf("the skipped journey had already visited %d pages (%v)", len(left), err)
	}
}
