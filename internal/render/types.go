package render

import (
	"html/template"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Resolver answers questions about the page set the rendered page lives in.
// It is how rendering marks missing links without importing the read model.
type Resolver interface {
	// Exists reports whether page p exists.
	Exists(p wikipath.Page) bool
	// FindWiki resolves a [[wikilink]] target as a person wrote it (a path, a
	// base name or a title, any case, spaces or hyphens) seen from page from.
	FindWiki(from wikipath.Page, target string) (wikipath.Page, bool)
}

// URLs builds the URLs written into rendered HTML. The server uses absolute
// paths; the static export uses paths relative to the page being rendered.
type URLs interface {
	Page(p wikipath.Page, fragment string) string
	// Create is where a link to a missing page leads.
	Create(p wikipath.Page) string
	// File is the URL of an attachment, given its content-root-relative path.
	File(path string) string
}

// Context is what a render needs to know besides the source.
type Context struct {
	Page wikipath.Page
	// File is the page's file relative to the content root ("a/index.md");
	// relative links resolve against its folder.
	File     string
	Resolver Resolver // nil: every page link is taken to exist
	URLs     URLs     // nil: absolute server URLs
}

// LinkKind tells how a link was written.
type LinkKind int

const (
	LinkWiki     LinkKind = iota // [[Target]]
	LinkMarkdown                 // [text](relative/target.md)
)

// Link is an outgoing link to another page, as written in the source.
type Link struct {
	Kind     LinkKind
	Target   string // without the fragment
	Fragment string
	Line     int // in the source file, front matter included; 0 when unknown
}

// Heading is one entry of the table of contents.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// FrontMatter holds the known keys; Raw keeps every key so an edit can write
// back what it did not understand.
type FrontMatter struct {
	Title          string
	Description    string
	Date           string
	Tags           []string
	Category       string
	Weight         int
	Lang           string
	TranslationKey string
	Aliases        []string
	Draft          bool
	Format         string // "yaml", "toml" or "" when there is none
	Raw            map[string]any
}

// Summary is what the read model needs from a page, without rendering HTML.
type Summary struct {
	Title       string // front matter, else first "# heading", else the file name made readable
	Untitled    bool   // the title is the file name made readable: the page gives none
	FrontMatter FrontMatter
	Links       []Link
	Anchors     []string // the ids of every heading, which links may name after #
	Text        string   // plain text of the body, for search and snippets
	Warnings    []string // shown on the page, e.g. front matter that does not parse
}

// Document is a rendered page.
type Document struct {
	Summary
	HTML template.HTML // sanitized body
	TOC  []Heading
	// Sections are the parts of the page that can be edited on their own.
	Sections []Section
}
