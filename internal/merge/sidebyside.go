package merge

import (
	"time"
	"unicode"
	"unicode/utf8"
)

// Row is one line of a side-by-side view; a unified view shows a Change row
// as its Del line followed by its Add line.
type Row struct {
	Kind RowKind
	// LeftNum and RightNum are 1-based line numbers in a and b, 0 when the
	// side is empty. A Skip row holds the first folded line of each side.
	LeftNum, RightNum int
	// Left and Right hold the line's text, raw; an empty line has no spans.
	Left, Right []Span
	// Skip is how many equal lines a Skip row folds.
	Skip int
}

// Span is a piece of a line. Changed marks the words that differ within a
// Change row; whole added or deleted lines are told by the row's Kind.
type Span struct {
	Text    string
	Changed bool
}

// SideBySide lays out the diff from a to b as rows. Deleted and inserted
// lines that replace each other are paired into Change rows in order, the
// rest become Del and Add rows. Equal lines further than context lines from
// a change are folded into Skip rows, but a Skip row never hides a single
// line; context < 0 keeps every line. Texts with the same lines give nil.
func SideBySide(a, b string, context int) []Row {
	la, lb := displayLines(a), displayLines(b)
	hs := diffLines(la, lb)
	if len(hs) == 0 {
		return nil
	}
	var rows []Row
	i, j := 0, 0
	wb, start := wordBudget, time.Now()
	for k, h := range hs {
		rows = equalRows(rows, la, i, j, h.A0-i, k == 0, false, context)
		n := min(h.A1-h.A0, h.B1-h.B0)
		for d := range n {
			if wb.deadline > 0 && time.Since(start) > wordTotal {
				wb.deadline = 0
			}
			l, r := words(la[h.A0+d], lb[h.B0+d], wb)
			rows = append(rows, Row{Kind: Change, LeftNum: h.A0 + d + 1, RightNum: h.B0 + d + 1, Left: l, Right: r})
		}
		for x := h.A0 + n; x < h.A1; x++ {
			rows = append(rows, Row{Kind: Del, LeftNum: x + 1, Left: plain(la[x])})
		}
		for y := h.B0 + n; y < h.B1; y++ {
			rows = append(rows, Row{Kind: Add, RightNum: y + 1, Right: plain(lb[y])})
		}
		i, j = h.A1, h.B1
	}
	return equalRows(rows, la, i, j, len(la)-i, false, true, context)
}

// equalRows appends the n equal lines starting at a[i] and b[j], folding
// those beyond context of the changes before (unless first) and after
// (unless last) them.
func equalRows(rows []Row, a []string, i, j, n int, first, last bool, context int) []Row {
	head, tail := n, 0
	if context >= 0 {
		head, tail = context, context
		if first {
			head = 0
		}
		if last {
			tail = 0
		}
		if n-head-tail <= 1 {
			head, tail = n, 0
		}
	}
	for d := range head {
		rows = append(rows, Row{Kind: Equal, LeftNum: i + d + 1, RightNum: j + d + 1, Left: plain(a[i+d]), Right: plain(a[i+d])})
	}
	if hidden := n - head - tail; hidden > 0 {
		rows = append(rows, Row{Kind: Skip, LeftNum: i + head + 1, RightNum: j + head + 1, Skip: hidden})
	}
	for d := n - tail; d < n; d++ {
		rows = append(rows, Row{Kind: Equal, LeftNum: i + d + 1, RightNum: j + d + 1, Left: plain(a[i+d]), Right: plain(a[i+d])})
	}
	return rows
}

func plain(s string) []Span {
	if s == "" {
		return nil
	}
	return []Span{{Text: s}}
}

// words marks the words that differ between two versions of a line.
func words(a, b string, bud budget) (left, right []Span) {
	ta, tb := tokens(a), tokens(b)
	in := make(interner, len(ta)+len(tb))
	ca, cb := changes(in.ids(ta), in.ids(tb), bud)
	return spans(a, ta, ca), spans(b, tb, cb)
}

// spans cuts line into spans along its tokens. Blanks between two changed
// words count as changed, so "a b" → "x y" marks one phrase, not two words.
func spans(line string, toks []string, changed []bool) []Span {
	for i := 1; i+1 < len(toks); i++ {
		if changed[i-1] && changed[i+1] && isBlank(toks[i]) {
			changed[i] = true
		}
	}
	var out []Span
	start, end := 0, 0
	for i, t := range toks {
		if i > 0 && changed[i] != changed[i-1] {
			out = append(out, Span{Text: line[start:end], Changed: changed[i-1]})
			start = end
		}
		end += len(t)
	}
	if end > start {
		out = append(out, Span{Text: line[start:end], Changed: changed[len(toks)-1]})
	}
	return out
}

func isBlank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// tokens splits a line into words, runs of blanks, and single other
// characters. Han and kana are one token per character, since those scripts
// do not put spaces between words.
func tokens(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		j := i + w
		switch {
		case isIdeograph(r):
		case isWordRune(r):
			for j < len(s) {
				r, w := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r) || isIdeograph(r) {
					break
				}
				j += w
			}
		case unicode.IsSpace(r):
			for j < len(s) {
				r, w := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsSpace(r) {
					break
				}
				j += w
			}
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isIdeograph(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}
