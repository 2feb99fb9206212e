// Package dashes keeps command-line flags as they were typed. goldmark's
// typographer turns "--" into an en dash and "---" into an em dash wherever
// they occur, so "run it with --force" showed "–force", and a reader who
// copied the command got one that fails. A run of dashes directly followed
// by a letter or a digit is therefore left alone; a dash run anywhere else
// ("a -- b", "wait---", "--") is still typeset. Code spans and code blocks
// are never typeset in the first place.
package dashes

import (
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

type dashExtension struct{}

// New returns the extension. It only matters together with the typographer.
func New() goldmark.Extender { return dashExtension{} }

func (dashExtension) Extend(m goldmark.Markdown) {
	// Before the typographer (9999), the only other parser of '-'.
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(flagParser{}, 9000)))
}

type flagParser struct{}

func (flagParser) Trigger() []byte { return []byte{'-'} }

// Parse returns a dash run followed by a letter or digit as plain text, so
// the typographer never sees it; otherwise nil, and the typographer decides.
func (flagParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	n := 0
	for n < len(line) && line[n] == '-' {
		n++
	}
	if n < 2 || n == len(line) {
		return nil
	}
	r, _ := utf8.DecodeRune(line[n:])
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return nil
	}
	block.Advance(n)
	return ast.NewTextSegment(seg.WithStop(seg.Start + n))
}
