package merge

import "strings"

// Labels name the sides in conflict markers, like git merge-file -L. An
// empty label leaves the marker bare; a newline in one becomes a space.
type Labels struct {
	Ours, Base, Theirs string
}

// Conflict is one region both sides changed differently. Line ranges are
// 0-based and half-open, so merged lines[Start:End] is the whole block,
// markers included, and ours lines[OursStart:OursEnd] is that side's text.
type Conflict struct {
	Start, End             int
	OursStart, OursEnd     int
	BaseStart, BaseEnd     int
	TheirsStart, TheirsEnd int
	// Ours, Base and Theirs are the text of those ranges, exactly, even
	// when the block in merged had to add a final newline.
	Ours, Base, Theirs string
}

// Merge3 is Merge3Labels with the labels "ours", "base" and "theirs".
func Merge3(base, ours, theirs string) (merged string, conflicts []Conflict, ok bool) {
	return Merge3Labels(base, ours, theirs, Labels{Ours: "ours", Base: "base", Theirs: "theirs"})
}

// Merge3Labels merges the changes from base to ours and from base to theirs,
// as git merge-file --diff3 does: changes to separate lines apply cleanly,
// identical changes apply once, and changes that overlap or touch (edits of
// adjacent lines included, as in git) become a conflict block in merged:
//
//	<<<<<<< ours
//	||||||| base
//	=======
//	>>>>>>> theirs
//
// ok reports a clean merge. CRLF reads as LF and merged uses LF, as the wiki
// stores text; whether the last line ends in a newline is kept, and only
// lines within a conflict block get one added. No text is lost: every line
// either side added is in merged, inside a conflict block if need be.
//
// The outcome matches git's but for texts of many repeated lines, where two
// shortest diffs can tie and go-diff may pick the other one.
func Merge3Labels(base, ours, theirs string, labels Labels) (merged string, conflicts []Conflict, ok bool) {
	b, o, t := records(lf(base)), records(lf(ours)), records(lf(theirs))
	in := make(interner, len(b)+len(o)+len(t))
	bi, oi, ti := in.ids(b), in.ids(o), in.ids(t)
	rs := combine(diffIDs(bi, oi), diffIDs(bi, ti), oi, ti, len(b), len(o), len(t))
	w := writer{b: b, o: o, t: t, labels: labels}
	w.fill(rs)
	return w.sb.String(), w.conflicts, len(w.conflicts) == 0
}

type regionKind int

const (
	conflict regionKind = iota
	takeOurs
	takeTheirs
)

// region is a stretch where at least one side differs from base: base
// lines [b0, b0+bn) became ours [o0, o0+on) and theirs [t0, t0+tn).
type region struct {
	kind           regionKind
	b0, bn, o0, on int
	t0, tn         int
}

// combine walks both scripts in base order, as xdiff's xdl_do_merge does, so
// that clean and conflicting outcomes match git's. A hunk that ends before
// the other side's next hunk starts applies cleanly; one that reaches it,
// even only touching it, conflicts unless both sides made the same change.
func combine(ho, ht []hunk, oi, ti []int32, nb, no, nt int) []region {
	var rs []region
	add := func(r region) {
		if k := len(rs) - 1; k >= 0 {
			p := &rs[k]
			if r.o0 <= p.o0+p.on || r.t0 <= p.t0+p.tn {
				if r.kind != p.kind {
					p.kind = conflict
				}
				p.bn = r.b0 + r.bn - p.b0
				p.on = r.o0 + r.on - p.o0
				p.tn = r.t0 + r.tn - p.t0
				return
			}
		}
		rs = append(rs, r)
	}
	i, j := 0, 0
	for i < len(ho) && j < len(ht) {
		x, y := ho[i], ht[j]
		if x.A1 < y.A0 {
			add(region{takeOurs, x.A0, x.A1 - x.A0, x.B0, x.B1 - x.B0, y.B0 - y.A0 + x.A0, x.A1 - x.A0})
			i++
			continue
		}
		if y.A1 < x.A0 {
			add(region{takeTheirs, y.A0, y.A1 - y.A0, x.B0 - x.A0 + y.A0, y.A1 - y.A0, y.B0, y.B1 - y.B0})
			j++
			continue
		}
		if !sameChange(x, y, oi, ti) {
			// Widen each side by the base lines it kept, so the block spans
			// the union of both hunks.
			b0, b1 := min(x.A0, y.A0), max(x.A1, y.A1)
			o0, o1 := x.B0-(x.A0-b0), x.B1+(b1-x.A1)
			t0, t1 := y.B0-(y.A0-b0), y.B1+(b1-y.A1)
			add(region{conflict, b0, b1 - b0, o0, o1 - o0, t0, t1 - t0})
		}
		if x.A1 >= y.A1 {
			j++
		}
		if y.A1 >= x.A1 {
			i++
		}
	}
	for ; i < len(ho); i++ {
		x := ho[i]
		add(region{takeOurs, x.A0, x.A1 - x.A0, x.B0, x.B1 - x.B0, x.A0 + nt - nb, x.A1 - x.A0})
	}
	for ; j < len(ht); j++ {
		y := ht[j]
		add(region{takeTheirs, y.A0, y.A1 - y.A0, y.A0 + no - nb, y.A1 - y.A0, y.B0, y.B1 - y.B0})
	}
	return rs
}

