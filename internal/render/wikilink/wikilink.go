// Package wikilink parses [[Page]], [[Page|text]] and [[Page#section|text]].
// It only parses: what a target means depends on the page set, so the caller
// resolves each Node (sets Destination and Class) between parse and render.
package wikilink

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Kind is the ast.NodeKind of Node.
var Kind = ast.NewNodeKind("WikiLink")

// Node is one [[...]] link. Its child is the label as text: escapes and
// entities are resolved, but a label is never parsed as markdown or HTML.
type Node struct {
	ast.BaseInline
	Target   []byte // as written, trimmed, without the fragment
	Fragment []byte // after '#', trimmed
	// Destination is the href; nil renders the label as plain text, which is
	// how a target that names no possible page is shown.
	Destination []byte
	Class       []byte
}

// Kind implements ast.Node.
func (n *Node) Kind() ast.NodeKind { return Kind }

// Dump implements ast.Node.
func (n *Node) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{
		"Target":      string(n.Target),
		"Fragment":    string(n.Fragment),
		"Destination": string(n.Destination),
		"Class":       string(n.Class),
	}, nil)
}

type extension struct{}

// New returns the extension.
func New() goldmark.Extender { return extension{} }

func (extension) Extend(m goldmark.Markdown) {
	// Before the link parser (200), so "[[" is not read as a nested link.
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(inlineParser{}, 199)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(htmlRenderer{}, 199)))
}

type inlineParser struct{}

func (inlineParser) Trigger() []byte { return []byte{'['} }

func (inlineParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	if len(line) < 5 || line[1] != '[' {
		return nil
	}
	inner, ok := linkEnd(line)
	if !ok {
		return nil
	}
	end := len(inner)
	// "[[a]](b)" is a CommonMark link whose text is "[a]".
	if rest := line[2+end+2:]; len(rest) > 0 && rest[0] == '(' {
		return nil
	}
	base := seg.Start + 2
	targetEnd, labelStart := len(inner), -1
	if i := bytes.IndexByte(inner, '|'); i >= 0 {
		targetEnd, labelStart = i, i+1
		// Inside a table the separator must be written "\|".
		if i > 0 && inner[i-1] == '\\' {
			targetEnd--
		}
	}
	target := inner[:targetEnd]
	var fragment []byte
	if i := bytes.IndexByte(target, '#'); i >= 0 {
		target, fragment = target[:i], target[i+1:]
	}
	target, fragment = bytes.TrimSpace(target), bytes.TrimSpace(fragment)
	if len(target) == 0 && len(fragment) == 0 {
		return nil
	}
	label := text.NewSegment(base, base+targetEnd)
	if labelStart >= 0 {
		l := text.NewSegment(base+labelStart, base+len(inner))
		if l = l.TrimLeftSpace(block.Source()); l.Len() > 0 {
			label = l
		}
	}
	label = label.TrimLeftSpace(block.Source())
	label = label.TrimRightSpace(block.Source())
	block.Advance(2 + end + 2)
	n := &Node{Target: bytes.Clone(target), Fragment: bytes.Clone(fragment)}
	n.AppendChild(n, ast.NewTextSegment(label))
	return n
}

// linkEnd returns what is between "[[" and "]]" at the start of line. The
// target and label hold no bracket and no line end, so the link ends at the
// first bracket after "[[", which must start "]]". Searching for "]]"
// instead scanned the rest of the line at every "[", quadratic in "[[[[".
func linkEnd(line []byte) (inner []byte, ok bool) {
	end := bytes.IndexAny(line[2:], "[]")
	if end < 0 || line[2+end] != ']' || 2+end+1 >= len(line) || line[2+end+1] != ']' {
		return nil, false
	}
	inner = line[2 : 2+end]
	return inner, bytes.IndexByte(inner, '\n') < 0
}

type htmlRenderer struct{}

func (htmlRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(Kind, render)
}

func render(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*Node)
	if n.Destination == nil {
		return ast.WalkContinue, nil
	}
	if !entering {
		_, _ = w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<a href="`)
	_, _ = w.Write(util.EscapeHTML(util.URLEscape(n.Destination, false)))
	_ = w.WriteByte('"')
	if len(n.Class) > 0 {
		_, _ = w.WriteString(` class="`)
		_, _ = w.Write(util.EscapeHTML(n.Class))
		_ = w.WriteByte('"')
	}
	_ = w.WriteByte('>')
	return ast.WalkContinue, nil
}
