package smarthttp

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/store"
)

// TestPushToCheckedOutBranch: with the served branch checked out in the
// server's working tree, a push to it is refused with the reason, as C git
// refuses it, since the checkout's next commit would undo it; other
// branches still take pushes.
func TestPushToCheckedOutBranch(t *testing.T) {
	needGit(t)
	work := t.TempDir()
	gitCmd(t, work, "init", "-q", "-b", "main")
	writeFile(t, filepath.Join(work, "index.md"), "# Home\n")
	gitCmd(t, work, "add", ".")
	gitCmd(t, work, "commit", "-qm", "one")
	r, err := store.Open(work, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	head, _ := r.Head(ctx)
	gs := serveServer(t, New(r, Options{}), false)
	dir := mustClone(t, gs.URL)
	writeFile(t, filepath.Join(dir, "new.md"), "# New\n")
	gitCmd(t, dir, "add", "new.md")
	gitCmd(t, dir, "commit", "-qm", "new")
	out, err := gitTry(dir, "push", "origin", "main")
	if err == nil || !strings.Contains(out, "checked out in a working tree") {
		t.Fatalf("push to the checked-out branch: %v\n%s", err, out)
	}
	if h, _ := r.Head(ctx); h != head {
		t.Fatalf("head moved to %s", h)
	}
	gitCmd(t, dir, "push", "-q", "origin", "main:refs/heads/proposals/1")
	if _, err := r.ResolveRef(ctx, "refs/heads/proposals/1"); err != nil {
		t.Fatal(err)
	}
}
