package jekyll

import (
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/export"
	"github.com/gitwiki/gitwiki/internal/importer"
	"github.com/gitwiki/gitwiki/internal/render"
	wsite "github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
	"github.com/gitwiki/gitwiki/themes"
)

// corpus finds one of the real corpora (see ../shared/corpora/README.md),
// read in place and never copied: GITWIKI_CORPORA, else the shared folder
// next to the checkout. The test skips when neither is there.
func corpus(t *testing.T, name string) string {
	t.Helper()
	for _, dir := range []string{os.Getenv("GITWIKI_CORPORA"), "../../../../shared/corpora"} {
		if dir == "" {
			continue
		}
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.IsDir() {
			return filepath.Join(dir, name)
		}
	}
	t.Skipf("corpus %s not found (set GITWIKI_CORPORA to the corpora folder)", name)
	return ""
}

// sdaUnresolved are the links of the SDA manual that lead nowhere in the
// source itself: its template pages were never part of the manual's sites.
var sdaUnresolved = []string{
	"en/activities/0202-data-protection-policies.md → https://sdamanual.org/es/plantillas/p1",
	"en/activities/0203-acceptable-use-policy-for-accounts-and-passwords.md → https://sdamanual.org/es/plantillas/p2",
	"en/activities/0204-clean-desk-policy.md → https://sdamanual.org/es/plantillas/p3",
	"es/activities/0202-data-protection-policies.md → https://sdamanual.org/es/plantillas/p1",
	"es/activities/0203-acceptable-use-policy-for-accounts-and-passwords.md → https://sdamanual.org/es/plantillas/p2",
	"es/activities/0204-clean-desk-policy.md → https://sdamanual.org/es/plantillas/p3",
}

// sdaMissing are the files the pages use that the corpus left out (large
// downloads and one logo): images become notes, downloads links to their
// old address.
var sdaMissing = []string{
	"en/04-closure.md: safetag.jpg",
	"en/05-download.md: EN-Template1-0202.odt", "en/05-download.md: EN-Template2-0203.odt", "en/05-download.md: EN-Template3-0204.odt",
	"en/05-download.md: sda_en.pdf", "en/05-download.md: sda_es.pdf",
	"es/04-closure.md: safetag.jpg",
	"es/05-download.md: plantilla1-0202.odt", "es/05-download.md: plantilla2-0203.odt", "es/05-download.md: plantilla3-0204.odt",
	"es/05-download.md: sda_en.pdf", "es/05-download.md: sda_es.pdf",
}

// TestSDACorpus imports the bilingual SDA manual and checks the acceptance
// figures of issue 9: both languages in one wiki, every es page linked to
// its en translation, no Liquid left, no broken image, the activities and
// stages in the manual's order, and the exact links the source leaves
// unresolvable.
func TestSDACorpus(t *testing.T) {
	res := mustImport(t, corpus(t, "sda-manual"), Options{})
	byLang := map[string][]*importer.Page{}
	keys := map[string]map[string]bool{}
	for _, p := range res.Pages {
		lang, _ := p.Front.Get("lang").(string)
		byLang[lang] = append(byLang[lang], p)
		if k, ok := p.Front.Get("translationKey").(string); ok {
			if keys[lang] == nil {
				keys[lang] = map[string]bool{}
			}
			keys[lang][k] = true
		}
		for _, bad := range []string{"{{", "{%", "site.baseurl"} {
			if strings.Contains(p.Body, bad) {
				t.Errorf("%s still holds Liquid %q", p.Path, bad)
			}
		}
		if strings.Contains(p.Body, "\t<") || strings.Contains(p.Body, "    <") {
			t.Errorf("%s still holds indented HTML, which reads as code", p.Path)
		}
	}
	if len(byLang["en"]) != 18 || len(byLang["es"]) != 17 || len(res.Pages) != 35 {
		t.Errorf("%d en and %d es pages of %d, want 18 and 17 of 35", len(byLang["en"]), len(byLang["es"]), len(res.Pages))
	}
	for _, p := range byLang["es"] {
		k, _ := p.Front.Get("translationKey").(string)
		if k == "" || !keys["en"][k] {
			t.Errorf("%s is not linked to an en translation (translationKey %q)", p.Path, k)
		}
	}
	var unresolved, missing []string
	for _, l := range res.Report.Unresolved {
		unresolved = append(unresolved, l.Page+" → "+l.Target)
	}
	for _, m := range res.Report.Missing {
		missing = append(missing, m.Page+": "+m.Name)
	}
	if !slices.Equal(unresolved, sdaUnresolved) {
		t.Errorf("unresolved links:\n%s\nwant:\n%s", strings.Join(unresolved, "\n"), strings.Join(sdaUnresolved, "\n"))
	}
	if !slices.Equal(missing, sdaMissing) {
		t.Errorf("missing files:\n%s\nwant:\n%s", strings.Join(missing, "\n"), strings.Join(sdaMissing, "\n"))
	}
	st := checkWiki(t, res, 35)
	for _, lang := range []string{"en", "es"} {
		checkOrder(t, st, lang+"/activities", "0101 0102 0103 0104 0201 0202 0203 0204 0301 0302")
	}
	checkOrder(t, st, "en", "00 01 02 03 04 05 06")
	checkOrder(t, st, "es", "00 01 02 03 04 05")
	checkImages(t, st, res)
	for _, p := range st.Pages() {
		if strings.HasPrefix(string(p.Name), "es/") && len(st.Translations(p)) == 0 {
			t.Errorf("the wiki shows no translation for %s", p.Name)
		}
	}
}

