package merge

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// hunk replaces a[A0:A1] with b[B0:B1]. A script's hunks are in order and
// separated by at least one equal element.
type hunk struct{ A0, A1, B0, B1 int }

// budget bounds the work of one diff. Its cost grows with size times
// distance, so past exact elements go-diff gets a deadline and may answer with
// a coarser script, which is still a valid one; with no deadline left, the
// differing middle is all changed.
type budget struct {
	exact    int
	deadline time.Duration
}

var (
	lineBudget = budget{exact: 10000, deadline: time.Second}
	// Words are diffed once per changed line pair, so each gets less, and
	// all of one SideBySide call at most wordTotal.
	wordBudget = budget{exact: 2000, deadline: 50 * time.Millisecond}
	wordTotal  = time.Second
)

const (
	// go-diff works on runes, so element ids are encoded as runes, skipping
	// the surrogate range, which is not valid in strings.
	surrogateMin = 0xD800
	surrogateLen = 0x800
	maxID        = utf8.MaxRune - surrogateLen
)

// interner gives equal strings equal ids, so that sequences compare as ints.
type interner map[string]int32

func (in interner) ids(xs []string) []int32 {
	out := make([]int32, len(xs))
	for i, x := range xs {
		id, ok := in[x]
		if !ok {
			id = int32(len(in))
			in[x] = id
		}
		out[i] = id
	}
	return out
}

// lf reads CRLF as LF: line endings are not content.
func lf(s string) string {
	if !strings.Contains(s, "\r\n") {
		return s
	}
	return strings.ReplaceAll(s, "\r\n", "\n")
}

// records splits s after each "\n"; the last record has no "\n" when s does
// not end with one, so that state takes part in comparisons, as in git.
func records(s string) []string {
	if s == "" {
		return nil
	}
	out := make([]string, 0, strings.Count(s, "\n")+1)
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// diffIDs returns the edit script from a to b.
func diffIDs(a, b []int32) []hunk {
	ca, cb := changes(a, b, lineBudget)
	return script(ca, cb)
}

// changes marks the elements of a deleted and of b inserted by a shortest
// edit script, then slides the runs of changes to canonical places.
func changes(a, b []int32, bud budget) (ca, cb []bool) {
	ca = make([]bool, len(a))
	cb = make([]bool, len(b))
	mark(a, b, ca, cb, bud)
	compact(a, ca, cb)
	compact(b, cb, ca)
	return ca, cb
}

// mark fills ca and cb from go-diff's script for a and b.
func mark(a, b []int32, ca, cb []bool, bud budget) {
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		a, b, ca, cb = a[1:], b[1:], ca[1:], cb[1:]
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		a, b, ca, cb = a[:len(a)-1], b[:len(b)-1], ca[:len(ca)-1], cb[:len(cb)-1]
	}
	if len(a) == 0 || len(b) == 0 {
		setAll(ca)
		setAll(cb)
		return
	}

	// An element with no equal in the other sequence is changed in every
	// script, and leaving it out does not change the longest common
	// subsequence. Rewritten texts thus cost little.
	top := int32(0)
	for _, x := range a {
		top = max(top, x)
	}
	for _, x := range b {
		top = max(top, x)
	}
	seen := make([]uint8, top+1)
	for _, x := range a {
		seen[x] |= 1
	}
	for _, x := range b {
		seen[x] |= 2
	}
	ka := keep(a, ca, seen)
	kb := keep(b, cb, seen)
	big := len(ka)+len(kb) > bud.exact
	if len(ka) == 0 || len(kb) == 0 || top > maxID || (big && bud.deadline <= 0) {
		for _, i := range ka {
			ca[i] = true
		}
		for _, i := range kb {
			cb[i] = true
		}
		return
	}

	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	if big {
		dmp.DiffTimeout = bud.deadline
	}
	i, j := 0, 0
	for _, d := range dmp.DiffMainRunes(toRunes(a, ka), toRunes(b, kb), false) {
		n := utf8.RuneCountInString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			i += n
			j += n
		case diffmatchpatch.DiffDelete:
			for _, k := range ka[i : i+n] {
				ca[k] = true
			}
			i += n
		case diffmatchpatch.DiffInsert:
			for _, k := range kb[j : j+n] {
				cb[k] = true
			}
			j += n
		}
	}
}

