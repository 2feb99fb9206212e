package e2e

import (
	"path/filepath"
	"testing"
)

// TestLanguagesInBrowser: issue 10's browser checks, in Chromium against
// a real server over a real repository. A Spanish page shows a Spanish
// interface and, its English source having changed since, the banner that
// leads to the source's diff between the revision translated and now; an
// Arabic page lays out right to left at phone and desktop widths
// (screenshots in .ci/artifacts to look at); a Spanish reader's browser
// gets the page list in Spanish.
func TestLanguagesInBrowser(t *testing.T) {
	dir, shots := requireBrowser(t)
	work := filepath.Join(t.TempDir(), "work")
	git(t, t.TempDir(), "init", "-q", "-b", "main", work)
	writeFiles(t, work, map[string]string{
		"wiki.yaml":   "title: Manual\nlanguage: en\nlanguages: [en, es, ar]\n",
		"index.md":    "# Manual\n\nThe [introduction](en/intro.md).\n",
		"en/intro.md": "# Introduction\n\nWhy the manual exists.\n\nHow to use it.\n",
		"es/intro.md": "# Introducción\n\nPor qué existe el manual.\n\nCómo usarlo.\n",
		"ar/intro.md": "---\nlang: ar\ntranslationKey: intro\n---\n# مقدمة\n\nلماذا يوجد هذا الدليل، وكيف تستخدمه في ورشة عمل مع فريقك.\n\n| العمود | القيمة |\n|---|---|\n| أ | ١ |\n\n```\ngit clone https://example.org/wiki.git\n```\n",
		"ar/tools.md": "# أدوات\n\nقائمة الأدوات.\n",
	})
	translated := commitAll(t, work, "Manual in three languages")
	writeFiles(t, work, map[string]string{"en/intro.md": "# Introduction\n\nWhy the manual exists.\n\nHow to use it.\n\nA section added after the translation.\n"})
	changed := commitAll(t, work, "Add a section to the introduction")
	bare := filepath.Join(t.TempDir(), "manual.git")
	git(t, t.TempDir(), "clone", "-q", "--bare", work, bare)

	s := StartServer(t, "--repo", bare)
	runBrowserScript(t, dir, "pages.mjs", nil, s.URL, shots,
		"lang-es-1280=/es/intro@1280,lang=es,dir=ltr,text=La versión en inglés,click=.banner-outdated a[href*=diff],at=from="+translated+"&to="+changed+",then=A section added after the translation.",
		"lang-es-390=/es/intro@390,lang=es,text=Buscar",
		"lang-ar-390=/ar/intro@390,lang=ar,dir=rtl",
		"lang-ar-1280=/ar/intro@1280,lang=ar,dir=rtl",
		"lang-pages-es-1280=/-/pages@1280,locale=es-ES,lang=es,text=Todas las páginas",
		"lang-translations-1280=/-/translations@1280,text=Translations")
	gitFsck(t, bare)
}
