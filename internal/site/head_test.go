package site

import (
	"testing"
	"time"

	"github.com/gitwiki/gitwiki/internal/store"
)

// TestHeadWithin: a shared look at the branch follows every ref update
// made through the loader's repository at once, and one made by another
// process (a second handle here) within its age: never later, since Head
// always looks.
func TestHeadWithin(t *testing.T) {
	st0, l := MustSite(t, map[string]string{"index.md": "# Home\n"})
	repo := l.Repo()
	commit := func(r *store.Repo, text string) store.Hash {
		t.Helper()
		head, err := r.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sig := store.Signature{Name: "t", Email: "t@x", When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
		c, err := r.WriteCommit(ctx, head, []store.FileWrite{{Path: "index.md", Content: []byte(text)}}, store.CommitInfo{Author: sig, Committer: sig, Message: text})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.UpdateRef(ctx, "refs/heads/main", c, head); err != nil {
			t.Fatal(err)
		}
		return c
	}
	const long = time.Hour
	if st, err := l.HeadWithin(ctx, long); err != nil || st != st0 {
		t.Fatalf("first look: %v", err)
	}
	c1 := commit(repo, "# One\n")
	if st, _ := l.HeadWithin(ctx, long); st.Commit != c1 {
		t.Fatalf("an update through this process is not seen at once: %s, want %s", st.Commit.Short(), c1.Short())
	}
	other, err := store.Open(repo.GitDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	c2 := commit(other, "# Two\n")
	if st, _ := l.HeadWithin(ctx, long); st.Commit != c1 {
		t.Errorf("the shared look was not used: %s", st.Commit.Short())
	}
	if st, _ := l.Head(ctx); st.Commit != c2 {
		t.Errorf("Head does not look: %s, want %s", st.Commit.Short(), c2.Short())
	}
	if st, _ := l.HeadWithin(ctx, 0); st.Commit != c2 {
		t.Errorf("HeadWithin(0) is not Head: %s", st.Commit.Short())
	}
}
