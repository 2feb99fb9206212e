package guard

import (
	"slices"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// inlineGuard sees every "[", "]", "!", "*", "_", "~" and "`" of a block
// before goldmark's parsers do. It returns nil, letting them parse as
// usual, except where they would do more than linear work:
//   - a code span opener with no closer later in the block is returned as
//     text at once; goldmark returns the same text, after scanning the rest
//     of the block for the closer, once per opener;
//   - in a block whose links would take more than its link budget, every
//     bracket is text;
//   - in a block whose emphasis would take more than its emphasis budget,
//     every "*", "_" and "~" is text;
//   - a run of more than maxQuoteRun quotes is text: the typographer
//     rescans the rest of the run at each quote.
type inlineGuard struct{}

// maxQuoteRun is the longest run of one quote character left to the
// typographer; no prose has more than a few in a row.
const maxQuoteRun = 16

func (inlineGuard) Trigger() []byte { return []byte{'[', ']', '!', '*', '_', '~', '`', '\'', '"'} }

func (inlineGuard) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	st := stateOf(parent, block.Source(), pc)
	switch c := line[0]; c {
	case '`':
		n := runLength(line, func(b byte) bool { return b == '`' })
		if st.hasCodeCloser(seg.Start, n) {
			return nil
		}
		return literal(block, seg, n)
	case '\'', '"':
		c := line[0]
		if n := runLength(line, func(b byte) bool { return b == c }); n > maxQuoteRun {
			return literal(block, seg, n)
		}
		return nil
	case '!':
		if len(line) < 2 || line[1] != '[' {
			return nil
		}
		fallthrough
	case '[', ']':
		if isFootnoteRef(line) && footnoteRefsSpent(pc) {
			return literal(block, seg, 1)
		}
		if !st.literalLinks(pc) {
			return nil
		}
		return literal(block, seg, runLength(line, func(b byte) bool { return b == '[' || b == ']' || b == '!' }))
	default: // '*', '_', '~'
		if !st.literalEmphasis() {
			return nil
		}
		return literal(block, seg, runLength(line, func(b byte) bool { return b == c }))
	}
}

// MaxFootnoteRefs is how many footnote references a page may have; later
// ones are shown as written. goldmark looks each one up by walking the
// list of definitions and writes a back link for each: 60,000 references
// to one note (240 KB) made 11 MB of HTML and took 3 s.
const MaxFootnoteRefs = 1000

// isFootnoteRef reports a line that starts with "[^" or "![^".
func isFootnoteRef(line []byte) bool {
	if len(line) > 0 && line[0] == '!' {
		line = line[1:]
	}
	return len(line) > 1 && line[0] == '[' && line[1] == '^'
}

// footnoteRefsSpent counts one more possible footnote reference and
// reports whether the page is past MaxFootnoteRefs.
func footnoteRefsSpent(pc parser.Context) bool {
	n, _ := pc.Get(footnoteKey).(int)
	pc.Set(footnoteKey, n+1)
	return n >= MaxFootnoteRefs
}

func literal(block text.Reader, seg text.Segment, n int) ast.Node {
	block.Advance(n)
	return ast.NewTextSegment(seg.WithStop(seg.Start + n))
}

func runLength(line []byte, in func(byte) bool) int {
	n := 0
	for n < len(line) && in(line[n]) {
		n++
	}
	return n
}

var (
	stateKey    = parser.NewContextKey()
	literalKey  = parser.NewContextKey()
	footnoteKey = parser.NewContextKey()
)

// LiteralLinks returns the blocks of the parse that pc belongs to whose
// brackets the guard turned into text. A link in them is not a link to
// goldmark, but may be one to another markdown reader.
func LiteralLinks(pc parser.Context) []ast.Node {
	l, _ := pc.Get(literalKey).([]ast.Node)
	return l
}

// verdict is a per-block decision, made on first need.
type verdict uint8

const (
	unknown verdict = iota
	parse
	asText
)

// blockState is what the guard knows of the block being parsed. Inline
// parsing goes block by block, so one is kept at a time.
type blockState struct {
	node     ast.Node
	source   []byte
	links    verdict
	emphasis verdict
	// codeRuns maps a backtick run length to the starts of the maximal
	// runs of that length, in source order; nil until a backtick is met.
	codeRuns map[int][]int
}

func stateOf(node ast.Node, source []byte, pc parser.Context) *blockState {
	if st, ok := pc.Get(stateKey).(*blockState); ok && st.node == node {
		return st
	}
	st := &blockState{node: node, source: source}
	pc.Set(stateKey, st)
	return st
}

// hasCodeCloser reports whether a run of exactly n backticks starts after
// pos in the block. goldmark's closer scan sees each run from its first
// backtick, so the closers are the maximal runs.
func (st *blockState) hasCodeCloser(pos, n int) bool {
	if st.codeRuns == nil {
		st.codeRuns = map[int][]int{}
		lines := st.node.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			for j := seg.Start; j < seg.Stop; {
				if st.source[j] != '`' {
					j++
					continue
				}
				k := j
				for k < seg.Stop && st.source[k] == '`' {
					k++
				}
				st.codeRuns[k-j] = append(st.codeRuns[k-j], j)
				j = k
			}
		}
	}
	starts := st.codeRuns[n]
	i, _ := slices.BinarySearch(starts, pos+1)
	return i < len(starts)
}

func (st *blockState) literalLinks(pc parser.Context) bool {
	if st.links == unknown {
		st.links = parse
		t, lines, closers, _ := st.text()
		if closers >= cheapRuns && !linksFit(t, lines, pc) {
			st.links = asText
			pc.Set(literalKey, append(LiteralLinks(pc), st.node))
		}
	}
	return st.links == asText
}

func (st *blockState) literalEmphasis() bool {
	if st.emphasis == unknown {
		st.emphasis = parse
		t, _, _, runs := st.text()
		if runs >= cheapRuns && !emphasisFits(t) {
			st.emphasis = asText
		}
	}
	return st.emphasis == asText
}

// text is the block's lines joined, each ending in "\n", with its number of
// lines, of "]" and of delimiter characters. Before the join, the counts
// decide whether the analysis is needed at all.
func (st *blockState) text() (t []byte, lines, closers, runs int) {
	segs := st.node.Lines()
	size := 0
	for i := range segs.Len() {
		seg := segs.At(i)
		for _, c := range st.source[seg.Start:seg.Stop] {
			switch c {
			case ']':
				closers++
			case '*', '_', '~':
				runs++
			}
		}
		size += seg.Len() + 1
	}
	lines = segs.Len()
	if closers < cheapRuns && runs < cheapRuns {
		return nil, lines, closers, runs
	}
	t = make([]byte, 0, size)
	for i := range segs.Len() {
		seg := segs.At(i)
		t = append(t, st.source[seg.Start:seg.Stop]...)
		if len(t) == 0 || t[len(t)-1] != '\n' {
			t = append(t, '\n')
		}
	}
	return t, lines, closers, runs
}

// isEscape reports a backslash escape at t[i], as goldmark reads one.
func isEscape(t []byte, i int) bool {
	return t[i] == '\\' && i+1 < len(t) && util.IsPunct(t[i+1])
}
