// Package browsertest drives Turnout in a real headless Chromium: the
// organiser and supporter journeys, accessibility checks with axe-core, the
// requests a page makes and its weight. The tests live in _test files so the
// web package stays free of browser code; this file only names the package.
//
// Run them with `go test ./internal/browsertest`. They need Chromium (see
// TURNOUT_CHROMIUM) and the axe-core npm package (see TURNOUT_NODE_MODULES);
// without them they skip, except when CI=true, where they fail. Set
// TURNOUT_BROWSER_SHOTS to a directory to keep a phone-sized screenshot of
// every page the journeys visit.
package browsertest