func sameChange(x, y hunk, oi, ti []int32) bool {
	if x.A0 != y.A0 || x.A1 != y.A1 || x.B1-x.B0 != y.B1-y.B0 {
		return false
	}
	for k := range x.B1 - x.B0 {
		if oi[x.B0+k] != ti[y.B0+k] {
			return false
		}
	}
	return true
}

// writer prints the merge. Unchanged stretches are copied from ours, which
// holds them as they are in base, along with any change both sides made.
type writer struct {
	b, o, t   []string
	labels    Labels
	sb        strings.Builder
	line      int
	conflicts []Conflict
}

func (w *writer) fill(rs []region) {
	i := 0
	for _, r := range rs {
		switch r.kind {
		case takeOurs:
			w.copy(w.o[i : r.o0+r.on])
		case takeTheirs:
			w.copy(w.o[i:r.o0])
			w.copy(w.t[r.t0 : r.t0+r.tn])
		case conflict:
			w.copy(w.o[i:r.o0])
			w.block(r)
		}
		i = r.o0 + r.on
	}
	w.copy(w.o[i:])
}

func (w *writer) copy(lines []string) {
	for _, l := range lines {
		w.sb.WriteString(l)
	}
	w.line += len(lines)
}

func (w *writer) block(r region) {
	c := Conflict{
		Start:     w.line,
		OursStart: r.o0, OursEnd: r.o0 + r.on,
		BaseStart: r.b0, BaseEnd: r.b0 + r.bn,
		TheirsStart: r.t0, TheirsEnd: r.t0 + r.tn,
	}
	c.Ours = strings.Join(w.o[c.OursStart:c.OursEnd], "")
	c.Base = strings.Join(w.b[c.BaseStart:c.BaseEnd], "")
	c.Theirs = strings.Join(w.t[c.TheirsStart:c.TheirsEnd], "")
	w.marker("<<<<<<<", w.labels.Ours)
	w.section(w.o[c.OursStart:c.OursEnd])
	w.marker("|||||||", w.labels.Base)
	w.section(w.b[c.BaseStart:c.BaseEnd])
	w.marker("=======", "")
	w.section(w.t[c.TheirsStart:c.TheirsEnd])
	w.marker(">>>>>>>", w.labels.Theirs)
	c.End = w.line
	w.conflicts = append(w.conflicts, c)
}

// section copies a side's lines into a block, ending the last one so the
// next marker starts a line.
func (w *writer) section(lines []string) {
	w.copy(lines)
	if n := len(lines); n > 0 && !strings.HasSuffix(lines[n-1], "\n") {
		w.sb.WriteByte('\n')
	}
}

func (w *writer) marker(m, label string) {
	w.sb.WriteString(m)
	if label != "" {
		w.sb.WriteByte(' ')
		w.sb.WriteString(strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' {
				return ' '
			}
			return r
		}, label))
	}
	w.sb.WriteByte('\n')
	w.line++
}
