package search

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

const sdaCorpus = "../../../shared/corpora/sda-manual"

var (
	frontMatter = regexp.MustCompile(`(?s)\A---\n(.*?)\n---\n`)
	titleLine   = regexp.MustCompile(`(?m)^title:\s*"?(.*?)"?\s*$`)
	htmlTag     = regexp.MustCompile(`<[^>]*>`)
	mdMarks     = regexp.MustCompile("[#*_`>|\\[\\]]+|\\]\\([^)]*\\)")
)

// loadSDA reads the SDA manual's English and Spanish pages, stripped crudely to
// plain text. It skips the test when the corpus is absent.
func loadSDA(tb testing.TB) []Doc {
	tb.Helper()
	if _, err := os.Stat(sdaCorpus); err != nil {
		tb.Skipf("corpus not found: %v", err)
	}
	var docs []Doc
	for _, lang := range []string{"en", "es"} {
		root := filepath.Join(sdaCorpus, lang)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(path) != ".md" {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			src := strings.ReplaceAll(string(b), "\r\n", "\n")
			var title string
			if m := frontMatter.FindStringSubmatch(src); m != nil {
				if t := titleLine.FindStringSubmatch(m[1]); t != nil {
					title = t[1]
				}
				src = src[len(m[0]):]
			}
			text := mdMarks.ReplaceAllString(htmlTag.ReplaceAllString(src, " "), " ")
			rel, _ := filepath.Rel(sdaCorpus, path)
			docs = append(docs, Doc{
				Page:  wikipath.Page(strings.TrimSuffix(filepath.ToSlash(rel), ".md")),
				Title: title,
				Text:  text,
				Lang:  lang,
			})
			return nil
		})
		if err != nil {
			tb.Fatalf("read corpus: %v", err)
		}
	}
	if len(docs) == 0 {
		tb.Skip("corpus has no pages")
	}
	return docs
}

func TestSDACorpus(t *testing.T) {
	ix := memIndex(t, loadSDA(t)...)
	tests := []struct {
		q      string
		lang   string // the best hit is in this language
		marked string // some hit's snippet marks this (lowercased) text
	}{
		{"informacion", "es", "<mark>información</mark>"},
		{"INFORMACION clasificacion", "es", "<mark>clasificación</mark>"},
		{"contrasenas", "es", "<mark>contraseñas</mark>"},
		{`"politicas de seguridad"`, "es", "<mark>políticas de seguridad</mark>"},
		{"modelo amenazas", "es", "<mark>amenazas</mark>"},
		{"passwords", "en", "<mark>passwords</mark>"},
		{`"threat model"`, "en", "<mark>threat model</mark>"},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			r := mustSearch(t, ix, Query{Text: tc.q + " "})
			hits, total := r.Hits, r.Total
			if len(hits) == 0 {
				t.Fatalf("Search(%q) found nothing", tc.q)
			}
			if !strings.HasPrefix(string(hits[0].Page), tc.lang+"/") {
				t.Errorf("Search(%q) best hit is %q, want a page in %s", tc.q, hits[0].Page, tc.lang)
			}
			marked := false
			for _, h := range hits {
				checkSnippet(t, string(h.Snippet))
				marked = marked || strings.Contains(strings.ToLower(string(h.Snippet)), tc.marked)
			}
			if !marked {
				t.Errorf("Search(%q): no snippet contains %q", tc.q, tc.marked)
			}
			t.Logf("%q: %d pages, best %q", tc.q, total, hits[0].Page)
		})
	}
}

func BenchmarkSDACorpusIndex(b *testing.B) {
	docs := loadSDA(b)
	b.ReportAllocs()
	for b.Loop() {
		memIndex(b, docs...)
	}
}
