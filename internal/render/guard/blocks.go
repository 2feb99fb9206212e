package guard

import (
	"bytes"
	"slices"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// depthGuard is a block parser tried before all others. Below MaxDepth it
// declines; at MaxDepth, a line that starts like a container ("> ", "- ",
// "1. ", "[^x]: ", ": ") becomes a paragraph, which goldmark's paragraph
// parser then continues and closes as usual.
type depthGuard struct{ paragraph parser.BlockParser }

func newDepthGuard() depthGuard { return depthGuard{parser.NewParagraphParser()} }

func (depthGuard) Trigger() []byte {
	return []byte{'>', '-', '+', '*', '[', ':', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'}
}

func (g depthGuard) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	if parent.Kind() == ast.KindList {
		return nil, parser.NoChildren // an item of a list counted when it opened
	}
	line, _ := reader.PeekLine()
	levels := 1
	if c := util.TrimLeftSpace(line)[0]; c == '-' || c == '+' || c == '*' || c >= '0' && c <= '9' {
		levels = 2 // a list and its item
	}
	depth := 0
	for n := parent; n != nil && depth+levels <= MaxDepth; n = n.Parent() {
		if n.Kind() != ast.KindDocument {
			depth++
		}
	}
	if depth+levels <= MaxDepth || isThematicBreak(line) {
		return nil, parser.NoChildren
	}
	return g.paragraph.Open(parent, reader, pc)
}

func (g depthGuard) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	return g.paragraph.Continue(node, reader, pc)
}

func (g depthGuard) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	g.paragraph.Close(node, reader, pc)
}

// CanInterruptParagraph: at MaxDepth an open paragraph must not let the
// block quote or list parser, which can interrupt it, open one level more.
func (depthGuard) CanInterruptParagraph() bool { return true }

func (depthGuard) CanAcceptIndentedLine() bool { return false }

// isThematicBreak reports a line of three or more of one of "*-_" and
// spaces, which stays a thematic break at any depth.
func isThematicBreak(line []byte) bool {
	var mark byte
	n := 0
	for _, c := range line {
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		case mark == 0 && (c == '*' || c == '-' || c == '_'):
			mark, n = c, 1
		case c == mark:
			n++
		default:
			return false
		}
	}
	return n >= 3
}

// tableGuard keeps a paragraph from becoming a table whose padded cells
// would far outnumber the bytes written. goldmark pads every body row to
// the header's width, so a header of 30,000 columns over 60,000 one-cell
// rows (240 KB) is 1.8 billion cells: the process runs out of memory. Such
// a paragraph stays a paragraph, its pipes shown as written.
type tableGuard struct{}

// maxCells is how many cells a table written in n bytes may have. A table
// with every cell written has fewer cells than bytes.
func maxCells(n int) int { return 2*n + budgetConstant }

func (tableGuard) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	source := reader.Source()
	size := 0
	for i := range lines.Len() {
		seg := lines.At(i)
		size += seg.Len()
	}
	for i := 1; i < lines.Len(); i++ {
		seg := lines.At(i)
		cols := delimiterColumns(seg.Value(source))
		if cols == 0 {
			continue
		}
		if rows := lines.Len() - i; cols*rows <= maxCells(size) {
			return
		}
		plain := ast.NewParagraph()
		plain.SetBlankPreviousLines(node.HasBlankPreviousLines())
		plain.SetLines(trimmed(lines, source))
		node.Parent().ReplaceChild(node.Parent(), node, plain)
		return
	}
}

// delimiterColumns is the number of columns of a table delimiter row
// ("|---|:-:|"), or 0 when the line is not one. It is goldmark's test
// without checking each column's shape, so it may count a line goldmark
// would refuse; that only makes the guard stricter.
func delimiterColumns(line []byte) int {
	if w, _ := util.IndentWidth(line, 0); w > 3 {
		return 0
	}
	dash := false
	for _, c := range line {
		switch {
		case c == '-':
			dash = true
		case c == '|' || c == ':' || util.IsSpace(c):
		default:
			return 0
		}
	}
	if !dash || bytes.Count(line, []byte("-")) == len(bytes.TrimSpace(line)) {
		return 0 // no dash, or only dashes: a setext underline or a break
	}
	cols := bytes.Split(line, []byte{'|'})
	if util.IsBlank(cols[0]) {
		cols = cols[1:]
	}
	if len(cols) > 0 && util.IsBlank(cols[len(cols)-1]) {
		cols = cols[:len(cols)-1]
	}
	return len(cols)
}

