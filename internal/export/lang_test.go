package export

import (
	"strings"
	"testing"
	"time"

	"github.com/gitwiki/gitwiki/internal/store"
)

// TestLanguages: the export writes every language as the server shows it
// (issue 10, item 6): <html lang dir> per page, the switcher, the outdated
// banner of a translation whose source changed, the translations report,
// and hreflang alternates in sitemap.xml.
func TestLanguages(t *testing.T) {
	r := MustRepo(t, mapFS(map[string]string{
		"wiki.yaml":   "title: Manual\nlanguage: en\nlanguages: [en, es, ar]\nbase_url: https://manual.example.org\n",
		"index.md":    "# Manual\n",
		"en/intro.md": "# Introduction\n\nWhy.\n",
		"es/intro.md": "# Introducción\n\nPor qué.\n",
		"ar/intro.md": "# مقدمة\n\nلماذا.\n",
		"en/only.md":  "# Only English\n",
	}))
	MustCommit(t, r, testTime.Add(time.Hour), "Add to the introduction", store.FileWrite{Path: "en/intro.md", Content: []byte("# Introduction\n\nWhy.\n\nMore.\n")})
	out, _ := MustBuild(t, MustLoader(t, r, ""), Options{BaseURL: "https://manual.example.org"})
	files := readTree(t, out)
	es := string(files["es/intro/index.html"])
	for _, want := range []string{`<html lang="es" dir="ltr">`, `class="banner banner-outdated"`, "La versión en inglés", `href="../../en/intro/index.html"`, `hreflang="en"`, "Buscar"} {
		if !strings.Contains(es, want) {
			t.Errorf("es/intro lacks %s", want)
		}
	}
	if strings.Contains(es, "/-/diff/") || strings.Contains(es, "/-/translate/") {
		t.Error("the export links to server-only pages")
	}
	if ar := string(files["ar/intro/index.html"]); !strings.Contains(ar, `<html lang="ar" dir="rtl">`) {
		t.Error("ar/intro is not right to left")
	}
	rep := string(files["-/translations/index.html"])
	for _, want := range []string{"Introducción", "Only English", "Translations"} {
		if !strings.Contains(rep, want) {
			t.Errorf("the translations report lacks %s", want)
		}
	}
	sm := string(files["sitemap.xml"])
	for _, want := range []string{`xmlns:xhtml="http://www.w3.org/1999/xhtml"`, `<xhtml:link rel="alternate" hreflang="es" href="https://manual.example.org/es/intro/"></xhtml:link>`, `hreflang="en" href="https://manual.example.org/en/intro/"`} {
		if !strings.Contains(sm, want) {
			t.Errorf("sitemap.xml lacks %s:\n%s", want, sm)
		}
	}
}
