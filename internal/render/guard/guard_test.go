package guard

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/render/wikilink"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
)

// pipeline is the renderer's set of syntax extensions, guarded or not.
func pipeline(guarded bool) goldmark.Markdown {
	exts := []goldmark.Extender{extension.GFM, extension.Footnote, extension.DefinitionList, extension.Typographer, wikilink.New()}
	opts := []goldmark.Option{goldmark.WithRendererOptions(html.WithUnsafe())}
	if guarded {
		opts = append(opts, goldmark.WithParser(NewParser()))
		exts = append(exts, New())
	}
	return goldmark.New(append(opts, goldmark.WithExtensions(exts...))...)
}

var guarded, unguarded = pipeline(true), pipeline(false)

func convert(t testing.TB, md goldmark.Markdown, src string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestOrdinaryMarkdownUnchanged: below the bounds the guard is invisible,
// including where it is always on (code spans without a closer, long
// paragraphs of definitions, nesting below MaxDepth).
func TestOrdinaryMarkdownUnchanged(t *testing.T) {
	defs := func(n int, title string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "[r%d]: /u%d%s\n", i, i, title)
		}
		return b.String()
	}
	refs := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "[r%d] [x][r%d] [r%d][] ", i, i, i)
		}
		return b.String()
	}
	tests := map[string]string{
		"links":              strings.Repeat("See [a](http://x/a_b?c=(d)) and ![i](i.png \"t\") or <http://y> [[Wiki|w]]. ", 200),
		"emphasis":           strings.Repeat("*a* **b** _c_ __d__ ***e*** ~~f~~ snake_case_name 2*3*4 ", 200),
		"code spans":         "`a` ``b`c`` ```x`` ` `` unclosed ``` and `last",
		"code span lines":    "`a\nb` and ``\n`` and `x\n\n`y",
		"escapes":            `\[not\](link) \*no\* \` + "`" + `no code\` + "`" + ` [a\]b](c)`,
		"definitions":        defs(1000, "") + "\n" + refs(1000),
		"definitions titled": defs(300, ` "t"`) + defs(300, "\n  'on the next line'") + "\n" + refs(600),
		"definitions then text": defs(200, "") + "and then a paragraph\n[r1]: /not-a-definition\n" +
			strings.Repeat("more text\n", 300) + "\n" + refs(200),
		"long paragraph":  strings.Repeat("a line of text with [brackets] and *stars*\n", 500),
		"nested quotes":   strings.Repeat("> ", MaxDepth-2) + "deep\n" + strings.Repeat("> ", MaxDepth-2) + "- item\n",
		"nested lists":    nestedList(MaxDepth / 2),
		"thematic breaks": "* * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * *\n\n- - - - -\n",
		"table":           "| a | b |\n|:--|--:|\n" + strings.Repeat("| [x](y) | *z* |\n", 300) + strings.Repeat("| ragged |\n", 300),
		"footnotes":       strings.Repeat("Note[^1] and [^2]. ", 100) + "\n\n[^1]: One.\n[^2]: Two [link](x).\n",
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			if got, want := convert(t, guarded, src), convert(t, unguarded, src); got != want {
				t.Errorf("guarded output differs at byte %d:\n%s", firstDiff(got, want), around(got, want))
			}
		})
	}
}

func nestedList(depth int) string {
	var b strings.Builder
	for i := range depth {
		b.WriteString(strings.Repeat("  ", i) + "- level\n")
	}
	return b.String()
}

// TestSmallInputsUnchanged renders a few thousand short random strings of
// the characters the guard acts on: the code span rule must be exact, and
// nothing else can trigger on so little.
func TestSmallInputsUnchanged(t *testing.T) {
	alphabet := []byte("`[]()*_~!\\a \n>-|:")
	rng := rand.New(rand.NewPCG(8, 25))
	n := 4000
	if testing.Short() {
		n = 500
	}
	buf := make([]byte, 0, 16)
	for range n {
		buf = buf[:0]
		for range 1 + rng.IntN(cap(buf)) {
			buf = append(buf, alphabet[rng.IntN(len(alphabet))])
		}
		if got, want := convert(t, guarded, string(buf)), convert(t, unguarded, string(buf)); got != want {
			t.Fatalf("%q: got %q, want %q", buf, got, want)
		}
	}
}

// TestPathologicalBlocksAreText: over budget, a block's links or emphasis
// are its characters; the rest of the page is parsed as usual.
func TestPathologicalBlocksAreText(t *testing.T) {
	tests := []struct {
		name, block string
		gone        string // markup the block would otherwise have
		kept        string // characters that must all be shown
	}{
		{"empty links", strings.Repeat("[](", 2000) + " [a](b)", "<a ", "[]"},
		{"unclosed destinations", strings.Repeat("[a](b", 2000) + " [a](b)", "<a ", "[]"},
		{"nested brackets", strings.Repeat("[", 3000) + "a" + strings.Repeat("]", 3000) + " [a](b)", "<a ", "[]"},
		{"emphasis around links", "*" + strings.Repeat("a [b*](c) ", 2000), "<a ", "[]"},
		{"mismatched emphasis", strings.Repeat("*a_ ", 3000) + "*em*", "<em>", "*_"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "[ok](x) *fine*\n\n" + tc.block + "\n\n[ok](x) *fine*\n"
			out := convert(t, guarded, src)
			paras := strings.Split(out, "\n")
			if len(paras) < 3 || paras[0] != paras[2] || !strings.Contains(paras[0], "<a href") || !strings.Contains(paras[0], "<em>") {
				t.Fatalf("the blocks around were not parsed as usual: %.300q", out)
			}
			if strings.Contains(paras[1], tc.gone) {
				t.Errorf("block still has %s: %.200q", tc.gone, paras[1])
			}
			for _, c := range tc.kept {
				if want, got := strings.Count(tc.block, string(c)), strings.Count(paras[1], string(c)); got != want {
					t.Errorf("%c: %d in the block, %d in its output", c, want, got)
				}
			}
		})
	}
}

