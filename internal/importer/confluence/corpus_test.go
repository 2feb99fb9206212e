package confluence

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/export"
	"github.com/gitwiki/gitwiki/internal/importer"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
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

// orgsecRepaired are the links the orgsec source breaks but means clearly:
// Confluence "create page" links whose title is the address of a page that
// exists (an author pasted the URL of an old space, OrgSec, as a title).
var orgsecRepaired = []string{
	"learn-about-the-organisational-structure-culture-and-existing-policies.md → Identify champions",
	"make-a-documentation-plan.md → Discover",
}

// TestOrgsecCorpus imports the 41 pages of the orgsec.community backup and
// checks the acceptance figures of issue 9: every page, no /display/OS/
// link left, the exact links the source leaves unresolvable, every macro
// and missing attachment reported, and a wiki that gitwiki check finds
// clean, whose every alias redirects in the static export.
func TestOrgsecCorpus(t *testing.T) {
	res := mustImport(t, corpus(t, "orgsec-community-2021"), Options{})
	rep := res.Report
	if rep.Pages != 41 || len(res.Pages) != 41 {
		t.Errorf("%d pages (report %d), want 41 of 41", len(res.Pages), rep.Pages)
	}
	for _, p := range res.Pages {
		if strings.Contains(p.Body, "/display/OS/") {
			t.Errorf("%s still links /display/OS/", p.Path)
		}
		for _, bad := range []string{"style=", "<span", "editor-inline-macro", "mceContentBody", "confluence-link"} {
			if strings.Contains(p.Body, bad) {
				t.Errorf("%s still holds %q", p.Path, bad)
			}
		}
	}
	if len(rep.Unresolved) != 0 {
		t.Errorf("unresolved links %+v, want none: every /display/OS/ link of the source names one of its pages", rep.Unresolved)
	}
	var repaired []string
	for _, l := range rep.Repaired {
		_, title, _ := strings.Cut(l.Reason, "page “")
		repaired = append(repaired, l.Page+" → "+strings.TrimSuffix(title, "”"))
	}
	if !slices.Equal(repaired, orgsecRepaired) {
		t.Errorf("repaired %q, want %q", repaired, orgsecRepaired)
	}
	images, files := 0, 0
	for _, m := range rep.Missing {
		if strings.HasSuffix(m.Name, ".png") {
			images++
		} else {
			files++
		}
	}
	if images != 15 || files != 3 {
		t.Errorf("missing %d images and %d files, want the backup's 15 images and 3 attached files: %+v", images, files, rep.Missing)
	}
	macros := rep.MacroCounts()
	want := map[string]int{"toc → table of contents": 23, "view-file → note (file missing)": 3, "widget → note with a link": 1}
	if len(macros) != len(want) || len(rep.Macros) != 27 {
		t.Errorf("macros %v, want %v (27 in all)", macros, want)
	}
	for k, n := range want {
		if macros[k] != n {
			t.Errorf("macro %s: %d, want %d", k, macros[k], n)
		}
	}
	checkWiki(t, res, 41)
}

// checkWiki commits the import to a new repository and checks it as the
// wiki sees it: no problem for gitwiki check, every alias a redirect to its
// page, in the site model and in a static export.
func checkWiki(t *testing.T, res *importer.Result, pages int) {
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
	loader, err := site.NewLoader(repo, render.New(render.Config{}), "")
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
}
