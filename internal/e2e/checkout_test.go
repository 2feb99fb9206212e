package e2e

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// TestNonBareCheckout: serving an ordinary clone whose served branch is
// checked out would let its next `git commit -a` undo web edits, so web
// edits are refused with a reason, at start and on the editor; serving
// another branch of the same clone, or a bare clone, takes edits
// (hardening item 18).
func TestNonBareCheckout(t *testing.T) {
	t.Parallel()
	requireTool(t, "git")
	dir := filepath.Join(t.TempDir(), "notes")
	git(t, filepath.Dir(dir), "init", "-q", "-b", "main", dir)
	writeFiles(t, dir, map[string]string{"wiki.yaml": "title: Notes\nedit_policy: open\n", "index.md": "# Notes\n", "todo.md": "# Todo\n\n- buy milk\n"})
	commitAll(t, dir, "start")
	git(t, dir, "branch", "web")

	s := StartServer(t, "--repo", dir)
	if out := s.stdout.String(); !strings.Contains(out, "Web edits are off") || !strings.Contains(out, "git clone --bare") {
		t.Errorf("no warning at start:\n%s", out)
	}
	if r := s.get(t, "/-/edit/todo"); r.StatusCode != http.StatusForbidden || !strings.Contains(r.String(), "working copy") {
		t.Errorf("editor on a checked-out branch: %d\n%s", r.StatusCode, trim(r.String(), 600))
	}
	head := git(t, dir, "rev-parse", "main")
	resp, err := client.PostForm(s.URL+"-/edit/todo", url.Values{"content": {"# Todo\n\n- buy bread\n"}, "base": {head}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("edit of a checked-out branch: %d, want 403", resp.StatusCode)
	}
	if now := git(t, dir, "rev-parse", "main"); now != head {
		t.Errorf("main moved to %s although it is checked out", now)
	}
	// The person keeps working in their checkout; nothing is undone.
	writeFiles(t, dir, map[string]string{"todo.md": "# Todo\n\n- buy milk\n- call Ana\n"})
	git(t, dir, "commit", "-q", "-a", "-m", "local edit")

	// The branch nobody has checked out takes web edits.
	w := StartServer(t, "--repo", dir, "--branch", "web")
	if strings.Contains(w.stdout.String(), "Web edits are off") {
		t.Errorf("warning for a branch that is not checked out:\n%s", w.stdout.String())
	}
	base := git(t, dir, "rev-parse", "web")
	resp, err = client.PostForm(w.URL+"-/edit/todo", url.Values{"content": {"# Todo\n\n- buy bread\n"}, "base": {base}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("edit of branch web: %d, want 303", resp.StatusCode)
	}
	if got := git(t, dir, "show", "web:todo.md"); !strings.Contains(got, "buy bread") {
		t.Errorf("web branch: %q", got)
	}
	if got := git(t, dir, "status", "--porcelain"); got != "" {
		t.Errorf("the checkout changed: %q", got)
	}
	gitFsck(t, filepath.Join(dir, ".git"))
}
