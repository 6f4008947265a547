// Package web holds Turnout's HTML templates and static assets, embedded into
// the binary.
package web

import "embed"

// Templates holds templates/layouts, templates/partials and templates/pages.
//
//go:embed templates
var Templates embed.FS

// Static holds the stylesheet and icons served under /static.
//
//go:embed static
var Static embed.FS
