package jekyll

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gitwiki/gitwiki/internal/importer"
	"github.com/gitwiki/gitwiki/internal/render"
)

// FuzzConvert: any page body (Liquid, kramdown, HTML blocks) converts
// without failing or hanging.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{
		"# T\n\n<div>\n\n    <p>x</p>\n\n</div>\n", "{% if a %}x{% else %}y{% endif %}", "{{ site.baseurl | prepend: 'x' }}/a.png",
		"<div markdown=\"1\">\n* a\n<div markdown=\"1\">*b*</div>\n</div>", "{% raw %}{{ x }}{% endraw %}", "{: .x}\n{::options a=\"b\" /}\n* TOC\n{:toc}",
		"![a](/x.png) [b](../y.html#z) ![](missing.png)", "<!-- c -->\n<table><tr><td>1", "{% include image.html url=\"/x.png\" alt=\"A\" %}",
		"{% for x in y %}{% for z in x %}{% endfor %}", "<ul><li><a href=\"(http://e.org\">x</a></li></ul>",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "_config.yml"), []byte("title: x\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	src, err := importer.OpenSource(dir, importer.Limits{})
	if err != nil {
		f.Fatal(err)
	}
	defer src.Close()
	f.Fuzz(func(t *testing.T, body string) {
		s := &site{cfg: config{BaseURL: "/es", URL: "https://e.org", collections: map[string]collection{}}, lang: "es",
			byURL: map[string]*doc{}, statics: map[string]string{}, folded: map[string]string{}}
		d := &doc{site: s, src: "es/x.md", body: body, url: "/x.html", file: "es/x.md"}
		s.docs = []*doc{d}
		s.byURL[urlKey(d.url)] = d
		r := &run{src: src, conv: importer.NewConverter(), render: render.New(render.Config{CacheEntries: 1}), rep: &importer.Report{},
			names: importer.NewNames(), copied: map[string]string{}, sites: []*site{s}}
		if _, err := r.convert(d); err != nil {
			t.Skip(err)
		}
	})
}
