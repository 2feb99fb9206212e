package export

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// benchWiki is a generated wiki of n pages in 20 folders, shaped like
// bench/gencorpus's: front matter, headings, lists, a table, a code block
// and links between pages.
func benchWiki(n int) map[string]string {
	r := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("access backup browser channel data device encryption group incident laptop meeting network password phone plan policy privacy risk router server session team threat training café información seguridad")
	sentence := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			ws[i] = words[r.IntN(len(words))]
		}
		return strings.Join(ws, " ")
	}
	files := map[string]string{"wiki.yaml": "title: Bench\n", "index.md": "# Bench\n\nGenerated.\n"}
	for s := range 20 {
		files[fmt.Sprintf("s%02d/index.md", s)] = fmt.Sprintf("# Section %d\n\n%s.\n", s, sentence(20))
	}
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: %q\ntags: [%s]\n---\n%s.\n\n", sentence(3), words[i%len(words)], sentence(40))
		for h := range 4 {
			fmt.Fprintf(&b, "## %s\n\n%s.\n\n", sentence(3), sentence(60))
			switch h {
			case 0:
				for range 5 {
					j := r.IntN(n)
					fmt.Fprintf(&b, "- %s [[s%02d/p%04d]]\n", sentence(6), j%20, j)
				}
			case 1:
				b.WriteString("| A | B |\n|---|---|\n")
				for range 5 {
					fmt.Fprintf(&b, "| %s | %s |\n", sentence(2), sentence(4))
				}
			case 2:
				b.WriteString("```go\nfunc main() {\n\tfmt.Println(\"hello\")\n}\n```\n")
			case 3:
				fmt.Fprintf(&b, "1. %s\n2. %s\n", sentence(8), sentence(8))
			}
			b.WriteString("\n")
		}
		files[fmt.Sprintf("s%02d/p%04d.md", i%20, i)] = b.String()
	}
	return files
}

// BenchmarkExport builds a 2,000-page wiki. Each iteration uses a fresh
// loader, so nothing is cached from the previous one, as for the command.
func BenchmarkExport(b *testing.B) {
	r := MustRepo(b, mapFS(benchWiki(2000)))
	th := MustTheme(b)
	dir := b.TempDir()
	b.ResetTimer()
	for i := range b.N {
		l := MustLoader(b, r, "")
		rep, err := Build(context.Background(), Options{Loader: l, Theme: th, Out: filepath.Join(dir, fmt.Sprint("site", i))})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Bytes)/float64(rep.Pages), "bytes/page")
		b.ReportMetric(float64(rep.SearchIndex), "index-bytes")
	}
}
