package merge

import "testing"

// FuzzMerge3 checks that merging never loses or invents text, that taking
// one side's change or the same change twice is exact, and that swapping
// the sides gives the same outcome.
func FuzzMerge3(f *testing.F) {
	for _, tc := range mergeCases {
		f.Add(tc.base, tc.ours, tc.theirs)
	}
	f.Fuzz(func(t *testing.T, base, ours, theirs string) {
		merged, conflicts, ok := Merge3(base, ours, theirs)
		checkMerge(t, base, ours, theirs, merged, conflicts, ok)

		for _, x := range []string{ours, theirs} {
			for _, in := range [][3]string{{base, x, x}, {base, base, x}, {base, x, base}} {
				got, _, ok := Merge3(in[0], in[1], in[2])
				if want := lf(x); got != want || !ok {
					t.Fatalf("Merge3(%q, %q, %q): got %q (ok %v), want %q", in[0], in[1], in[2], got, ok, want)
				}
			}
		}

		swapped, swappedConflicts, swappedOK := Merge3(base, theirs, ours)
		if swappedOK != ok || len(swappedConflicts) != len(conflicts) {
			t.Fatalf("swapping sides: got %d conflicts, want %d", len(swappedConflicts), len(conflicts))
		}
		if ok && swapped != merged {
			t.Fatalf("swapping sides: got %q, want %q", swapped, merged)
		}
	})
}

// FuzzSideBySide checks that rows always rebuild both texts and agree with
// Stats.
func FuzzSideBySide(f *testing.F) {
	f.Add("the quick brown fox\n", "the slow brown fox\n", 3)
	f.Add("a\r\nb\nc", "a\nB\n\nc\n", 0)
	f.Add("日本語\n", "日本人\n", -1)
	for _, tc := range mergeCases {
		f.Add(tc.base, tc.ours, 1)
	}
	f.Fuzz(func(t *testing.T, a, b string, context int) {
		context = context%8 - 1
		checkRows(t, a, b, context, SideBySide(a, b, context))

		var added, deleted int
		for _, r := range SideBySide(a, b, -1) {
			switch r.Kind {
			case Add:
				added++
			case Del:
				deleted++
			case Change:
				added++
				deleted++
			}
		}
		if gotAdded, gotDeleted := Stats(a, b); gotAdded != added || gotDeleted != deleted {
			t.Fatalf("Stats: got +%d -%d, rows show +%d -%d", gotAdded, gotDeleted, added, deleted)
		}

		var fromOps [2][]string
		for _, op := range Lines(a, b) {
			if op.Kind != Add {
				fromOps[0] = append(fromOps[0], op.Lines...)
			}
			if op.Kind != Del {
				fromOps[1] = append(fromOps[1], op.Lines...)
			}
		}
		for i, s := range []string{a, b} {
			if got, want := fromOps[i], displayLines(s); !equalLines(got, want) {
				t.Fatalf("Lines rebuilds %q, want %q", got, want)
			}
		}
	})
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