// trimmed is what goldmark's paragraph parser does when it closes a
// paragraph: leading spaces off every line, trailing ones off the last.
func trimmed(lines *text.Segments, source []byte) *text.Segments {
	out := text.NewSegments()
	for i := range lines.Len() {
		seg := lines.At(i)
		out.Append(seg.TrimLeftSpace(source))
	}
	if n := out.Len(); n > 0 {
		last := out.At(n - 1)
		out.Set(n-1, last.TrimRightSpace(source))
	}
	return out
}

// linkRefs reads link reference definitions as goldmark's transformer does,
// but hands it at most about refChunk lines at a time. goldmark's
// transformer copies the rest of the paragraph's lines for every definition
// it removes, so 34,000 definitions in a row (240 KB) took seconds.
//
// A paragraph of up to refChunk lines is passed whole, so ordinary pages are
// read exactly as before. A longer one is cut only before a line that
// starts with "[", where a definition can start; definitions are only read
// from a paragraph's start, so each chunk is tried only once the one before
// was all definitions.
type linkRefs struct{}

const refChunk = 128

func (linkRefs) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	if lines.Len() <= refChunk {
		parser.LinkReferenceParagraphTransformer.Transform(node, reader, pc)
		return
	}
	all := slices.Clone(lines.Sliced(0, lines.Len()))
	parent, source := node.Parent(), reader.Source()
	pos, size := 0, refChunk
	for pos < len(all) && startsWithBracket(all[pos].Value(source)) {
		end := chunkEnd(all, pos, size, source)
		left := readDefinitions(node, all[pos:end], pos == 0, reader, pc)
		consumed := end - pos - left
		if consumed == 0 {
			if end == len(all) {
				break
			}
			// A definition longer than the chunk (a title over many
			// lines): try again with more of it.
			size *= 2
			continue
		}
		pos, size = pos+consumed, refChunk
	}
	if pos == len(all) {
		parent.RemoveChild(parent, node)
		return
	}
	rest := text.NewSegments()
	rest.AppendAll(all[pos:])
	node.SetLines(rest)
}

// chunkEnd is the end of the chunk that starts at pos: size lines on, moved
// forward to the next line that starts with "[" (or the end).
func chunkEnd(all []text.Segment, pos, size int, source []byte) int {
	end := pos + size
	for end < len(all) && !startsWithBracket(all[end].Value(source)) {
		end++
	}
	return min(end, len(all))
}

// startsWithBracket reports a line that can start a definition: goldmark
// skips any spaces before the "[".
func startsWithBracket(line []byte) bool {
	line = util.TrimLeftSpace(line)
	return len(line) > 0 && line[0] == '['
}

// readDefinitions runs goldmark's transformer on a paragraph of the given
// lines placed before node, so the definitions land where they would have,
// and returns how many lines were not definitions.
func readDefinitions(node *ast.Paragraph, lines []text.Segment, first bool, reader text.Reader, pc parser.Context) int {
	parent := node.Parent()
	chunk := ast.NewParagraph()
	if first {
		chunk.SetBlankPreviousLines(node.HasBlankPreviousLines())
	}
	segs := text.NewSegments()
	segs.AppendAll(lines)
	chunk.SetLines(segs)
	parent.InsertBefore(parent, node, chunk)
	parser.LinkReferenceParagraphTransformer.Transform(chunk, reader, pc)
	if chunk.Parent() == nil {
		return 0
	}
	left := chunk.Lines().Len()
	parent.RemoveChild(parent, chunk)
	return left
}
