package e2e

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportBrowser exports the starter wiki with the real binary (gitwiki
// init, then gitwiki build to a zip), unzips it as a reader would, and runs
// browser/export.mjs on it from file:// in headless Chromium: navigation to
// an activity, offline search with an accented query, a result opened, no
// script errors, and no request that leaves file://.
func TestExportBrowser(t *testing.T) {
	t.Parallel()
	dir, shots := requireBrowser(t)

	tmp := t.TempDir()
	repo := filepath.Join(tmp, "wiki.git")
	if stdout, stderr, code := runGitwiki(t, "init", repo); code != 0 {
		t.Fatalf("gitwiki init: exit %d\n%s%s", code, stdout, stderr)
	}
	zipFile := filepath.Join(tmp, "wiki.zip")
	stdout, stderr, code := runGitwiki(t, "build", "--repo", repo, "--out", zipFile, "--strict")
	if code != 0 {
		t.Fatalf("gitwiki build: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.HasPrefix(stdout, "Built ") || strings.Count(stdout, "\n") != 1 {
		t.Errorf("gitwiki build printed %q, want one summary line", stdout)
	}
	site := filepath.Join(tmp, "unzipped")
	unzip(t, zipFile, site)

	runBrowserScript(t, dir, "export.mjs", nil, site, shots)
}

// TestBuildCommand checks build and check from the outside: exit codes,
// and that a refused build leaves nothing behind.
func TestBuildCommand(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	repo := filepath.Join(tmp, "wiki.git")
	if stdout, stderr, code := runGitwiki(t, "init", repo); code != 0 {
		t.Fatalf("gitwiki init: exit %d\n%s%s", code, stdout, stderr)
	}
	out := filepath.Join(tmp, "site")
	notes := filepath.Join(tmp, "notes")
	if err := os.MkdirAll(notes, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(notes, "todo.txt"), []byte("mine"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string // in stdout or stderr
	}{
		{[]string{"build", "--repo", repo, "--out", out, "--base-url", "https://wiki.example.org/"}, 0, "Built "},
		{[]string{"build", "--repo", repo, "--out", out}, 0, "Built "}, // replaces its own previous export
		{[]string{"build", "--repo", repo, "--out", filepath.Join(tmp, "x"), "--rev", "no-such-branch"}, 2, "unknown revision"},
		{[]string{"build", "--repo", repo, "--out", filepath.Join(repo, "site")}, 2, "inside the repository"},
		{[]string{"build", "--repo", repo, "--out", notes}, 2, "not a previous export"},
		{[]string{"build", "--repo", repo, "--out", tmp}, 2, "contains the repository"},
		{[]string{"build", "--repo", repo}, 2, "--out"},
		{[]string{"check", "--repo", repo}, 0, ""},
		{[]string{"check", "--repo", repo, "--rev", "nope"}, 2, "unknown revision"},
	} {
		stdout, stderr, code := runGitwiki(t, tc.args...)
		if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
			t.Errorf("gitwiki %s: exit %d, want %d with %q\n%s%s", strings.Join(tc.args, " "), code, tc.code, tc.want, stdout, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(out, "sitemap.xml")); err == nil {
		t.Error("the rebuild without --base-url kept the old sitemap.xml")
	}
	if b, _ := os.ReadFile(filepath.Join(notes, "todo.txt")); string(b) != "mine" {
		t.Error("a refused build touched the folder it refused")
	}
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("a temporary build was left behind: %s", e.Name())
		}
	}
}

func unzip(tb testing.TB, file, dir string) {
	tb.Helper()
	zr, err := zip.OpenReader(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		dst := filepath.Join(dir, filepath.FromSlash(f.Name))
		if !strings.HasPrefix(dst, dir+string(filepath.Separator)) {
			tb.Fatalf("zip entry %q leads out of %s", f.Name, dir)
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			tb.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}
