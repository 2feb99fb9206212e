// Package wiki holds the starter content that a new gitwiki repository is
// created with. The content itself lives under content/; this file is not
// part of the wiki.
package wiki

import "embed"

// FS is the starter content. The all: prefix keeps files and folders whose
// names start with "_" or "." (such as _templates/).
//
//go:embed all:content
var FS embed.FS
