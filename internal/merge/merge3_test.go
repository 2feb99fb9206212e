package merge

import (
	"reflect"
	"strings"
	"testing"
)

type mergeCase struct {
	name               string
	base, ours, theirs string
	want               string
	ok                 bool
	// noGit says why git merge-file answers differently, on purpose.
	noGit string
}

// conflictBlock writes the block Merge3 prints for one conflict.
func conflictBlock(ours, base, theirs string) string {
	return "<<<<<<< ours\n" + ours + "||||||| base\n" + base + "=======\n" + theirs + ">>>>>>> theirs\n"
}

var mergeCases = []mergeCase{
	{name: "all empty", ok: true},
	{name: "no change", base: "a\nb\nc\n", ours: "a\nb\nc\n", theirs: "a\nb\nc\n", want: "a\nb\nc\n", ok: true},
	{name: "ours changes", base: "a\nb\nc\n", ours: "a\nB\nc\n", theirs: "a\nb\nc\n", want: "a\nB\nc\n", ok: true},
	{name: "theirs changes", base: "a\nb\nc\n", ours: "a\nb\nc\n", theirs: "a\nb\nC\n", want: "a\nb\nC\n", ok: true},
	{
		name: "both change different sections",
		base: "a\nb\nc\nd\ne\n", ours: "A\nb\nc\nd\ne\n", theirs: "a\nb\nc\nd\nE\n",
		want: "A\nb\nc\nd\nE\n", ok: true,
	},
	{
		name: "edits one unchanged line apart",
		base: "a\nb\nc\n", ours: "A\nb\nc\n", theirs: "a\nb\nC\n",
		want: "A\nb\nC\n", ok: true,
	},
	{
		name: "edits on adjacent lines conflict as in git",
		base: "a\nb\n", ours: "A\nb\n", theirs: "a\nB\n",
		want: conflictBlock("A\nb\n", "a\nb\n", "a\nB\n"),
	},
	{
		name: "insertion next to an edit conflicts as in git",
		base: "a\nb\nc\n", ours: "a\nnew\nb\nc\n", theirs: "a\nB\nc\n",
		want: "a\n" + conflictBlock("new\nb\n", "b\n", "B\n") + "c\n",
	},
	{name: "same line changed identically", base: "a\nb\nc\n", ours: "a\nB\nc\n", theirs: "a\nB\nc\n", want: "a\nB\nc\n", ok: true},
	{
		name: "same line changed differently",
		base: "a\nb\nc\n", ours: "a\nX\nc\n", theirs: "a\nY\nc\n",
		want: "a\n" + conflictBlock("X\n", "b\n", "Y\n") + "c\n",
	},
	{
		name: "identical change but one side changes one more line",
		base: "a\nb\nc\nd\n", ours: "a\nB\nC\nd\n", theirs: "a\nB\nc\nd\n",
		want: "a\n" + conflictBlock("B\nC\n", "b\nc\n", "B\nc\n") + "d\n",
	},
	{
		name: "overlapping ranges conflict as one block",
		base: "1\n2\n3\n4\n5\n", ours: "1\nX\nX\n4\n5\n", theirs: "1\n2\nY\nY\n5\n",
		want: "1\n" + conflictBlock("X\nX\n4\n", "2\n3\n4\n", "2\nY\nY\n") + "5\n",
	},
	{
		name: "insert at start and edit at end",
		base: "a\nb\nc\n", ours: "new\na\nb\nc\n", theirs: "a\nb\nC\n",
		want: "new\na\nb\nC\n", ok: true,
	},
	{name: "insert at start and at end", base: "m\n", ours: "s\nm\n", theirs: "m\ne\n", want: "s\nm\ne\n", ok: true},
	{
		name: "both insert different lines at start",
		base: "a\n", ours: "x\na\n", theirs: "y\na\n",
		want: conflictBlock("x\n", "", "y\n") + "a\n",
	},
	{
		name: "both insert different lines at end",
		base: "a\n", ours: "a\nx\n", theirs: "a\ny\n",
		want: "a\n" + conflictBlock("x\n", "", "y\n"),
	},
	{name: "both insert the same line at end", base: "a\n", ours: "a\nx\n", theirs: "a\nx\n", want: "a\nx\n", ok: true},
	{
		name: "same line added in two places",
		base: "a\nb\nc\n", ours: "x\na\nb\nc\n", theirs: "a\nb\nc\nx\n",
		want: "x\na\nb\nc\nx\n", ok: true,
	},
	{
		name: "deletion against edit of the same line",
		base: "a\nb\nc\n", ours: "a\nc\n", theirs: "a\nB\nc\n",
		want: "a\n" + conflictBlock("", "b\n", "B\n") + "c\n",
	},
	{
		name: "deletion and edit apart",
		base: "a\nb\nc\nd\n", ours: "b\nc\nd\n", theirs: "a\nb\nc\nD\n",
		want: "b\nc\nD\n", ok: true,
	},
	{name: "both delete the same line", base: "a\nb\nc\n", ours: "a\nc\n", theirs: "a\nc\n", want: "a\nc\n", ok: true},
	{
		name: "ours deletes a block theirs edits inside",
		base: "a\nb\nc\nd\ne\n", ours: "a\ne\n", theirs: "a\nb\nC\nd\ne\n",
		want: "a\n" + conflictBlock("", "b\nc\nd\n", "b\nC\nd\n") + "e\n",
	},
	{
		name: "delete whole file against edit",
		base: "a\nb\nc\n", ours: "", theirs: "a\nB\nc\n",
		want: conflictBlock("", "a\nb\nc\n", "a\nB\nc\n"),
	},
	{name: "delete whole file against no change", base: "a\nb\n", ours: "", theirs: "a\nb\n", want: "", ok: true},
	{name: "both delete whole file", base: "a\nb\n", ours: "", theirs: "", want: "", ok: true},
	{name: "empty base, one side creates", base: "", ours: "", theirs: "x\ny\n", want: "x\ny\n", ok: true},
	{name: "empty base, both create the same", base: "", ours: "x\ny\n", theirs: "x\ny\n", want: "x\ny\n", ok: true},
	{
		name: "empty base, both create different",
		base: "", ours: "x\n", theirs: "y\n",
		want: conflictBlock("x\n", "", "y\n"),
	},
	{
		name: "no trailing newline, edits apart",
		base: "a\nb\nc", ours: "A\nb\nc", theirs: "a\nb\nC",
		want: "A\nb\nC", ok: true,
	},
	{
		name: "one side adds the final newline",
		base: "a\nb\nc", ours: "a\nb\nc\n", theirs: "A\nb\nc",
		want: "A\nb\nc\n", ok: true,
	},
	{
		name: "appending after a line without newline touches it",
		base: "a\nb", ours: "a\nb\nc\n", theirs: "A\nb",
		want: conflictBlock("a\nb\nc\n", "a\nb\n", "A\nb\n"),
	},
	{
		name: "conflict on a last line without newline",
		base: "a\nb", ours: "a\nX", theirs: "a\nY",
		want: "a\n" + conflictBlock("X\n", "b\n", "Y\n"),
	},
	{
		name: "CRLF on every side",
		base: "a\r\nb\r\nc\r\n", ours: "A\r\nb\r\nc\r\n", theirs: "a\r\nb\r\nC\r\n",
		want: "A\nb\nC\n", ok: true,
	},
	{
		name: "CRLF conflict",
		base: "a\r\nb\r\n", ours: "a\r\nX\r\n", theirs: "a\r\nY\r\n",
		want: "a\n" + conflictBlock("X\n", "b\n", "Y\n"),
	},
	{
		name: "CRLF base against LF edits",
		base: "a\r\nb\r\nc\r\n", ours: "A\nb\nc\n", theirs: "a\r\nb\r\nC\r\n",
		want: "A\nb\nC\n", ok: true,
		noGit: "git compares line endings, so every line differs",
	},
	{name: "lone CR is content", base: "a\rb\n", ours: "a\rb\nc\n", theirs: "a\rb\n", want: "a\rb\nc\n", ok: true},
	{
		name: "unicode",
		base: "café\nnaïve\n日本語\n", ours: "café\nnaïve\n日本語です\n", theirs: "Café\nnaïve\n日本語\n",
		want: "Café\nnaïve\n日本語です\n", ok: true,
	},
	{
		name: "unicode conflict",
		base: "x\nπ ≈ 3.14\n", ours: "x\nπ ≈ 3.14159\n", theirs: "x\nπ ≈ 22/7 😀\n",
		want: "x\n" + conflictBlock("π ≈ 3.14159\n", "π ≈ 3.14\n", "π ≈ 22/7 😀\n"),
	},
	{
		name: "paragraph added between blank lines",
		base: "# T\n\none\n\ntwo\n\nthree\n", ours: "# T\n\none\n\nnew\n\ntwo\n\nthree\n", theirs: "# T\n\nONE\n\ntwo\n\nthree\n",
		want: "# T\n\nONE\n\nnew\n\ntwo\n\nthree\n", ok: true,
	},
	{
		name: "two conflicts and a clean change",
		base: "1\n2\n3\n4\n5\n6\n7\n", ours: "1\nA\n3\n4\n5\nC\n7\n", theirs: "1\nB\n3\nx\n5\nD\n7\n",
		want: "1\n" + conflictBlock("A\n", "2\n", "B\n") + "3\nx\n5\n" + conflictBlock("C\n", "6\n", "D\n") + "7\n",
	},
	{
		name: "marker-like lines are plain text",
		base: "a\n=======\nb\n", ours: "A\n=======\nb\n", theirs: "a\n=======\nB\n",
		want: "A\n=======\nB\n", ok: true,
	},
}

