package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/render/guard"
	"golang.org/x/net/html"
)

// pathological is one input shape that made goldmark (or this package's own
// extensions) do more than linear work. gen returns about n bytes of it.
type pathological struct {
	name string
	gen  func(n int) string
	// kept are characters that must all be shown as text once guarded,
	// but for slack of them (consumed by the markup the bounds allow).
	kept  string
	slack int
}

// repeat fills n bytes with s.
func repeat(s string) func(int) string {
	return func(n int) string { return strings.Repeat(s, max(1, n/len(s))) }
}

// growing writes line(i) for i = 1, 2, ... until n bytes are written.
func growing(line func(i int) string) func(int) string {
	return func(n int) string {
		var b strings.Builder
		for i := 1; b.Len() < n; i++ {
			b.WriteString(line(i))
		}
		return b.String()
	}
}

// pathologicalInputs are the shapes measured for docs/notes-render-dos.md.
// Each was found by timing n against 2n bytes; the comment says what goldmark
// v1.8.7 does with it.
var pathologicalInputs = []pathological{
	// Link openers: each "]" rescans the rest of the line for a destination.
	{"brackets", repeat("["), "[", 0},
	{"empty-links", repeat("[]("), "[](", 0},
	{"images", repeat("!["), "![", 0},
	// Links with empty labels, found from the one before (RewriteDestinations).
	{"empty-labels", repeat("[](a)![](b)"), "", 0},
	{"link-destinations", repeat("[a](b"), "[](", 0},
	{"link-destinations-angle", repeat("[a](<b"), "[](<", 0},
	{"link-titles", repeat("[a](b \"\n"), "[](", 0},
	{"nested-brackets", func(n int) string { return strings.Repeat("[", n/2) + "a" + strings.Repeat("]", n/2) }, "[]", 0},
	{"reference-links", repeat("[a][\n"), "[]", 0},
	// Each "]" of a shortcut reference copies its label by walking back
	// from the paragraph's last line.
	{"shortcut-references", repeat("[a]\n"), "[]", 0},
	// Emphasis: closers without an opener scan back over every delimiter.
	{"emphasis-mismatched", repeat("*a_ "), "*_", 0},
	{"emphasis-multiple-of-3", func(n int) string { return "a**b" + strings.Repeat("c* ", n/3) }, "*", 0},
	{"emphasis-nested", func(n int) string { return strings.Repeat("*a **a ", n/14) + strings.Repeat(" a** a*", n/14) }, "", 0},
	{"emphasis-around-links", func(n int) string { return "*" + strings.Repeat("a [b*](c) ", n/10) }, "[]", 0},
	{"strikethrough", repeat("~~a "), "~", 0},
	// Code spans: an opener without a closer scans the rest of the block.
	{"backtick-runs", growing(func(i int) string { return "e" + strings.Repeat("`", i) }), "`", 0},
	{"backticks", repeat("`a"), "", 0},
	{"backtick-lines", repeat("`a\n"), "", 0},
	// Autolinks and raw HTML.
	{"angle-brackets", repeat("<"), "", 0}, // the typographer makes "<<" a "«"
	{"autolinks", repeat("<http://"), "<", 0},
	{"closing-tags", repeat("</"), "</", 0},
	{"attribute-quotes", repeat("a <a b=\"\n"), "<", 0},
	// Containers: each level is one more block to continue on every line.
	{"blockquotes", func(n int) string { return strings.Repeat("> ", n/2) + "a" }, ">", guard.MaxDepth},
	{"blockquotes-tight", repeat(">"), "", 0}, // ">>" is a "»" to the typographer
	{"lists", func(n int) string { return strings.Repeat("* ", n/2) + "a" }, "*", guard.MaxDepth},
	{"ordered-lists", func(n int) string { return strings.Repeat("1. ", n/3) + "a" }, ".", guard.MaxDepth},
	{"footnote-definitions", repeat("[^a]: "), "", 0},
	{"indented-lists", growing(func(i int) string { return strings.Repeat("  ", i) + "* a\n" }), "", 0},
	// Link reference definitions: each one found copies the rest of the paragraph.
	{"reference-definitions", repeat("[a]: b\n"), "", 0},
	{"reference-definition-chain", repeat("[a]:\n"), "", 0},
	{"reference-definition-title-lines", func(n int) string { return "[a]: b \"" + strings.Repeat("x\n", n/2) }, "", 0},
	{"reference-definition-long", func(n int) string { return "[" + strings.Repeat("a", n/2) + "]: " + strings.Repeat("b", n/2) }, "", 0},
	{"reference-label-lines", func(n int) string { return "[a" + strings.Repeat("\nb", n/2) }, "[", 0},
	// Tables: every row is padded to the header's width.
	{"table-columns", func(n int) string {
		c := max(1, n/8)
		return strings.Repeat("|a", c) + "|\n" + strings.Repeat("|-", c) + "|\n" + strings.Repeat("a\n", n/4)
	}, "|", 0},
	// This package's own extensions.
	{"wikilinks", repeat("[["), "[", 0},
	{"wikilink-targets", repeat("[[a"), "[", 0},
	{"wikilink-labels", repeat("[[a|"), "[|", 0},
	{"heading-links", func(n int) string { return "## " + strings.Repeat("[](", n/3) }, "[](", 0},
	{"headings", repeat("# a\n"), "", 0},
	{"front-matter-yaml", func(n int) string {
		return "---\na: " + strings.Repeat("[", min(n, 60000)) + "\n---\n" + strings.Repeat("a ", max(0, n-60000)/2)
	}, "", 0},
	{"front-matter-toml", func(n int) string {
		return "+++\na = " + strings.Repeat("[", min(n, 60000)) + "\n+++\n" + strings.Repeat("a ", max(0, n-60000)/2)
	}, "", 0},
	// Each wikilink in a link checked its every ancestor for a link.
	{"wikilinks-in-emphasis", func(n int) string {
		k := n / 40
		return strings.Repeat("*a **a ", k) + strings.Repeat("[[x]] ", 3*k) + strings.Repeat(" a** a*", k)
	}, "", 0},
	// Raw HTML goes to the sanitizer as written.
	{"html-nested", repeat("<div>"), "", 0},
	{"html-inline", repeat("a <b>"), "", 0},
	{"html-attributes", func(n int) string { return "<p " + strings.Repeat("a=b ", n/4) + ">x</p>" }, "", 0},
	// Linear, but each with a large constant or output; kept as guards.
	{"footnote-references", func(n int) string { return strings.Repeat("[^a]", n/4) + "\n\n[^a]: x\n" }, "[^", guard.MaxFootnoteRefs + 1},
	// Each footnote reference is looked up by walking every definition.
	{"footnote-lookups", func(n int) string {
		var defs, refs strings.Builder
		for i := 0; defs.Len()+refs.Len() < n; i++ {
			fmt.Fprintf(&defs, "[^%d]: x\n", i)
			fmt.Fprintf(&refs, "[^%d]", i)
		}
		return refs.String() + "\n\n" + defs.String()
	}, "", 0},
	{"quotes", repeat("\"'"), "", 0},
	// The typographer rescans the rest of a run of one quote at each quote.
	{"quote-runs", repeat("'"), "'", 0},
	{"double-quote-runs", repeat("\""), "\"", 0},
	{"linkify", repeat("www.a"), "", 0},
}

