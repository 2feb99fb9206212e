package store

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

var ctx = context.Background()

func sig(name string) Signature {
	return Signature{Name: name, Email: name + "@example.org", When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

// MustInit creates a bare repository with the given files in a temp dir.
func MustInit(tb testing.TB, files map[string]string) *Repo {
	tb.Helper()
	m := fstest.MapFS{}
	for p, c := range files {
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	r, err := Init(filepath.Join(tb.TempDir(), "wiki.git"), "main", m, sig("init"), "Initial content")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

func gitCmd(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org", "GIT_CONFIG_NOSYSTEM=1", "HOME="+tb.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func needGit(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		tb.Skip("C git is not installed; interop checks need it")
	}
}

func mustCommit(tb testing.TB, r *Repo, base Hash, msg string, writes ...FileWrite) Hash {
	tb.Helper()
	c, err := r.WriteCommit(ctx, base, writes, CommitInfo{Author: sig("a"), Committer: sig("wiki"), Message: msg})
	if err != nil {
		tb.Fatal(err)
	}
	if err := r.UpdateRef(ctx, "refs/heads/main", c, base); err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestInitReadAndFsck(t *testing.T) {
	needGit(t)
	r := MustInit(t, map[string]string{
		"index.md":          "# Home\n",
		"a/b/c.md":          "deep\n",
		"a/z.md":            "z\n",
		"a-b.md":            "sorts between a and a/ in git order\n",
		"img/logo.png":      "\x89PNG",
		"Facilitation.md":   "f\n",
		"space name/x y.md": "s\n",
	})
	head, err := r.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := r.Tree(ctx, head)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tree.Len(), 7; got != want {
		t.Fatalf("got %d files, want %d", got, want)
	}
	e, ok := tree.Lookup("a/b/c.md")
	if !ok {
		t.Fatal("a/b/c.md missing")
	}
	b, err := r.ReadBlob(ctx, e.Blob, 0)
	if err != nil || string(b) != "deep\n" {
		t.Fatalf("got %q, %v", b, err)
	}
	if _, err := r.ReadBlob(ctx, e.Blob, 2); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	gitCmd(t, r.GitDir(), "fsck", "--strict")
	if got := gitCmd(t, r.GitDir(), "show", "main:space name/x y.md"); got != "s" {
		t.Fatalf("C git reads %q", got)
	}
	if got := gitCmd(t, r.GitDir(), "symbolic-ref", "HEAD"); got != "refs/heads/main" {
		t.Fatalf("HEAD is %q", got)
	}
}

func TestWriteCommitAndHistory(t *testing.T) {
	needGit(t)
	r := MustInit(t, map[string]string{"index.md": "v0\n", "other.md": "o\n"})
	c0, _ := r.Head(ctx)
	c1 := mustCommit(t, r, c0, "edit index", FileWrite{Path: "index.md", Content: []byte("v1\n")})
	c2 := mustCommit(t, r, c1, "edit other", FileWrite{Path: "other.md", Content: []byte("o2\n")})
	c3 := mustCommit(t, r, c2, "add deep", FileWrite{Path: "x/y/z.md", Content: []byte("z\n")})
	c4 := mustCommit(t, r, c3, "delete deep", FileWrite{Path: "x/y/z.md", Delete: true})
	c5 := mustCommit(t, r, c4, "edit index again", FileWrite{Path: "index.md", Content: []byte("v2\n")})
	head, _ := r.Head(ctx)
	if head != c5 {
		t.Fatalf("head %s, want %s", head.Short(), c5.Short())
	}
	hist, err := r.FileHistory(ctx, head, "index.md", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []Hash
	for _, c := range hist {
		got = append(got, c.Hash)
	}
	want := []Hash{c5, c1, c0}
	if len(got) != len(want) {
		t.Fatalf("history has %d commits, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("history[%d] = %s, want %s", i, got[i].Short(), want[i].Short())
		}
	}
	deep, _ := r.FileHistory(ctx, head, "x/y/z.md", 0)
	if len(deep) != 2 || deep[0].Hash != c4 || deep[1].Hash != c3 {
		t.Fatalf("deep history wrong: %d entries", len(deep))
	}
	tree, _ := r.Tree(ctx, head)
	if _, ok := tree.Lookup("x/y/z.md"); ok {
		t.Fatal("deleted file still present")
	}
	log, err := r.Log(ctx, head, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 || log[1].Changes[0] != (FileChange{"x/y/z.md", Deleted}) || log[2].Changes[0] != (FileChange{"x/y/z.md", Added}) {
		t.Fatalf("log wrong: %+v", log)
	}
	gitCmd(t, r.GitDir(), "fsck", "--strict")
	// C git agrees on the file's history.
	cgit := gitCmd(t, r.GitDir(), "log", "--first-parent", "--format=%H", "main", "--", "index.md")
	if cgit != strings.Join([]string{c5.String(), c1.String(), c0.String()}, "\n") {
		t.Fatalf("C git history differs:\n%s", cgit)
	}
}

func TestUpdateRefCompareAndSwap(t *testing.T) {
	r := MustInit(t, map[string]string{"index.md": "v0\n"})
	c0, _ := r.Head(ctx)
	c1, err := r.WriteCommit(ctx, c0, []FileWrite{{Path: "index.md", Content: []byte("v1\n")}}, CommitInfo{Author: sig("a"), Committer: sig("a"), Message: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.UpdateRef(ctx, "refs/heads/main", c1, c1); !errors.Is(err, ErrStale) {
		t.Fatalf("stale old accepted: %v", err)
	}
	if err := r.UpdateRef(ctx, "refs/heads/main", c1, ZeroHash); !errors.Is(err, ErrStale) {
		t.Fatalf("create over existing accepted: %v", err)
	}
	if err := r.UpdateRef(ctx, "refs/heads/main", c1, c0); err != nil {
		t.Fatal(err)
	}
	// A lock held by someone else is respected.
	lock := filepath.Join(r.GitDir(), "refs", "heads", "main.lock")
	os.WriteFile(lock, nil, 0o644)
	if err := r.UpdateRef(ctx, "refs/heads/main", c0, c1); !errors.Is(err, ErrLocked) {
		t.Fatalf("got %v, want ErrLocked", err)
	}
	// A lock left by a crashed writer is taken over, once older than any
	// live C git writer holds one.
	old := time.Now().Add(-2 * foreignLockAge)
	os.Chtimes(lock, old, old)
	if err := r.UpdateRef(ctx, "refs/heads/main", c0, c1); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"refs/heads/../x", "refs/heads/-x", "HEAD", "refs/heads/a.lock", "refs/heads/a b"} {
		if err := r.UpdateRef(ctx, bad, c0, ZeroHash); !errors.Is(err, ErrBadRevision) {
			t.Errorf("ref %q: got %v, want ErrBadRevision", bad, err)
		}
	}
	// Create and delete a ref, including one that C git packed.
	if err := r.UpdateRef(ctx, "refs/heads/proposals/1", c1, ZeroHash); err != nil {
		t.Fatal(err)
	}
	refs, _ := r.Refs(ctx, "refs/heads/proposals/")
	if refs["refs/heads/proposals/1"] != c1 {
		t.Fatalf("refs: %v", refs)
	}
	if err := r.UpdateRef(ctx, "refs/heads/proposals/1", ZeroHash, c1); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ResolveRef(ctx, "refs/heads/proposals/1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted ref resolves: %v", err)
	}
}

func TestHeadFollowsCGitAndPacks(t *testing.T) {
	needGit(t)
	// A non-bare repository made by C git, served from a non-default branch.
	dir := t.TempDir()
	gitCmd(t, dir, "init", "-q", "-b", "trunk")
	os.WriteFile(filepath.Join(dir, "index.md"), []byte("one\n"), 0o644)
	gitCmd(t, dir, "add", ".")
	gitCmd(t, dir, "commit", "-q", "-m", "one")
	r, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Branch() != "trunk" {
		t.Fatalf("branch %q, want trunk", r.Branch())
	}
	h1, _ := r.Head(ctx)
	if h1.String() != gitCmd(t, dir, "rev-parse", "HEAD") {
		t.Fatal("head differs from C git")
	}
	time.Sleep(10 * time.Millisecond) // a distinct mtime for the ref file
	os.WriteFile(filepath.Join(dir, "index.md"), []byte("two\n"), 0o644)
	gitCmd(t, dir, "commit", "-q", "-am", "two")
	gitCmd(t, dir, "gc", "-q") // packs everything, packs refs
	h2, err := r.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if h2.String() != gitCmd(t, dir, "rev-parse", "HEAD") {
		t.Fatalf("head %s not refreshed", h2.Short())
	}
	tree, err := r.Tree(ctx, h2)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := tree.Lookup("index.md")
	if b, err := r.ReadBlob(ctx, e.Blob, 0); err != nil || string(b) != "two\n" {
		t.Fatalf("got %q, %v", b, err)
	}
	// Abbreviated ids and branch names resolve; junk does not.
	if h, err := r.Resolve(ctx, h1.String()[:8]); err != nil || h != h1 {
		t.Fatalf("short id: %v", err)
	}
	if h, err := r.Resolve(ctx, "trunk"); err != nil || h != h2 {
		t.Fatalf("branch: %v", err)
	}
	for _, bad := range []string{"HEAD~1", "-x", "a..b", "main@{0}", ""} {
		if _, err := r.Resolve(ctx, bad); !errors.Is(err, ErrBadRevision) {
			t.Errorf("%q: got %v, want ErrBadRevision", bad, err)
		}
	}
	if _, err := r.Resolve(ctx, strings.Repeat("ab", 20)); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown id: got %v, want ErrNotFound", err)
	}
	if _, err := r.Resolve(ctx, "nosuchbranch"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown branch: got %v, want ErrNotFound", err)
	}
}

func TestOpenRejectsNonRepo(t *testing.T) {
	if _, err := Open(t.TempDir(), Options{}); !errors.Is(err, ErrNotRepo) {
		t.Fatalf("got %v, want ErrNotRepo", err)
	}
}

func TestLastChangeStops(t *testing.T) {
	r := MustInit(t, map[string]string{"a.md": "a\n", "b.md": "b\n"})
	c0, _ := r.Head(ctx)
	c1 := mustCommit(t, r, c0, "a", FileWrite{Path: "a.md", Content: []byte("a1\n")})
	c2 := mustCommit(t, r, c1, "b", FileWrite{Path: "b.md", Content: []byte("b1\n")})
	c, stopped, err := r.LastChange(ctx, c2, "a.md", ZeroHash)
	if err != nil || stopped || c.Hash != c1 {
		t.Fatalf("got %v %v %v, want %s", c, stopped, err, c1.Short())
	}
	c, stopped, _ = r.LastChange(ctx, c2, "a.md", c2)
	if c != nil || !stopped {
		t.Fatal("walk did not stop at the known commit")
	}
	c, _, _ = r.LastChange(ctx, c2, "b.md", c1)
	if c == nil || c.Hash != c2 {
		t.Fatal("change above the stop commit missed")
	}
}

func TestReadFileAt(t *testing.T) {
	r := MustInit(t, map[string]string{"a/b.md": "b\n", "c.md": "c\n"})
	h, _ := r.Head(ctx)
	cases := []struct {
		path, want string
		ok         bool
	}{
		{"a/b.md", "b\n", true},
		{"c.md", "c\n", true},
		{"a", "", false},
		{"a/x.md", "", false},
		{"c.md/x", "", false},
		{"nope/b.md", "", false},
	}
	for _, tc := range cases {
		b, _, ok, err := r.ReadFileAt(ctx, h, tc.path, 0)
		if err != nil || ok != tc.ok || string(b) != tc.want {
			t.Errorf("ReadFileAt(%q) = %q, %v, %v; want %q, %v", tc.path, b, ok, err, tc.want, tc.ok)
		}
	}
}

func TestAncestryAndMergeBase(t *testing.T) {
	needGit(t)
	r := MustInit(t, map[string]string{"a.md": "a\n"})
	c0, _ := r.Head(ctx)
	c1 := mustCommit(t, r, c0, "main 1", FileWrite{Path: "a.md", Content: []byte("a1\n")})
	side, err := r.WriteCommit(ctx, c0, []FileWrite{{Path: "b.md", Content: []byte("b\n")}}, CommitInfo{Author: sig("s"), Committer: sig("s"), Message: "side"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.UpdateRef(ctx, "refs/heads/proposals/1", side, ZeroHash); err != nil {
		t.Fatal(err)
	}
	if ok, _ := r.IsAncestor(ctx, side, c1); ok {
		t.Fatal("side branch reported merged")
	}
	if mb, _ := r.MergeBase(ctx, c1, side); mb != c0 {
		t.Fatalf("merge base %s, want %s", mb.Short(), c0.Short())
	}
	// Merge with C git in a clone, push back, and the wiki sees it.
	clone := t.TempDir()
	gitCmd(t, clone, "clone", "-q", r.GitDir(), ".")
	gitCmd(t, clone, "fetch", "-q", "origin", "refs/heads/proposals/*:refs/remotes/origin/proposals/*")
	gitCmd(t, clone, "merge", "-q", "--no-edit", "origin/proposals/1")
	gitCmd(t, clone, "push", "-q", "origin", "main")
	h, _ := r.Head(ctx)
	if ok, err := r.IsAncestor(ctx, side, h); !ok || err != nil {
		t.Fatalf("merge made with C git not noticed: %v %v", ok, err)
	}
}

func TestBlobCache(t *testing.T) {
	c := newBlobCache(10)
	a, b := Hash{1}, Hash{2}
	c.put(a, []byte("123456"))
	c.put(b, []byte("abcdef")) // evicts a: 12 bytes > 10
	if _, ok := c.get(a); ok {
		t.Fatal("over the limit, the oldest blob stays")
	}
	if got, ok := c.get(b); !ok || string(got) != "abcdef" {
		t.Fatalf("got %q %v", got, ok)
	}
	c.put(Hash{3}, make([]byte, maxCachedBlob+1))
	if _, ok := c.get(Hash{3}); ok {
		t.Fatal("a large blob was cached")
	}
}