// checkOrder: the folder lists its pages in the manual's numbered order.
func checkOrder(t *testing.T, st *wsite.Site, folder, want string) {
	t.Helper()
	var got []string
	for _, c := range st.Children(wikipath.Page(folder)) {
		n, _, _ := strings.Cut(c.Name.Base(), "-")
		got = append(got, n)
	}
	if strings.Join(got, " ") != want {
		t.Errorf("%s lists %s, want %s", folder, strings.Join(got, " "), want)
	}
}

// checkImages: every image of every page is a file of the wiki.
func checkImages(t *testing.T, st *wsite.Site, res *importer.Result) {
	t.Helper()
	r := render.New(render.Config{})
	n := 0
	for _, p := range res.Pages {
		r.RewriteDestinations([]byte(p.Body), func(dest string, image bool) (render.DestinationEdit, bool) {
			if !image {
				return render.DestinationEdit{}, false
			}
			n++
			file, err := wikipath.Join(path.Dir(p.Path), dest)
			if _, ok := st.File(file); err != nil || !ok {
				t.Errorf("%s: broken image %s", p.Path, dest)
			}
			return render.DestinationEdit{}, false
		})
	}
	if n < 60 {
		t.Errorf("only %d images checked", n)
	}
}

// checkWiki commits the import to a new repository and checks it as the
// wiki sees it: no problem for gitwiki check, every alias a redirect to its
// page, in the site model and in a static export.
func checkWiki(t *testing.T, res *importer.Result, pages int) *wsite.Site {
	t.Helper()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "wiki.git")
	if _, err := importer.Commit(ctx, res, importer.CommitOptions{Repo: dir}); err != nil {
		t.Fatal(err)
	}
	repo, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	loader, err := wsite.NewLoader(repo, render.New(render.Config{}), "")
	if err != nil {
		t.Fatal(err)
	}
	st, err := loader.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	findings, err := st.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.IsError() {
			t.Errorf("gitwiki check: %s", f)
		}
	}
	if n := len(st.Pages()); n != pages {
		t.Errorf("the wiki has %d pages, want %d", n, pages)
	}
	aliases := 0
	for _, p := range res.Pages {
		list, _ := p.Front.Get("aliases").([]string)
		for _, a := range list {
			name, _ := wikipath.Parse(a)
			to, ok := st.Alias(name)
			if want, _ := wikipath.FromFile(p.Path); !ok || to != want {
				t.Errorf("alias %s leads to %q (%v), want %s", a, to, ok, want)
			}
			aliases++
		}
	}
	out := filepath.Join(t.TempDir(), "site")
	sub, _ := fs.Sub(themes.FS, "default")
	th, err := theme.Load(sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := export.Build(ctx, export.Options{Loader: loader, Theme: th, Out: out, Strict: true}); err != nil {
		t.Fatalf("export: %v", err)
	}
	for old := range st.Aliases() {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(old), "index.html"))
		if err != nil || !strings.Contains(string(b), `http-equiv="refresh"`) {
			t.Errorf("the export has no redirect at %s: %v", old, err)
		}
	}
	t.Logf("%d pages, %d aliases, all redirecting; gitwiki check clean", pages, aliases)
	return st
}
