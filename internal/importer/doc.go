// Package importer brings content from elsewhere into a wiki repository: a
// Confluence space (package confluence) and a Jekyll site (package jekyll)
// each produce a Result, and Commit writes it as one commit.
//
// The shared code lives here: reading a source folder or zip without leaving
// it, turning HTML into markdown through one converter, file names, front
// matter, and the report every import ends with. Imported text is untrusted:
// it passes through the renderer's sanitizer before it is written.
package importer
