package render

import (
	"os"
	"testing"
)

// benchPage is a realistic page: front matter, prose, lists, a table, code,
// wikilinks, relative links, footnotes and a little raw HTML.
func benchPage(b *testing.B) []byte {
	b.Helper()
	src, err := os.ReadFile("testdata/bench.md")
	if err != nil {
		b.Fatal(err)
	}
	return src
}

func BenchmarkRender(b *testing.B) {
	src := benchPage(b)
	r := New(Config{})
	ctx := Context{Page: "garden/running", File: "garden/running.md", Resolver: mapResolver{"editing-guide": true, "repairs": true}}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		r.Render(src, ctx)
	}
}

func BenchmarkSummarize(b *testing.B) {
	src := benchPage(b)
	r := New(Config{})
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		r.Summarize(src, "garden/running.md")
	}
}

func BenchmarkRenderCached(b *testing.B) {
	src := benchPage(b)
	r := New(Config{})
	ctx := Context{Page: "garden/running", File: "garden/running.md"}
	b.ReportAllocs()
	for b.Loop() {
		r.RenderCached("blob", src, ctx)
	}
}
