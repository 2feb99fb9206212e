package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchWiki is a generated wiki of n pages in 20 folders, each linking to
// others by path and by title, with headings, a list and a table.
func benchWiki(n int) map[string]string {
	files := map[string]string{"index.md": "# Home\n", "wiki.yaml": "title: Bench\n"}
	for i := range n {
		files[fmt.Sprintf("s%02d/p%04d.md", i%20, i)] = fmt.Sprintf("---\ntitle: Page %d\ntags: [t%d]\n---\n"+
			"Intro with [[s%02d/p%04d]], [[Page %d]] and [a link](../s%02d/p%04d.md).\n\n"+
			"## Steps\n\n- one\n- two **bold**\n- three `code`\n\n## Table\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n### More\n\nSome text.\n",
			i, i%7, (i+1)%20, (i+1)%n, (i*7)%n, (i+3)%20, (i+3)%n)
	}
	return files
}

// discard is a ResponseWriter that keeps only the headers and status, so
// the benchmark measures the server, not a recorder's buffer.
type discard struct {
	h      http.Header
	status int
	n      int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(code int)        { d.status = code }
func (d *discard) Write(b []byte) (int, error) { d.n += len(b); return len(b), nil }

// BenchmarkPageView: warm views through the whole handler (middleware,
// routing, the view cache), of a page, a folder, the page list, and a page
// that is never cached (?rev=, rendered each time), on 2,000 pages.
//
//	go test ./internal/web -run '^$' -bench PageView
func BenchmarkPageView(b *testing.B) {
	tw := MustServe(b, benchWiki(2000))
	head, _ := tw.repo.Head(context.Background())
	for _, c := range []struct{ name, path, enc string }{
		{"page", "/s05/p0005", ""},
		{"page-gzip", "/s05/p0005", "gzip"},
		{"folder", "/s05", ""},
		{"pagelist", "/-/pages", ""},
		{"page-rev", "/s05/p0005?rev=" + head.String(), ""},
	} {
		b.Run(c.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, c.path, nil)
			req.Header.Set("Accept-Language", "en-US,en;q=0.8")
			if c.enc != "" {
				req.Header.Set("Accept-Encoding", c.enc)
			}
			w := &discard{h: http.Header{}}
			tw.srv.ServeHTTP(w, req)
			if w.status != http.StatusOK {
				b.Fatalf("%s: %d", c.path, w.status)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				w := &discard{h: http.Header{}}
				tw.srv.ServeHTTP(w, req)
			}
			b.ReportMetric(float64(w.n), "bytes")
		})
	}
}
