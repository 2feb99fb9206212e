package render

import (
	"bytes"
	"os"
	"testing"
)

// unverified times the renderer as it runs outside tests: without
// sanitizing a second time to compare (verifyCleanForm).
func unverified(b *testing.B) {
	verifyCleanForm = false
	b.Cleanup(func() { verifyCleanForm = true })
}

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
	unverified(b)
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
	unverified(b)
	src := benchPage(b)
	r := New(Config{})
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		r.Summarize(src, "garden/running.md")
	}
}

func BenchmarkRenderCached(b *testing.B) {
	unverified(b)
	src := benchPage(b)
	r := New(Config{})
	ctx := Context{Page: "garden/running", File: "garden/running.md"}
	b.ReportAllocs()
	for b.Loop() {
		r.RenderCached("blob", src, ctx)
	}
}

// BenchmarkSanitize compares the sanitizer's fast path (cleanForm) with
// bluemonday on the benchmark page's HTML.
func BenchmarkSanitize(b *testing.B) {
	unverified(b)
	r := New(Config{})
	_, body, _ := ParseFrontMatter(benchPage(b))
	var buf bytes.Buffer
	if err := r.md.Convert(body, &buf); err != nil {
		b.Fatal(err)
	}
	page := buf.String()
	if _, ok := cleanForm(page); !ok {
		b.Fatal("the benchmark page is not in clean form")
	}
	for _, c := range []struct {
		name string
		fn   func(string) string
	}{
		{"cleanForm", func(s string) string { c, _ := cleanForm(s); return c }},
		{"bluemonday", r.policy.Sanitize},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				c.fn(page)
			}
		})
	}
}