func TestDepthBound(t *testing.T) {
	for name, src := range map[string]string{
		"block quotes":  strings.Repeat("> ", 200) + "level\n" + strings.Repeat("> ", 200) + "level\n",
		"lists":         strings.Repeat("- ", 200) + "level\n",
		"ordered lists": strings.Repeat("1. ", 200) + "level\n",
		// goldmark shows no text of nested footnote definitions at any depth.
		"footnotes":      "[^a]\n\n" + strings.Repeat("[^a]: ", 200) + "\n",
		"indented lists": nestedList(200),
		"mixed":          strings.Repeat("> - 1. ", 100) + "level\n",
	} {
		t.Run(name, func(t *testing.T) {
			doc := guarded.Parser().Parse(text.NewReader([]byte(src)))
			deepest := 0
			_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
				if entering && n.Type() == ast.TypeBlock {
					d := 0
					for p := n.Parent(); p != nil && p.Kind() != ast.KindDocument; p = p.Parent() {
						d++
					}
					deepest = max(deepest, d)
				}
				return ast.WalkContinue, nil
			})
			if deepest > MaxDepth {
				t.Errorf("a block is %d deep, over %d", deepest, MaxDepth)
			}
			if got, want := strings.Count(convert(t, guarded, src), "level"), strings.Count(src, "level"); got < want {
				t.Errorf("%d of %d lines shown", got, want)
			}
		})
	}
}

func TestTableBound(t *testing.T) {
	wide := strings.Repeat("|a", 3000) + "|\n" + strings.Repeat("|-", 3000) + "|\n" + strings.Repeat("x\n", 3000)
	out := convert(t, guarded, wide)
	if strings.Contains(out, "<table>") {
		t.Error("a table of 9 million padded cells was built")
	}
	if got := strings.Count(out, "|"); got != strings.Count(wide, "|") {
		t.Errorf("%d pipes shown, %d written", got, strings.Count(wide, "|"))
	}
	ragged := "| a | b | c |\n|---|---|---|\n" + strings.Repeat("| x |\n", 1000)
	if got, want := convert(t, guarded, ragged), convert(t, unguarded, ragged); got != want {
		t.Error("an ordinary ragged table changed")
	}
}

// TestBudgetsSpareRealPages replays every block of the corpora and of the
// renderer's test pages and checks that none comes near its budget: the
// budgets only stop what real writing never does.
func TestBudgetsSpareRealPages(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*.*")
	_ = filepath.WalkDir("../../../../shared/corpora", func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Skip("no pages found")
	}
	worst := 0.0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pc := parser.NewContext()
		doc := guarded.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering || n.Type() != ast.TypeBlock || n.Lines().Len() == 0 || n.IsRaw() {
				return ast.WalkContinue, nil
			}
			var t2 []byte
			for i := range n.Lines().Len() {
				seg := n.Lines().At(i)
				t2 = append(t2, src[seg.Start:seg.Stop]...)
				if len(t2) == 0 || t2[len(t2)-1] != '\n' {
					t2 = append(t2, '\n')
				}
			}
			lb, eb := budget(linkSteps, len(t2)), budget(emphasisSteps, len(t2))
			ratio := max(float64(linkWork(t2, n.Lines().Len(), lb, pc))/float64(lb), float64(emphasisWork(t2, eb))/float64(eb))
			worst = max(worst, ratio)
			return ast.WalkContinue, nil
		})
	}
	t.Logf("%d pages: the costliest block used %.1f%% of its budget", len(files), 100*worst)
	if worst > 0.25 {
		t.Errorf("a real block used %.0f%% of its budget", 100*worst)
	}
}

func firstDiff(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

func around(got, want string) string {
	i := firstDiff(got, want)
	lo := max(0, i-80)
	return fmt.Sprintf("got  …%.200q\nwant …%.200q", got[lo:], want[lo:])
}

// FuzzGuardInvisible: on 32 bytes no bound can be reached (32 levels of
// nesting at most, far less work than any budget), so the guard must leave
// every such input exactly as goldmark reads it.
func FuzzGuardInvisible(f *testing.F) {
	for _, s := range []string{
		"`a`` b`", "``a`b``", "\\``a`", "[a](b \"c\")", "*a _b* c_", "[[a|b]]",
		"> > > a", "- - - a", "| a |\n|---|\n| b", "[a]: b\n[a]", "[^1]\n\n[^1]: x",
		strings.Repeat(">", 32), strings.Repeat("- ", 16) + "a",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 32 {
			return
		}
		if got, want := convert(t, guarded, src), convert(t, unguarded, src); got != want {
			t.Fatalf("%q: got %q, want %q", src, got, want)
		}
	})
}
