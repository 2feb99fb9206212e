package site

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/gitwiki/gitwiki/internal/store"
)

// commitFiles commits writes on top of the served branch's head.
func commitFiles(t *testing.T, l *Loader, msg string, writes ...store.FileWrite) store.Hash {
	t.Helper()
	repo := l.Repo()
	head, err := repo.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sig := store.Signature{Name: "t", Email: "t@x", When: time.Now()}
	c, err := repo.WriteCommit(ctx, head, writes, store.CommitInfo{Author: sig, Committer: sig, Message: msg})
	if err != nil {
		t.Fatal(err)
	}
	if err := repo.UpdateRef(ctx, "refs/heads/"+repo.Branch(), c, head); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestHistory(t *testing.T) {
	_, l := MustSite(t, map[string]string{"index.md": "# Home\n", "a.md": "# A\n", "b.md": "# B\n"})
	commitFiles(t, l, "Edit A", store.FileWrite{Path: "a.md", Content: []byte("# A\n\nmore\n")})
	commitFiles(t, l, "Sidebar only", store.FileWrite{Path: "_Sidebar.md", Content: []byte("[[A]]\n")})
	commitFiles(t, l, "Add picture and delete B",
		store.FileWrite{Path: "img/p.png", Content: []byte("png")},
		store.FileWrite{Path: "b.md", Delete: true})
	st, err := l.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h, err := st.History(ctx, HistoryQuery{Recent: 10, Files: []string{"a.md", "index.md"}, Root: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range h.Recent {
		got = append(got, c.Subject())
	}
	// The sidebar is not a page anyone reads on its own: its commit touches
	// nothing a reader lists.
	want := []string{"Add picture and delete B", "Edit A", "init"}
	if len(got) != len(want) {
		t.Fatalf("recent %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("recent %q, want %q", got, want)
		}
	}
	first := h.Recent[0]
	if len(first.Pages) != 1 || first.Pages[0].Name != "b" || first.Pages[0].Page != nil || first.Pages[0].Title() != "B" {
		t.Errorf("deleted page: %+v", first.Pages)
	}
	if len(first.Files) != 1 || first.Files[0] != "img/p.png" {
		t.Errorf("files: %q", first.Files)
	}
	if c := h.Last["a.md"]; c == nil || c.Subject() != "Edit A" {
		t.Errorf("last change of a.md: %+v", c)
	}
	if c := h.Last["index.md"]; c == nil || c.Subject() != "init" {
		t.Errorf("last change of index.md: %+v", c)
	}
	if c, _ := l.Repo().Commit(ctx, h.Root); c == nil || len(c.Parents) != 0 {
		t.Errorf("root %s is not the root commit", h.Root)
	}
}

func TestContentFile(t *testing.T) {
	_, l := MustSite(t, map[string]string{"index.md": "# Home\n"})
	l.dir = "wiki"
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{{"wiki/a.md", "a.md", true}, {"wikis/a.md", "", false}, {"a.md", "", false}} {
		got, ok := l.ContentFile(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ContentFile(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestLoadPanic: a panic while loading a commit's read model is an error for
// every caller waiting on that load; none of them hangs.
func TestLoadPanic(t *testing.T) {
	_, l := MustSite(t, map[string]string{"index.md": "# Home\n"})
	c := commitFiles(t, l, "more", store.FileWrite{Path: "x.md", Content: []byte("# X\n")})
	l.loadHook = func(store.Hash) { panic("boom") }
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = l.At(ctx, c)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if !errors.Is(err, ErrLoadPanic) {
			t.Errorf("caller %d: got %v, want ErrLoadPanic", i, err)
		}
	}
}
