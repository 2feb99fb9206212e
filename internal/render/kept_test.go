package render

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/wikipath"
	"golang.org/x/tools/txtar"
)

// TestKeptParses: with KeepParses, Render of what Summarize parsed gives
// the same document as a renderer that parses afresh, for every page of
// the golden archives; the parse is taken once, and a spent budget only
// means parsing again.
func TestKeptParses(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no archives: %v", err)
	}
	fresh, keep := New(Config{}), New(Config{KeepParses: true})
	pages := 0
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		wiki := newTestWiki(a)
		export := strings.Contains(string(a.Comment), "urls: export")
		for _, f := range a.Files {
			p, ok := wikipath.FromFile(f.Name)
			if !ok {
				continue
			}
			pages++
			ctx := Context{Page: p, File: f.Name, Resolver: wiki}
			if export {
				ctx.URLs = exportURLs{from: p}
			}
			want, wantSum := fresh.Render(f.Data, ctx), fresh.Summarize(f.Data, f.Name)
			if sum := keep.Summarize(f.Data, f.Name); !reflect.DeepEqual(sum, wantSum) {
				t.Errorf("%s: summary differs when kept:\n%+v\nwant\n%+v", f.Name, sum, wantSum)
			}
			if keep.kept.take(f.Name, append([]byte("x"), f.Data...)) != nil {
				t.Fatalf("%s: a parse was taken for another source", f.Name)
			}
			// The first Render takes the kept parse, the second parses.
			for i := range 2 {
				if got := keep.Render(f.Data, ctx); !reflect.DeepEqual(got, want) {
					t.Errorf("%s: render %d differs:\n%s\nwant\n%s", f.Name, i+1, dumpDocument(got), dumpDocument(want))
				}
			}
		}
	}
	if pages == 0 || len(keep.kept.m) != 0 || keep.kept.bytes != 0 {
		t.Fatalf("%d pages; %d parses (%d bytes) still kept after rendering each", pages, len(keep.kept.m), keep.kept.bytes)
	}

	small := New(Config{KeepParses: true, KeepBytes: 10})
	src := []byte("# Title\n\nA page longer than ten bytes.\n")
	small.Summarize(src, "a.md")
	if len(small.kept.m) != 0 {
		t.Fatal("a parse past the budget was kept")
	}
	if d := small.Render(src, Context{Page: "a", File: "a.md"}); !strings.Contains(string(d.HTML), "longer than ten") {
		t.Fatalf("render past the budget: %s", d.HTML)
	}
}
