package e2e

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitCommand checks `gitwiki init DIR` from the outside: one commit of
// starter content in a bare repository that C git accepts and that serve can
// use, and a refusal (exit 2, repository untouched) to init over it again.
func TestInitCommand(t *testing.T) {
	t.Parallel()
	requireTool(t, "git")
	dir := filepath.Join(t.TempDir(), "wiki.git")

	stdout, stderr, code := runGitwiki(t, "init", dir)
	if code != 0 {
		t.Fatalf("gitwiki init %s: exit %d\n%s%s", dir, code, stdout, stderr)
	}
	if git(t, dir, "rev-parse", "--is-bare-repository") != "true" {
		t.Errorf("gitwiki init made a non-bare repository")
	}
	log := git(t, dir, "log", "--format=%H %s")
	if lines := strings.Split(log, "\n"); len(lines) != 1 || log == "" {
		t.Fatalf("git log after init shows %d commits, want 1:\n%s", len(lines), log)
	}
	head := git(t, dir, "rev-parse", "HEAD")
	if main := git(t, dir, "rev-parse", "main"); main != head {
		t.Errorf("HEAD %s is not main %s", head, main)
	}
	files := git(t, dir, "ls-tree", "-r", "--name-only", "HEAD")
	for _, f := range []string{"index.md", "Glossary.md", "Guides/Backups.md", "wiki.yaml"} {
		if !strings.Contains("\n"+files+"\n", "\n"+f+"\n") {
			t.Errorf("the starter commit has no %s; it has:\n%s", f, files)
		}
	}
	gitFsck(t, dir)

	s := StartServer(t, "--repo", dir)
	if h := s.health(t); h.Revision != head {
		t.Errorf("serving the new repository: revision %s, want %s", h.Revision, head)
	}
	checkH1(t, "/Guides/Backups", s.mustGet(t, "/Guides/Backups", http.StatusOK).String(), "Backups")
	s.mustGet(t, "/", http.StatusOK)
	s.Stop(t)

	for _, args := range [][]string{{"init", dir}, {"init"}, {"init", dir, "extra"}} {
		stdout, stderr, code := runGitwiki(t, args...)
		if code != 2 {
			t.Errorf("gitwiki %s: exit %d, want 2\n%s%s", strings.Join(args, " "), code, stdout, stderr)
		}
		if strings.TrimSpace(stderr) == "" {
			t.Errorf("gitwiki %s: exit %d with nothing on stderr", strings.Join(args, " "), code)
		}
	}
	if got := git(t, dir, "rev-parse", "main"); got != head {
		t.Errorf("a refused init moved main from %s to %s", head, got)
	}
	gitFsck(t, dir)
}
