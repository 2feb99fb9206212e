package confluence

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gitwiki/gitwiki/internal/importer"
)

// FuzzConvert: any page body converts without failing, both passes.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{
		`<p><img class="editor-inline-macro" data-macro-name="toc"></p><h1 id="X-A">A</h1><a href="#X-A">a</a>`,
		`<a href="/display/K/T%2C+x">t</a><a href="/pages/createpage.action?title=%2Fdisplay%2FK%2FT">c</a>`,
		`<img class="confluence-embedded-image" data-image-src="/download/attachments/1/a%20b.png">`,
		`<div class="confluence-information-macro"><div class="confluence-information-macro-body"><p>x</p></div></div>`,
		`<div class="code panel"><pre data-syntaxhighlighter-params="brush: go">x</pre></div><div class="expand-container"></div>`,
		`<table><tr><td><img class="editor-inline-macro" data-macro-name="view-file" data-macro-parameters="name=x.pdf"></td></tr></table>`,
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.md"), []byte("x"), 0o644); err != nil {
		f.Fatal(err)
	}
	src, err := importer.OpenSource(dir, importer.Limits{})
	if err != nil {
		f.Fatal(err)
	}
	defer src.Close()
	f.Fuzz(func(t *testing.T, body string) {
		s := &space{src: src, conv: importer.NewConverter(), rep: &importer.Report{}, key: "K", base: "https://e.org",
			byTitle: map[string]*page{}, byID: map[string]*page{}, byFile: map[string]*page{}, copied: map[string]string{},
			names: importer.NewNames()}
		p := &page{src: "x.md", id: "1", title: "X", raw: body, file: "x.md"}
		s.pages = []*page{p}
		s.byTitle["x"], s.byID["1"] = p, p
		md, err := s.convert(p)
		if err != nil {
			t.Fatal(err)
		}
		s.learnAnchors(p, md)
		s.final = true
		if _, err := s.convert(p); err != nil {
			t.Fatal(err)
		}
	})
}