func TestMerge3(t *testing.T) {
	for _, tc := range mergeCases {
		t.Run(tc.name, func(t *testing.T) {
			got, conflicts, ok := Merge3(tc.base, tc.ours, tc.theirs)
			if got != tc.want {
				t.Errorf("merged: got %q, want %q", got, tc.want)
			}
			if ok != tc.ok {
				t.Errorf("ok: got %v, want %v", ok, tc.ok)
			}
			if ok != (len(conflicts) == 0) {
				t.Errorf("ok is %v with %d conflicts", ok, len(conflicts))
			}
			checkMerge(t, tc.base, tc.ours, tc.theirs, got, conflicts, ok)
		})
	}
}

func TestMerge3Conflicts(t *testing.T) {
	base, ours, theirs := "1\n2\n3\n4\n5\n6\n7", "1\nA\n3\n4\n5\nC\nC2\n7", "1\n\n3\nx\n5\nD\n7"
	_, got, _ := Merge3(base, ours, theirs)
	want := []Conflict{
		{Start: 1, End: 8, OursStart: 1, OursEnd: 2, BaseStart: 1, BaseEnd: 2, TheirsStart: 1, TheirsEnd: 2, Ours: "A\n", Base: "2\n", Theirs: "\n"},
		{Start: 11, End: 19, OursStart: 5, OursEnd: 7, BaseStart: 5, BaseEnd: 6, TheirsStart: 5, TheirsEnd: 6, Ours: "C\nC2\n", Base: "6\n", Theirs: "D\n"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestMerge3Labels(t *testing.T) {
	tests := []struct {
		name   string
		labels Labels
		want   string
	}{
		{"named", Labels{Ours: "your edit", Base: "abc123", Theirs: "main"},
			"<<<<<<< your edit\nX\n||||||| abc123\nb\n=======\nY\n>>>>>>> main\n"},
		{"bare", Labels{}, "<<<<<<<\nX\n|||||||\nb\n=======\nY\n>>>>>>>\n"},
		{"newline in label", Labels{Ours: "a\nb", Base: "c\r\n", Theirs: "d"},
			"<<<<<<< a b\nX\n||||||| c  \nb\n=======\nY\n>>>>>>> d\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, _ := Merge3Labels("b\n", "X\n", "Y\n", tc.labels)
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// checkMerge checks what must hold for any merge: no text lost, none made
// up, and conflict records that match both merged and the inputs.
func checkMerge(t testing.TB, base, ours, theirs, merged string, conflicts []Conflict, ok bool) {
	t.Helper()
	b, o, th := records(lf(base)), records(lf(ours)), records(lf(theirs))
	m := records(merged)
	if ok != (len(conflicts) == 0) {
		t.Fatalf("ok is %v with %d conflicts", ok, len(conflicts))
	}

	// Resolving every block to one side must keep every line that side
	// added, counted with repeats.
	oursView, theirsView := resolve(m, conflicts, true), resolve(m, conflicts, false)
	for _, side := range []struct {
		name        string
		lines, view []string
	}{{"ours", o, oursView}, {"theirs", th, theirsView}} {
		have := count(side.view)
		for l, n := range added(b, side.lines) {
			if have[l] < n {
				t.Fatalf("%s added %q %d times, merged keeps it %d times\nmerged: %q", side.name, l, n, have[l], merged)
			}
		}
		for l, n := range count(side.lines) {
			if extra := n - count(b)[l]; have[l] < extra {
				t.Fatalf("%s has %q %d more times than base, merged keeps it %d times\nmerged: %q", side.name, l, extra, have[l], merged)
			}
		}
	}

	// Outside the blocks, every line comes from one of the inputs.
	known := count(b)
	for l := range count(o) {
		known[l]++
	}
	for l := range count(th) {
		known[l]++
	}
	for _, l := range resolve(m, conflicts, true) {
		if known[strings.TrimSuffix(l, "\n")] == 0 {
			t.Fatalf("merged has %q, found in no input", l)
		}
	}

	last := 0
	for _, c := range conflicts {
		if c.Start < last || c.End > len(m) || c.Start >= c.End {
			t.Fatalf("conflict lines [%d,%d) out of order or range (merged has %d)", c.Start, c.End, len(m))
		}
		last = c.End
		if !strings.HasPrefix(m[c.Start], "<<<<<<<") || !strings.HasPrefix(m[c.End-1], ">>>>>>>") {
			t.Fatalf("conflict lines [%d,%d) are not a marked block: %q", c.Start, c.End, m[c.Start:c.End])
		}
		if got, want := c.Ours, strings.Join(o[c.OursStart:c.OursEnd], ""); got != want {
			t.Fatalf("Ours: got %q, want %q", got, want)
		}
		if got, want := c.Base, strings.Join(b[c.BaseStart:c.BaseEnd], ""); got != want {
			t.Fatalf("Base: got %q, want %q", got, want)
		}
		if got, want := c.Theirs, strings.Join(th[c.TheirsStart:c.TheirsEnd], ""); got != want {
			t.Fatalf("Theirs: got %q, want %q", got, want)
		}
		block := strings.Join(m[c.Start:c.End], "")
		for _, s := range []string{c.Ours, c.Base, c.Theirs} {
			if !strings.Contains(block, s) {
				t.Fatalf("block %q misses %q", block, s)
			}
		}
	}
}

// resolve replaces each conflict block by one side's text.
func resolve(m []string, conflicts []Conflict, ours bool) []string {
	var out []string
	i := 0
	for _, c := range conflicts {
		out = append(out, m[i:c.Start]...)
		if ours {
			out = append(out, records(c.Ours)...)
		} else {
			out = append(out, records(c.Theirs)...)
		}
		i = c.End
	}
	return append(out, m[i:]...)
}

func count(lines []string) map[string]int {
	n := make(map[string]int, len(lines))
	for _, l := range lines {
		n[strings.TrimSuffix(l, "\n")]++
	}
	return n
}

// added counts the lines the diff from a to b inserts.
func added(a, b []string) map[string]int {
	in := interner{}
	n := map[string]int{}
	for _, h := range diffIDs(in.ids(a), in.ids(b)) {
		for _, l := range b[h.B0:h.B1] {
			n[strings.TrimSuffix(l, "\n")]++
		}
	}
	return n
}
