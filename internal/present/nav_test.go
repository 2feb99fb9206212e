package present

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
	"github.com/gitwiki/gitwiki/themes"
)

// navWiki is a wiki of files in a new repository, its loader, and the
// default theme.
func navWiki(t *testing.T, files map[string]string) (*store.Repo, *site.Loader, *theme.Theme) {
	t.Helper()
	m := fstest.MapFS{}
	for p, c := range files {
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	repo, err := store.Init(filepath.Join(t.TempDir(), "w.git"), "main", m, navSig, "init")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	l, err := site.NewLoader(repo, render.New(render.Config{}), "")
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := fs.Sub(themes.FS, "default")
	th, err := theme.Load(sub)
	if err != nil {
		t.Fatal(err)
	}
	return repo, l, th
}

var navSig = store.Signature{Name: "t", Email: "t@x", When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}

// TestNewFromSharesNav: a model of a commit that changed a page's text
// shares the previous model's navigation and rendered sidebars; one that
// changed a title builds its own, and shows the new title.
func TestNewFromSharesNav(t *testing.T) {
	ctx, sig := context.Background(), navSig
	repo, l, th := navWiki(t, map[string]string{"index.md": "# Home\n", "a/one.md": "# One\n\nText.\n", "a/two.md": "# Two\n", "b/three.md": "# Three\n"})
	commit := func(path, text string) *site.Site {
		t.Helper()
		head, _ := repo.Head(ctx)
		c, err := repo.WriteCommit(ctx, head, []store.FileWrite{{Path: path, Content: []byte(text)}}, store.CommitInfo{Author: sig, Committer: sig, Message: path})
		if err != nil {
			t.Fatal(err)
		}
		if err := repo.UpdateRef(ctx, "refs/heads/main", c, head); err != nil {
			t.Fatal(err)
		}
		st, err := l.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st0, _ := l.Head(ctx)
	m0 := NewFrom(nil, st0, th)
	m1 := NewFrom(m0, commit("a/one.md", "# One\n\nOther text.\n"), th)
	if len(m1.nav) == 0 || &m1.nav[0] != &m0.nav[0] || m1.navs != m0.navs {
		t.Error("a text edit did not share the navigation")
	}
	m2 := NewFrom(m1, commit("a/two.md", "# Second\n"), th)
	if m2.navs == m1.navs {
		t.Fatal("a new title shared the old navigation")
	}
	found := false
	for _, it := range m2.Nav("a/two") {
		for _, c := range it.Children {
			found = found || c.Title == "Second"
		}
	}
	if !found {
		t.Error("the new title is not in the navigation")
	}
	if NewFrom(m2, commit("b/four.md", "# Four\n"), th).navs == m2.navs {
		t.Error("a new page shared the old navigation")
	}
}

// testLinks writes server-like page links; the sidebar needs no others.
type testLinks struct{ theme.Links }

func (testLinks) Page(p wikipath.Page) string { return "/" + string(p) }
func (testLinks) Action(a theme.Action, _ wikipath.Page) string {
	if a == theme.ActionPages {
		return "/-/pages"
	}
	return ""
}

// TestNavCutsLargeFolders: past fullNavLimit pages, the sidebar lists one
// window of navFolderLimit entries of each open folder, the one holding the
// page shown (or the open folder), with links for the entries before and
// after (to the folder's page, or the page list at the top level); the
// rendered tree is shared by the pages of one window.
func TestNavCutsLargeFolders(t *testing.T) {
	files := map[string]string{"index.md": "# Home\n"}
	for i := range 120 {
		files[fmt.Sprintf("big/p-%03d.md", i)] = fmt.Sprintf("# Page %03d\n", i)
	}
	for i := range 70 {
		files[fmt.Sprintf("top-%03d.md", i)] = fmt.Sprintf("# Top %03d\n", i)
	}
	for i := range 150 {
		files[fmt.Sprintf("other/q-%03d.md", i)] = fmt.Sprintf("# Other %03d\n", i)
	}
	_, l, th := navWiki(t, files)
	st, err := l.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	model := New(st, th, nil)

	find := func(items []*theme.NavItem, p wikipath.Page) *theme.NavItem {
		for _, it := range items {
			if it.Page == p && it.More == 0 {
				return it
			}
		}
		return nil
	}
	for _, tc := range []struct {
		current               wikipath.Page
		earlier, listed, more int // in big/
	}{
		{"big/p-010", 0, 50, 70},
		{"big/p-060", 50, 50, 20},
		{"big/p-100", 100, 20, 0},
		{"big", 0, 50, 70},
	} {
		top := model.Nav(tc.current)
		// The top level: 70 pages and 2 folders, sorted by title: Big,
		// Other, then Top 000...; the first window, then 22 more.
		if last := top[len(top)-1]; len(top) != 51 || last.More != 22 || last.Earlier || last.Page != wikipath.Root {
			t.Fatalf("%s: top level of %d ends with %+v, want 50 entries and a link to 22 more at the top", tc.current, len(top), last)
		}
		big := find(top, "big")
		if big == nil || !(big.Open || big.Current) {
			t.Fatalf("%s: big/ is not open in the sidebar", tc.current)
		}
		kids := big.Children
		earlier, more, listed := 0, 0, 0
		for i, it := range kids {
			switch {
			case it.More > 0 && it.Earlier && i == 0:
				earlier = it.More
			case it.More > 0 && !it.Earlier && i == len(kids)-1:
				more = it.More
			case it.More > 0:
				t.Errorf("%s: a link to %d entries at %d of %d", tc.current, it.More, i, len(kids))
			default:
				listed++
			}
			if it.More > 0 && it.Page != "big" {
				t.Errorf("%s: the link to the rest leads to %q", tc.current, it.Page)
			}
		}
		if earlier != tc.earlier || listed != tc.listed || more != tc.more {
			t.Errorf("%s: big/ lists %d earlier, %d, %d more; want %d, %d, %d", tc.current, earlier, listed, more, tc.earlier, tc.listed, tc.more)
		}
		if tc.current != "big" {
			if it := find(kids, tc.current); it == nil || !it.Current {
				t.Errorf("%s: the page shown is not listed and marked", tc.current)
			}
		}
	}

	o := Output{Links: testLinks{}, Key: "test"}
	lang := model.catalog.Lang(st.Settings.Language)
	a, b, far := model.navHTML(o, lang, "big/p-001"), model.navHTML(o, lang, "big/p-002"), model.navHTML(o, lang, "big/p-100")
	for _, want := range []string{`<li class="tree-more"><a href="/big">70 more pages</a></li>`, `<li class="tree-more"><a href="/-/pages">22 more pages</a></li>`, `<a href="/big/p-001" aria-current="page">`} {
		if !strings.Contains(string(a), want) {
			t.Errorf("sidebar of big/p-001 lacks %s:\n%s", want, a)
		}
	}
	if !strings.Contains(string(far), `<li class="tree-more"><a href="/big">100 earlier pages</a></li>`) || !strings.Contains(string(far), `<a href="/big/p-100" aria-current="page">`) || strings.Contains(string(far), "/big/p-001") {
		t.Errorf("sidebar of big/p-100 does not list its window, after 100 earlier:\n%s", far)
	}
	if strings.Contains(string(a), "/big/p-100") || !strings.Contains(string(b), `<a href="/big/p-001">`) {
		t.Error("pages within the first entries do not share one rendered tree")
	}
	if n := len(model.navs.m); n != 2 {
		t.Errorf("%d rendered trees for three pages of two windows; want 2", n)
	}
}

func TestInFolder(t *testing.T) {
	tests := []struct {
		name, folder wikipath.Page
		want         bool
	}{
		{"a/b", "a", true},
		{"a", "a", true},
		{"a/b/c", "a/b", true},
		{"ab", "a", false},
		{"a", "a/b", false},
		{"b/a", "a", false},
		{"a-b/c", "a", false},
	}
	for _, tt := range tests {
		if got := inFolder(tt.name, tt.folder); got != tt.want {
			t.Errorf("inFolder(%q, %q) = %v, want %v", tt.name, tt.folder, got, tt.want)
		}
	}
}
