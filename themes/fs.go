// Package themes holds the default theme, embedded so the binary needs no files.
package themes

import "embed"

// FS holds default/templates and default/static; pass fs.Sub(FS, "default") to theme.Load.
//
//go:embed default
var FS embed.FS