// benchSizes are the input sizes of BenchmarkPathological: n and 2n, so the
// ratio of their times says whether the work is linear.
var benchSizes = []int{120 << 10, 240 << 10}

// BenchmarkPathological renders each pathological shape at n and 2n bytes.
// Linear work shows as a time ratio near 2; the numbers before and after
// the guard are in docs/notes-render-dos.md. Run one shape with
// -bench 'Pathological/empty-links'.
func BenchmarkPathological(b *testing.B) {
	r := New(Config{CacheEntries: 1})
	for _, p := range pathologicalInputs {
		for _, n := range benchSizes {
			src := []byte(p.gen(n))
			b.Run(fmt.Sprintf("%s/%dKB", p.name, n>>10), func(b *testing.B) {
				b.SetBytes(int64(len(src)))
				b.ReportAllocs()
				for b.Loop() {
					r.Render(src, Context{Page: "p", File: "p.md"})
				}
			})
		}
	}
}

// TestPathological renders about 240 KB of each shape (less under -short
// and -race) and checks what must hold however long it took: the guard
// showed the characters as text, nothing unsafe came out, and the output
// grew at most linearly. Speed is BenchmarkPathological's business.
func TestPathological(t *testing.T) {
	n := 240 << 10
	switch {
	case raceEnabled:
		n = 16 << 10 // render has no goroutines of its own to race
	case testing.Short():
		n = 32 << 10
	}
	r := New(Config{CacheEntries: 1})
	for _, p := range pathologicalInputs {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			src := []byte(p.gen(n))
			doc := r.Render(src, pageCtx)
			for _, w := range doc.Warnings {
				if strings.Contains(w, "could not be rendered") {
					t.Fatal(w)
				}
			}
			out := string(doc.HTML)
			if err := checkSafeHTML(out); err != nil {
				t.Fatal(err)
			}
			if limit := 16*len(src) + 1<<16; len(out) > limit {
				t.Errorf("%d bytes of HTML from %d of markdown", len(out), len(src))
			}
			text := shownText(out)
			for _, c := range p.kept {
				if want, got := strings.Count(string(src), string(c)), strings.Count(text, string(c)); got < want-p.slack {
					t.Errorf("%q: %d written, %d shown", c, want, got)
				}
			}
		})
	}
}

// TestPathologicalSourceTools runs the other users of the parser over
// each shape: they share the guard, so they must finish and agree.
func TestPathologicalSourceTools(t *testing.T) {
	r := New(Config{CacheEntries: 1})
	for _, p := range pathologicalInputs {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			src := []byte(p.gen(16 << 10))
			if got, want := r.Summarize(src, "p.md").Title, r.Render(src, pageCtx).Title; got != want {
				t.Errorf("Summarize title %.40q, Render title %.40q", got, want)
			}
			if out, _ := r.SanitizeSource(src); len(out) > 2*len(src) {
				t.Errorf("SanitizeSource grew %d bytes to %d", len(src), len(out))
			}
			r.RewriteLinks(src, func(l Link) (LinkEdit, bool) { return LinkEdit{Target: "x"}, true })
			r.RewriteDestinations(src, func(d string, image bool) (DestinationEdit, bool) { return DestinationEdit{Dest: "x"}, true })
		})
	}
}

// shownText is the text a browser shows for s.
func shownText(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		if tt == html.TextToken {
			b.Write(z.Text())
		}
	}
	return b.String()
}
