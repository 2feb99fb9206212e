package render

import (
	"bytes"

	"github.com/gitwiki/gitwiki/internal/render/heading"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Section is a part of a page that can be edited on its own: a heading at
// the top level of the body (not inside a list or a quote) and what follows
// it, up to the next such heading of the same or a higher level. Index
// counts those headings from 1, in the order written; the page view and the
// section editor number them the same way because both come from here.
type Section struct {
	Index int
	Level int
	ID    string // the heading's id
	Text  string // the heading's text
	// Start and End are the section's bytes in the page source, front
	// matter included, from the start of its heading's line.
	Start, End int
}

// Sections finds the sections of a page source with the same parser that
// renders it, so a "#" line in a fenced code block or an HTML block is not
// a heading.
func (r *Renderer) Sections(src []byte) []Section {
	body := bodyOf(src)
	doc := r.md.Parser().Parse(text.NewReader(body), parser.WithContext(parser.NewContext(parser.WithIDs(heading.NewIDs()))))
	out := sections(doc, body)
	offset := len(src) - len(body)
	for i := range out {
		out[i].Start += offset
		out[i].End += offset
	}
	return out
}

// sections lists the top-level headings of doc with their extent in body.
// A heading whose position the parser did not record ends the list: what
// follows could not be cut reliably.
func sections(doc ast.Node, body []byte) []Section {
	var out []Section
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		h, ok := c.(*ast.Heading)
		if !ok {
			continue
		}
		pos := h.Pos()
		if pos < 0 || pos > len(body) {
			break
		}
		start := bytes.LastIndexByte(body[:pos], '\n') + 1
		sec := Section{Index: len(out) + 1, Level: h.Level, Start: start, End: len(body)}
		if v, ok := h.AttributeString("id"); ok {
			if id, ok := v.([]byte); ok {
				sec.ID = string(id)
			}
		}
		sec.Text = tidyText(heading.AppendText(nil, h, body))
		out = append(out, sec)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j].Level <= out[i].Level {
				out[i].End = out[j].Start
				break
			}
		}
	}
	return out
}

// ReplaceSection puts text in place of section n of src, as Sections
// numbers them, and leaves every other byte as it was. The section's
// trailing line breaks (the blank line before the next heading) are kept
// whatever text ends with, so the next heading stays a heading; an empty
// text removes the section. ok is false when src has no section n.
func (r *Renderer) ReplaceSection(src []byte, n int, text []byte) (out []byte, ok bool) {
	secs := r.Sections(src)
	if n < 1 || n > len(secs) {
		return nil, false
	}
	s := secs[n-1]
	old := src[s.Start:s.End]
	text = bytes.TrimRight(text, "\r\n")
	out = make([]byte, 0, len(src)-len(old)+len(text)+2)
	out = append(out, src[:s.Start]...)
	if len(text) > 0 {
		out = append(out, text...)
		out = append(out, old[len(bytes.TrimRight(old, "\r\n")):]...)
		if s.End < len(src) && !bytes.HasSuffix(out, []byte("\n")) {
			out = append(out, '\n')
		}
	}
	return append(out, src[s.End:]...), true
}
