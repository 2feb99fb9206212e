package smarthttp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/store"
)

// TestShallowCloneAndDeepen drives the shallow side of protocol v0 with C
// git: clone --depth, fetch --depth, --deepen and --unshallow, across a
// merge, and a plain fetch into a shallow clone.
func TestShallowCloneAndDeepen(t *testing.T) {
	needGit(t)
	r := MustInit(t, map[string]string{"index.md": "# Home\n"})
	head, _ := r.Head(ctx)
	// main: c1..c6, with a side branch merged in at c4.
	side := head
	for i := 1; i <= 6; i++ {
		if i == 4 {
			s, err := r.WriteCommit(ctx, head, []store.FileWrite{{Path: "side.md", Content: []byte("side\n")}},
				store.CommitInfo{Author: sig("a"), Committer: sig("a"), Message: "side"})
			if err != nil {
				t.Fatal(err)
			}
			side = s
			m, err := r.WriteCommit(ctx, head, []store.FileWrite{{Path: "side.md", Content: []byte("side\n")}},
				store.CommitInfo{Author: sig("a"), Committer: sig("a"), Message: "merge side", ExtraParents: []store.Hash{side}})
			if err != nil {
				t.Fatal(err)
			}
			if err := r.UpdateRef(ctx, "refs/heads/main", m, head); err != nil {
				t.Fatal(err)
			}
			head = m
			continue
		}
		head = mustCommit(t, r, head, fmt.Sprintf("c%d", i), store.FileWrite{Path: fmt.Sprintf("p%d.md", i), Content: []byte(fmt.Sprintf("page %d\n", i))})
	}
	gs := serveGit(t, r)
	dir := filepath.Join(t.TempDir(), "clone")
	gitCmd(t, "", "clone", "-q", "--depth", "1", gs.URL, dir)
	count := func(rev string) string { return gitCmd(t, dir, "rev-list", "--count", rev) }
	if n := count("HEAD"); n != "1" {
		t.Fatalf("clone --depth 1 has %s commits", n)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "p6.md")); string(b) != "page 6\n" {
		t.Fatalf("p6.md = %q", b)
	}
	if sh, _ := os.ReadFile(filepath.Join(dir, ".git", "shallow")); strings.TrimSpace(string(sh)) != head.String() {
		t.Fatalf("shallow file %q, want %s", sh, head)
	}
	gitCmd(t, dir, "fsck", "--strict")

	// Two more on the server; a plain fetch into the shallow clone sends
	// just those.
	head = mustCommit(t, r, head, "c7", store.FileWrite{Path: "p7.md", Content: []byte("page 7\n")})
	head = mustCommit(t, r, head, "c8", store.FileWrite{Path: "p8.md", Content: []byte("page 8\n")})
	gitCmd(t, dir, "fetch", "-q", "origin")
	if got := gitCmd(t, dir, "rev-parse", "origin/main"); got != head.String() {
		t.Fatalf("fetched %s, want %s", got, head)
	}
	if n := count("origin/main"); n != "3" {
		t.Fatalf("after a plain fetch %s commits, want 3", n)
	}
	gitCmd(t, dir, "fsck", "--strict")

	gitCmd(t, dir, "fetch", "-q", "--depth", "5", "origin")
	// c8 c7 c6 c5 merge: the merge is the boundary, its parents are not.
	if n := count("origin/main"); n != "5" {
		t.Fatalf("fetch --depth 5: %s commits", n)
	}
	gitCmd(t, dir, "fetch", "-q", "--deepen", "1", "origin")
	// One more below the merge on both sides: c3 and side.
	if n := count("origin/main"); n != "7" {
		t.Fatalf("fetch --deepen 1: %s commits", n)
	}
	if got := gitCmd(t, dir, "rev-parse", "origin/main~4^2"); got != side.String() {
		t.Fatalf("merge's second parent %s, want %s", got, side)
	}
	gitCmd(t, dir, "fsck", "--strict")

	gitCmd(t, dir, "fetch", "-q", "--unshallow", "origin")
	if _, err := os.Stat(filepath.Join(dir, ".git", "shallow")); !os.IsNotExist(err) {
		t.Fatalf("still shallow after --unshallow: %v", err)
	}
	if got, want := count("origin/main"), gitCmd(t, r.GitDir(), "rev-list", "--count", "main"); got != want {
		t.Fatalf("after --unshallow %s commits, server has %s", got, want)
	}
	gitCmd(t, dir, "fsck", "--strict")

	t.Run("push from a shallow clone", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "shallow")
		gitCmd(t, "", "clone", "-q", "--depth", "1", gs.URL, dir)
		writeFile(t, filepath.Join(dir, "offline.md"), "# Written offline\n")
		gitCmd(t, dir, "add", "offline.md")
		gitCmd(t, dir, "commit", "-qm", "written offline")
		gitCmd(t, dir, "push", "-q", "origin", "main")
		if h, _ := r.Head(ctx); h.String() != gitCmd(t, dir, "rev-parse", "HEAD") {
			t.Fatalf("head %s after the push", h)
		}
		gitCmd(t, r.GitDir(), "fsck", "--strict")
	})
}
