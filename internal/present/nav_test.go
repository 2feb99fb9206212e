package present

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/themes"
)

// TestNewFromSharesNav: a model of a commit that changed a page's text
// shares the previous model's navigation and rendered sidebars; one that
// changed a title builds its own, and shows the new title.
func TestNewFromSharesNav(t *testing.T) {
	ctx := context.Background()
	m := fstest.MapFS{}
	for p, c := range map[string]string{"index.md": "# Home\n", "a/one.md": "# One\n\nText.\n", "a/two.md": "# Two\n", "b/three.md": "# Three\n"} {
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	sig := store.Signature{Name: "t", Email: "t@x", When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	repo, err := store.Init(filepath.Join(t.TempDir(), "w.git"), "main", m, sig, "init")
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	l, err := site.NewLoader(repo, render.New(render.Config{}), "")
	if err != nil {
		t.Fatal(err)
	}
	sub, _ := fs.Sub(themes.FS, "default")
	th, err := theme.Load(sub)
	if err != nil {
		t.Fatal(err)
	}
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
