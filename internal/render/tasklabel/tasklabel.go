// Package tasklabel gives each task-list checkbox its item's text as its
// name. goldmark writes "<li><input disabled type=checkbox> Buy milk</li>":
// a screen reader then announces an unnamed checkbox (axe-core's "label"
// rule, critical). Here the checkbox and the rest of its line go inside a
// <label>, so it reads "Buy milk, checkbox, checked". A nested list stays
// outside the label: only the item's own line names it.
package tasklabel

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// KindLabel is the kind of Label nodes.
var KindLabel = ast.NewNodeKind("TaskLabel")

// Label holds a task checkbox and the inline content after it.
type Label struct{ ast.BaseInline }

// Kind implements ast.Node.
func (*Label) Kind() ast.NodeKind { return KindLabel }

// Dump implements ast.Node.
func (n *Label) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

type extension struct{}

// New returns the extension; it goes with goldmark's TaskList.
func New() goldmark.Extender { return extension{} }

func (extension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(transformer{}, 500)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(labelRenderer{}, 500)))
}

type transformer struct{}

// Transform moves every task checkbox, with the siblings after it, into a
// Label in its place. The checkbox parser only makes one as the first
// inline of a list item's first block, so the siblings are that line.
func (transformer) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var boxes []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if n.Type() == ast.TypeInline {
			if _, ok := n.(*east.TaskCheckBox); ok {
				boxes = append(boxes, n)
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, box := range boxes {
		parent := box.Parent()
		label := &Label{}
		parent.InsertBefore(parent, box, label)
		for c := box; c != nil; {
			next := c.NextSibling()
			parent.RemoveChild(parent, c)
			label.AppendChild(label, c)
			c = next
		}
	}
}

type labelRenderer struct{}

func (labelRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindLabel, func(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.WriteString("<label>")
		} else {
			_, _ = w.WriteString("</label>")
		}
		return ast.WalkContinue, nil
	})
}
