// Package guard keeps goldmark's work linear in the size of its input.
//
// goldmark v1.8.7 does quadratic work (or worse) on a handful of input
// shapes: "[](" repeated rescans the rest of its line at every "]", a closing
// "_" with no opener scans back over every earlier delimiter, each link
// reference definition found copies the rest of its paragraph, every table
// row is padded to the header's width, and each nesting level of "> > >" is
// one more block to continue on every line. 240 KB of "[](" took 55 s of CPU.
// Any page can be such an input: previews and proposals are anonymous, and
// pages arrive by git push too.
//
// The guard does not change how goldmark reads a normal document. It
// measures, per inline block, what goldmark would spend on links and on
// emphasis, replaying goldmark's own scans with a step counter that stops
// at a budget linear in the block's length; a block over budget has that
// construct shown as the literal characters it was written with. Code spans
// without a closer, tables, link reference definitions and container depth
// are handled exactly or by bounds no real page reaches (see each part).
// docs/notes-render-dos.md has the measurements.
package guard

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/util"
)

// MaxDepth is how many container blocks (block quotes, lists, list items,
// footnote definitions) may enclose a block. Past it, a line that would
// open another container is a paragraph of its own text.
const MaxDepth = 32

// Per-block work budgets, in goldmark scan steps, as budget(len) = k*len + c.
// Real pages stay far below them (TestBudgetsSpareRealPages measures the
// corpora); the constant lets short blocks do anything.
const (
	linkSteps      = 16
	emphasisSteps  = 16
	budgetConstant = 1 << 14
)

// Bounds that make the analysis cheap to skip: a block with fewer link
// closers and fewer delimiter runs than this cannot do more than
// cheapRuns*len(block) steps of either kind.
const cheapRuns = 32

// NewParser is goldmark's default parser, but with link reference
// definitions read in bounded chunks (see linkRefs) instead of by goldmark's
// own transformer, whose cost is quadratic in the number of definitions.
// Use it with goldmark.WithParser, and add New to the extensions.
func NewParser() parser.Parser {
	return parser.NewParser(
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(util.Prioritized(linkRefs{}, 100)),
	)
}

type guardExtension struct{}

// New returns the extension: the inline guard, the depth bound and the
// table bound. It must be the last extension that adds inline parsers with
// a priority below 10, so its inline guard sees every trigger first.
func New() goldmark.Extender { return guardExtension{} }

func (guardExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithInlineParsers(util.Prioritized(inlineGuard{}, 0)),
		parser.WithBlockParsers(util.Prioritized(newDepthGuard(), 0)),
		// After link references (100), before tables (200).
		parser.WithParagraphTransformers(util.Prioritized(tableGuard{}, 150)),
	)
}

// budget is the number of steps a block of n bytes may take.
func budget(perByte, n int) int { return perByte*n + budgetConstant }
