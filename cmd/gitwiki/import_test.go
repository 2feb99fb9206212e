package main

import (
	"archive/zip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const (
	confluenceFixture = "../../internal/importer/confluence/testdata/export"
	backupFixture     = "../../internal/importer/confluence/testdata/backup"
	jekyllFixture     = "../../internal/importer/jekyll/testdata/site"
)

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func escapingZip(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "evil.zip")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, _ := zw.Create("space/../../outside.html")
	w.Write([]byte("<div id=\"main-content\"><p>x</p></div>"))
	zw.Close()
	f.Close()
	return p
}

// TestImportCommand drives gitwiki import as a person would: bad sources
// commit nothing, a first import creates the repository, a second one adds
// a commit, a conflict is refused until --force, whose replacements are
// reported.
func TestImportCommand(t *testing.T) {
	repo := filepath.Join(t.TempDir(), "wiki.git")
	steps := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"missing source", []string{"import", "confluence", "/nonexistent/space", "--repo", repo}, 1, "does not exist"},
		{"zip escaping", []string{"import", "confluence", escapingZip(t), "--repo", repo}, 1, "unsafe import source"},
		{"not a space", []string{"import", "confluence", jekyllFixture, "--repo", repo}, 1, "no Confluence pages"},
		{"dry run", []string{"import", "confluence", confluenceFixture, "--repo", repo, "--dry-run"}, 0, "-- getting-started/index.md --"},
		{"unknown kind", []string{"import", "wordpress", confluenceFixture, "--repo", repo}, 2, "unknown kind"},
		{"no source", []string{"import", "jekyll", "--repo", repo}, 2, "takes a kind and a source"},
		{"bad author", []string{"import", "jekyll", jekyllFixture, "--repo", repo, "--author", "nobody"}, 2, "Name <email>"},
		{"first import", []string{"import", "confluence", confluenceFixture, "--repo", repo, "--message", "Bring in the notes"}, 0, "pages:               6"},
		{"again, unchanged", []string{"import", "confluence", confluenceFixture, "--repo", repo}, 0, "nothing was committed"},
		{"another source", []string{"--repo", repo, "import", "jekyll", jekyllFixture}, 0, "pages:               11"},
		{"conflict", []string{"import", "confluence", backupFixture, "--repo", repo}, 1, "would overwrite existing files: index.md"},
		{"forced", []string{"import", "confluence", backupFixture, "--repo", repo, "--force", "--author", "Ana <ana@example.org>"}, 0, "Files replaced (--force):\n  index.md"},
	}
	for i, s := range steps {
		if s.name == "another source" {
			s.args = append(s.args[2:], s.args[:2]...) // flags after the positional arguments, too
		}
		stdout, stderr, code := runIn(t, "", s.args...)
		if code != s.code || !strings.Contains(stdout+stderr, s.out) {
			t.Fatalf("step %d, %s: exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", i, s.name, code, s.code, s.out, stdout, stderr)
		}
		if i < 7 {
			if _, err := os.Stat(repo); !os.IsNotExist(err) {
				t.Fatalf("step %s created the repository", s.name)
			}
		}
	}
	if n := gitOut(t, repo, "rev-list", "--count", "main"); n != "3" {
		t.Errorf("%s commits, want 3 (two imports and the forced one)", n)
	}
	if msg := gitOut(t, repo, "log", "--reverse", "--format=%s", "main"); !strings.HasPrefix(msg, "Bring in the notes\n") {
		t.Errorf("messages:\n%s", msg)
	}
	if a := gitOut(t, repo, "log", "-1", "--format=%an <%ae>", "main"); a != "Ana <ana@example.org>" {
		t.Errorf("author %q", a)
	}
	gitOut(t, repo, "fsck", "--strict", "--no-dangling")
}
