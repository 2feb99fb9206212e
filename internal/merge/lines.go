package merge

import "strings"

// RowKind says what a diff row or Op shows.
type RowKind int

const (
	Equal  RowKind = iota // the line is in both texts
	Add                   // the line is only in the new text
	Del                   // the line is only in the old text
	Change                // an old line paired with the new line that replaced it
	Skip                  // equal lines folded away
)

// String names the kind for CSS classes and tests.
func (k RowKind) String() string {
	switch k {
	case Equal:
		return "equal"
	case Add:
		return "add"
	case Del:
		return "del"
	case Change:
		return "change"
	case Skip:
		return "skip"
	}
	return "unknown"
}

// Op is a run of lines that are equal in both texts (Equal), only in the old
// one (Del) or only in the new one (Add).
type Op struct {
	Kind  RowKind
	Lines []string // without line endings
}

// Lines returns the line diff from a to b; a Del run comes before the Add run
// that replaces it. CRLF reads as LF, and a missing newline at the end is not
// a change, as a reader cannot see it.
func Lines(a, b string) []Op {
	la, lb := displayLines(a), displayLines(b)
	var ops []Op
	add := func(k RowKind, lines []string) {
		if len(lines) > 0 {
			ops = append(ops, Op{Kind: k, Lines: lines})
		}
	}
	i := 0
	for _, h := range diffLines(la, lb) {
		add(Equal, la[i:h.A0])
		add(Del, la[h.A0:h.A1])
		add(Add, lb[h.B0:h.B1])
		i = h.A1
	}
	add(Equal, la[i:])
	return ops
}

// Stats counts lines added and deleted from a to b; a changed line counts
// once in each, as in git diff --numstat.
func Stats(a, b string) (added, deleted int) {
	for _, h := range diffLines(displayLines(a), displayLines(b)) {
		added += h.B1 - h.B0
		deleted += h.A1 - h.A0
	}
	return added, deleted
}

// displayLines splits s into lines without endings.
func displayLines(s string) []string {
	s = lf(s)
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func diffLines(a, b []string) []hunk {
	in := make(interner, len(a)+len(b))
	return diffIDs(in.ids(a), in.ids(b))
}
