package site

import (
	"context"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

var ctx = context.Background()

// MustSite loads the read model of a real repository holding files.
func MustSite(tb testing.TB, files map[string]string) (*Site, *Loader) {
	tb.Helper()
	m := fstest.MapFS{}
	for p, c := range files {
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	repo, err := store.Init(filepath.Join(tb.TempDir(), "w.git"), "main", m, store.Signature{Name: "t", Email: "t@x", When: time.Now()}, "init")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { repo.Close() })
	l, err := NewLoader(repo, render.New(render.Config{}), "")
	if err != nil {
		tb.Fatal(err)
	}
	st, err := l.Head(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return st, l
}

var wiki = map[string]string{
	"wiki.yaml":              "title: T\nnav: [Zeta, Guides]\n",
	"index.md":               "# Home\n[[Backups]]\n",
	"Zeta.md":                "# Zeta\n",
	"Alpha.md":               "# Alpha\n[[guides/backups]] [b](Guides/Backups.md)\n",
	"Guides/index.md":        "---\ntitle: All guides\n---\n",
	"Guides/Backups.md":      "---\ntitle: Backing up\nweight: 2\ntags: [storage]\ncategory: guide\naliases: [old/backups]\n---\n",
	"Guides/Passwords.md":    "---\nweight: 1\ntags: [storage, accounts]\n---\n# Passwords\n[[Backing up]]\n",
	"Guides/Zebra.md":        "# Aardvark\n",
	"en/intro.md":            "# Intro\n",
	"es/intro.md":            "# Introducción\n",
	"_templates/Activity.md": "# Activity template\n[[Backups]]\n",
	"_Sidebar.md":            "[[Zeta]]\n",
	"Guides/README.md":       "loses to index.md\n",
}

func TestIndex(t *testing.T) {
	st, _ := MustSite(t, wiki)
	if st.Settings.Title != "T" {
		t.Fatalf("settings: %+v", st.Settings)
	}
	p, ok := st.Page("Guides")
	if !ok || p.File != "Guides/index.md" || p.Title != "All guides" {
		t.Fatalf("folder page: %+v", p)
	}
	var top []string
	for _, n := range st.Nav() {
		top = append(top, string(n.Name))
	}
	want := []string{"Zeta", "Guides", "Alpha", "en", "es"}
	if len(top) != len(want) {
		t.Fatalf("nav %q, want %q", top, want)
	}
	for i := range want {
		if top[i] != want[i] {
			t.Fatalf("nav %q, want %q", top, want)
		}
	}
	var guides []string
	for _, n := range st.Nav()[1].Children {
		guides = append(guides, n.Title)
	}
	if got := guides; len(got) != 3 || got[0] != "Passwords" || got[1] != "Backing up" || got[2] != "Aardvark" {
		t.Fatalf("guides ordered %q; want weight first, then title", got)
	}
	var back []string
	for _, b := range st.Backlinks("Guides/Backups") {
		back = append(back, string(b.Name))
	}
	// Hidden pages (templates, sidebar) do not count as backlinks.
	if len(back) != 3 || back[0] != "Alpha" || back[1] != "" || back[2] != "Guides/Passwords" {
		t.Fatalf("backlinks %q", back)
	}
	if got := st.Tagged("tag", "storage"); len(got) != 2 {
		t.Fatalf("tag storage: %d pages", len(got))
	}
	if got := st.Tagged("category", "guide"); len(got) != 1 || got[0].Name != "Guides/Backups" {
		t.Fatalf("category guide: %v", got)
	}
	if target, ok := st.Alias("old/backups"); !ok || target != "Guides/Backups" {
		t.Fatalf("alias: %q", target)
	}
	if tr := st.Translations(mustPage(t, st, "en/intro")); len(tr) != 1 || tr[0].Name != "es/intro" || st.Lang(tr[0]) != "es" {
		t.Fatalf("translations: %v", tr)
	}
	if !mustPage(t, st, "_templates/Activity").Hidden || !mustPage(t, st, "_Sidebar").Hidden {
		t.Fatal("templates and the sidebar must be hidden")
	}
	if crumbs := st.Breadcrumbs("Guides/Backups"); len(crumbs) != 2 || crumbs[0].Name != wikipath.Root || crumbs[1].Title != "All guides" {
		t.Fatalf("breadcrumbs: %+v", crumbs)
	}
}

func mustPage(tb testing.TB, st *Site, name wikipath.Page) *Page {
	tb.Helper()
	p, ok := st.Page(name)
	if !ok {
		tb.Fatalf("no page %q", name)
	}
	return p
}

func TestFindWiki(t *testing.T) {
	st, _ := MustSite(t, wiki)
	cases := []struct {
		from   wikipath.Page
		target string
		want   wikipath.Page
		ok     bool
	}{
		{"", "Guides/Backups", "Guides/Backups", true},
		{"Guides/Passwords", "Backups", "Guides/Backups", true},
		{"", "backing up", "Guides/Backups", true},
		{"", "guides/backups", "Guides/Backups", true},
		{"", "Backing-Up", "Guides/Backups", true},
		{"", "Aardvark", "Guides/Zebra", true},
		{"", "Nowhere", "", false},
		{"", "Activity template", "", false}, // templates are not link targets by title
	}
	for _, tc := range cases {
		got, ok := st.FindWiki(tc.from, tc.target)
		if got != tc.want || ok != tc.ok {
			t.Errorf("FindWiki(%q, %q) = %q, %v; want %q, %v", tc.from, tc.target, got, ok, tc.want, tc.ok)
		}
	}
	near := st.Near("Guides/Backup", 3)
	if len(near) == 0 || near[0].Name != "Guides/Backups" {
		t.Fatalf("Near: %v", near)
	}
}

func TestLoaderReusesSummariesAndLastChange(t *testing.T) {
	st, l := MustSite(t, wiki)
	repo := l.Repo()
	c1, err := repo.WriteCommit(ctx, st.Commit, []store.FileWrite{{Path: "Zeta.md", Content: []byte("# Zeta 2\n")}}, store.CommitInfo{Author: store.Signature{Name: "b", Email: "b@x"}, Committer: store.Signature{Name: "b", Email: "b@x"}, Message: "zeta"})
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.UpdateRef(ctx, "refs/heads/main", c1, st.Commit); err != nil {
		t.Fatal(err)
	}
	st2, err := l.Head(ctx)
	if err != nil || st2.Commit != c1 {
		t.Fatalf("head not reloaded: %v", err)
	}
	if mustPage(t, st2, "Alpha").Summary != mustPage(t, st, "Alpha").Summary {
		t.Error("an unchanged page was parsed again")
	}
	if mustPage(t, st2, "Zeta").Title != "Zeta 2" {
		t.Error("the changed page keeps its old title")
	}
	if st2.Fingerprint() == st.Fingerprint() {
		t.Error("a title change must change the fingerprint")
	}
	for _, tc := range []struct {
		file string
		want store.Hash
	}{{"Zeta.md", c1}, {"Alpha.md", st.Commit}} {
		c, err := l.LastChange(ctx, c1, tc.file)
		if err != nil || c.Hash != tc.want {
			t.Errorf("LastChange(%s) = %v, %v; want %s", tc.file, c, err, tc.want.Short())
		}
	}
}

func TestBrokenSettingsAreReported(t *testing.T) {
	st, _ := MustSite(t, map[string]string{"wiki.yaml": "title: [x\n", "index.md": "x\n"})
	if len(st.Problems) != 1 || st.Settings.Title != "Wiki" {
		t.Fatalf("problems %q, settings %+v", st.Problems, st.Settings)
	}
	st, _ = MustSite(t, map[string]string{"wiki.yaml": "edit_policy: sometimes\n", "index.md": "x\n"})
	if len(st.Problems) != 1 || st.Settings.EditPolicy != PolicyReview {
		t.Fatalf("bad policy: problems %q, settings %+v", st.Problems, st.Settings)
	}
}
