package store

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestCheckedOut(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("C git is not installed")
	}
	dir := t.TempDir()
	work := filepath.Join(dir, "notes")
	run := func(d string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = d
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	os.MkdirAll(work, 0o755)
	run(work, "init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(work, "index.md"), []byte("# Home\n"), 0o644)
	run(work, "add", ".")
	run(work, "commit", "-q", "-m", "first")
	run(work, "branch", "other")

	r, err := Open(work, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := r.CheckedOut(); len(got) != 1 || got[0] != work {
		t.Errorf("non-bare checkout of main: got %q, want [%s]", got, work)
	}
	other, err := Open(work, Options{Branch: "other"})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if got := other.CheckedOut(); len(got) != 0 {
		t.Errorf("branch other is not checked out, got %q", got)
	}
	bare := filepath.Join(dir, "notes.git")
	run(dir, "clone", "-q", "--bare", work, bare)
	linked := filepath.Join(dir, "linked")
	run(bare, "worktree", "add", "-q", linked, "main")
	b, err := Open(bare, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got := b.CheckedOut(); len(got) != 1 || got[0] != linked {
		t.Errorf("bare repository with a linked worktree: got %q, want [%s]", got, linked)
	}
}
