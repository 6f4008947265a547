// Package migrations holds the versioned SQL schema of Turnout, one folder per
// database dialect, embedded into the binary so that `turnout migrate` and
// `turnout serve` can apply it without files on disk.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql, goose-formatted migrations.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
