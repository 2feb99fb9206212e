package merge

import (
	"math/rand"
	"strings"
	"testing"
)

var benchWords = strings.Fields(`the wiki keeps every page in git so history review and
merge come for free a page is markdown with front matter links between pages resolve
to their urls and a missing page is marked editors propose changes maintainers merge them`)

// benchText returns n lines of made-up prose, the same for the same seed.
func benchText(seed int64, n int) []string {
	r := rand.New(rand.NewSource(seed))
	lines := make([]string, n)
	for i := range lines {
		if r.Intn(8) == 0 {
			continue // blank line between paragraphs
		}
		words := make([]string, 4+r.Intn(12))
		for k := range words {
			words[k] = benchWords[r.Intn(len(benchWords))]
		}
		lines[i] = strings.Join(words, " ")
	}
	return lines
}

// benchEdit edits about one line in twenty within lines[from:to]: a word
// replaced, a line inserted, or a line deleted.
func benchEdit(seed int64, lines []string, from, to int) string {
	r := rand.New(rand.NewSource(seed))
	var out []string
	for i, l := range lines {
		if i < from || i >= to || r.Intn(20) != 0 {
			out = append(out, l)
			continue
		}
		switch r.Intn(3) {
		case 0:
			words := strings.Fields(l)
			if len(words) > 0 {
				words[r.Intn(len(words))] = "edited"
			}
			out = append(out, strings.Join(words, " "))
		case 1:
			out = append(out, l, "an inserted line of text")
		}
	}
	return strings.Join(out, "\n") + "\n"
}

func BenchmarkSideBySide(b *testing.B) {
	base := benchText(1, 2000)
	old, edited := strings.Join(base, "\n")+"\n", benchEdit(2, base, 0, len(base))
	b.SetBytes(int64(len(old) + len(edited)))
	b.ReportAllocs()
	for b.Loop() {
		SideBySide(old, edited, 3)
	}
}

func BenchmarkMerge3(b *testing.B) {
	lines := benchText(1, 2000)
	base := strings.Join(lines, "\n") + "\n"
	ours, theirs := benchEdit(2, lines, 0, 1000), benchEdit(3, lines, 1000, 2000)
	if _, _, ok := Merge3(base, ours, theirs); !ok {
		b.Fatal("benchmark merge should be clean")
	}
	b.SetBytes(int64(len(base) + len(ours) + len(theirs)))
	b.ReportAllocs()
	for b.Loop() {
		Merge3(base, ours, theirs)
	}
}