func setAll(c []bool) {
	for i := range c {
		c[i] = true
	}
}

// keep marks the elements of xs found only in xs as changed and returns the
// indexes of the others.
func keep(xs []int32, c []bool, seen []uint8) []int {
	out := make([]int, 0, len(xs))
	for i, x := range xs {
		if seen[x] == 3 {
			out = append(out, i)
		} else {
			c[i] = true
		}
	}
	return out
}

func toRunes(xs []int32, idx []int) []rune {
	out := make([]rune, len(idx))
	for i, k := range idx {
		r := rune(xs[k])
		if r >= surrogateMin {
			r += surrogateLen
		}
		out[i] = r
	}
	return out
}

// group is a run x[start:end] of changed elements; an empty group sits
// just above the unchanged element x[start].
type group struct{ start, end int }

func firstGroup(c []bool) group {
	g := group{}
	for g.end < len(c) && c[g.end] {
		g.end++
	}
	return g
}

func (g *group) next(c []bool) bool {
	if g.end == len(c) {
		return false
	}
	g.start = g.end + 1
	g.end = g.start
	for g.end < len(c) && c[g.end] {
		g.end++
	}
	return true
}

func (g *group) prev(c []bool) bool {
	if g.start == 0 {
		return false
	}
	g.end = g.start - 1
	g.start = g.end
	for g.start > 0 && c[g.start-1] {
		g.start--
	}
	return true
}

// slideDown moves the group one element down when its first element equals
// the element after it, absorbing a group it runs into.
func (g *group) slideDown(x []int32, c []bool) bool {
	if g.end == len(x) || x[g.start] != x[g.end] {
		return false
	}
	c[g.start], c[g.end] = false, true
	g.start++
	g.end++
	for g.end < len(c) && c[g.end] {
		g.end++
	}
	return true
}

func (g *group) slideUp(x []int32, c []bool) bool {
	if g.start == 0 || x[g.start-1] != x[g.end-1] {
		return false
	}
	g.start--
	g.end--
	c[g.start], c[g.end] = true, false
	for g.start > 0 && c[g.start-1] {
		g.start--
	}
	return true
}

// compact gives runs of changes in x the place git's xdiff gives them: as
// low as they can slide, unless they can line up with a change in the other
// sequence. Sliding preserves the script's validity, since the elements that
// swap state are equal. Without this, merges of ambiguous edits, such as a
// blank line added between paragraphs, would depend on go-diff's tie-breaks
// and could disagree with git.
func compact(x []int32, c, oc []bool) {
	g, og := firstGroup(c), firstGroup(oc)
	for {
		if g.end > g.start {
			var size, earliestEnd int
			matchEnd := -1
			for {
				size = g.end - g.start
				matchEnd = -1
				for g.slideUp(x, c) {
					og.prev(oc)
				}
				earliestEnd = g.end
				if og.end > og.start {
					matchEnd = g.end
				}
				for g.slideDown(x, c) {
					og.next(oc)
					if og.end > og.start {
						matchEnd = g.end
					}
				}
				if size == g.end-g.start {
					break
				}
			}
			if g.end != earliestEnd && matchEnd >= 0 {
				for og.end == og.start {
					g.slideUp(x, c)
					og.prev(oc)
				}
			}
		}
		if !g.next(c) {
			return
		}
		og.next(oc)
	}
}

// script turns change marks into hunks.
func script(ca, cb []bool) []hunk {
	var hs []hunk
	i, j := 0, 0
	for i < len(ca) || j < len(cb) {
		if (i < len(ca) && ca[i]) || (j < len(cb) && cb[j]) {
			h := hunk{A0: i, B0: j}
			for i < len(ca) && ca[i] {
				i++
			}
			for j < len(cb) && cb[j] {
				j++
			}
			h.A1, h.B1 = i, j
			hs = append(hs, h)
			continue
		}
		i++
		j++
	}
	return hs
}
