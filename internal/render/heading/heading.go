// Package heading gives every heading a readable, unique id and gives h2–h6 a
// self-link, so any section can be linked to by a name a person can read.
package heading

import (
	"strconv"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// maxSlug keeps ids short enough to read in a URL bar.
const maxSlug = 80

// Slug turns heading text into an id: lowercase letters and digits of any
// script, "_" kept, runs of spaces and dashes become one "-", other
// punctuation is dropped. "¿Qué es una Política?" becomes "qué-es-una-política".
func Slug(s string) string {
	out := make([]rune, 0, len(s))
	dash := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) || r == '_':
			if dash && len(out) > 0 {
				if len(out)+1 >= maxSlug {
					return string(out)
				}
				out = append(out, '-')
			}
			dash = false
			out = append(out, unicode.ToLower(r))
			if len(out) >= maxSlug {
				return string(out)
			}
		case unicode.IsSpace(r) || r == '-':
			dash = true
		}
	}
	return string(out)
}

// IDs is a parser.IDs that makes Slug ids unique within one document by
// appending -1, -2, ... Install a fresh one per parse with parser.WithIDs.
type IDs struct {
	used map[string]bool
	next map[string]int
}

// NewIDs returns an empty id set.
func NewIDs() *IDs {
	return &IDs{used: map[string]bool{}, next: map[string]int{}}
}

// Generate implements parser.IDs.
func (s *IDs) Generate(value []byte, kind ast.NodeKind) []byte {
	base := Slug(string(value))
	if base == "" {
		base = "section"
		if kind != ast.KindHeading {
			base = "id"
		}
	}
	if !s.used[base] {
		s.used[base] = true
		return []byte(base)
	}
	for i := s.next[base] + 1; ; i++ {
		id := base + "-" + strconv.Itoa(i)
		if !s.used[id] {
			s.used[id] = true
			s.next[base] = i
			return []byte(id)
		}
	}
}

// Put implements parser.IDs.
func (s *IDs) Put(value []byte) { s.used[string(value)] = true }

// AppendText appends the plain text of n's inline content as a reader sees
// it: escapes and entities resolved, markup and raw HTML dropped.
func AppendText(buf []byte, n ast.Node, source []byte) []byte {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			v := c.Segment.Value(source)
			if !c.IsRaw() {
				v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
			}
			buf = append(buf, v...)
			if c.SoftLineBreak() || c.HardLineBreak() {
				buf = append(buf, ' ')
			}
		case *ast.String:
			buf = append(buf, util.ResolveEntityNames(util.ResolveNumericReferences(c.Value))...)
		case *ast.AutoLink:
			buf = append(buf, c.Label(source)...)
		case *ast.RawHTML:
		default:
			buf = AppendText(buf, c, source)
		}
	}
	return buf
}

// Option configures the extension.
type Option func(*config)

type config struct{ minAnchor, maxAnchor int }

// WithAnchorLevels sets which heading levels get a self-link (default 2–6;
// the page title h1 needs none).
func WithAnchorLevels(min, max int) Option {
	return func(c *config) { c.minAnchor, c.maxAnchor = min, max }
}

type extension struct{ cfg config }

// New returns the extension. Ids come from the parse context's IDs, so pass
// parser.WithIDs(NewIDs()) to get unicode-aware ones.
func New(opts ...Option) goldmark.Extender {
	e := &extension{cfg: config{minAnchor: 2, maxAnchor: 6}}
	for _, o := range opts {
		o(&e.cfg)
	}
	return e
}

func (e *extension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(idTransformer{}, 900)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(&htmlRenderer{cfg: e.cfg}, 100)))
}

// idTransformer ids headings from their rendered text rather than the raw
// line goldmark would use, so "## See [docs](http://x)" becomes "see-docs".
type idTransformer struct{}

func (idTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	source := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		if id, ok := h.AttributeString("id"); ok {
			if b, ok := id.([]byte); ok {
				pc.IDs().Put(b)
				return ast.WalkSkipChildren, nil
			}
		}
		h.SetAttributeString("id", pc.IDs().Generate(AppendText(nil, h, source), ast.KindHeading))
		return ast.WalkSkipChildren, nil
	})
}

type htmlRenderer struct{ cfg config }

func (r *htmlRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, r.render)
}

// render puts the self-link after the text and hides it from assistive
// technology: a heading's accessible name stays its own text, and the same
// links are offered to everyone by the table of contents.
func (r *htmlRenderer) render(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	level := "0123456"[n.Level]
	if entering {
		_, _ = w.WriteString("<h")
		_ = w.WriteByte(level)
		if n.Attributes() != nil {
			html.RenderAttributes(w, node, html.HeadingAttributeFilter)
		}
		_ = w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if n.Level >= r.cfg.minAnchor && n.Level <= r.cfg.maxAnchor {
		if v, ok := n.AttributeString("id"); ok {
			if id, ok := v.([]byte); ok {
				_, _ = w.WriteString(` <a class="anchor" href="#`)
				_, _ = w.Write(util.EscapeHTML(util.URLEscape(id, false)))
				_, _ = w.WriteString(`" aria-hidden="true" tabindex="-1">#</a>`)
			}
		}
	}
	_, _ = w.WriteString("</h")
	_ = w.WriteByte(level)
	_, _ = w.WriteString(">\n")
	return ast.WalkContinue, nil
}
