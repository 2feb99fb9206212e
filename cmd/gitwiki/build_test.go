package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs the command line and returns its exit code, as main would.
func runCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(""), &o, &e)
	if err != nil {
		code = 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		e.WriteString(err.Error())
	}
	return o.String(), e.String(), code
}

func TestBuildAndCheck(t *testing.T) {
	tmp := t.TempDir()
	repo := filepath.Join(tmp, "wiki.git")
	if _, stderr, code := runCmd(t, "init", repo); code != 0 {
		t.Fatalf("init: %d %s", code, stderr)
	}
	out := filepath.Join(tmp, "site")
	stdout, stderr, code := runCmd(t, "build", "--repo", repo, "--out", out, "--base-url", "https://example.org/wiki")
	if code != 0 {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "Built ") || !strings.Contains(stdout, " pages, ") || !strings.Contains(stdout, " bytes in ") {
		t.Errorf("summary = %q", stdout)
	}
	for _, f := range []string{"index.html", "404.html", "sitemap.xml", "robots.txt", "feed.atom", ".nojekyll"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	if _, _, code := runCmd(t, "build", "--repo", repo, "--out", filepath.Join(tmp, "site.zip")); code != 0 {
		t.Errorf("build to a zip: exit %d", code)
	}
	if _, stderr, code := runCmd(t, "check", "--repo", repo); code != 0 {
		t.Errorf("check of the starter wiki: exit %d\n%s", code, stderr)
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"build", "--repo", repo}, 2},
		{[]string{"build", "--repo", repo, "--out", filepath.Join(tmp, "x"), "--rev", "nope"}, 2},
		{[]string{"build", "--repo", filepath.Join(tmp, "none.git"), "--out", filepath.Join(tmp, "x")}, 2},
		{[]string{"build", "--repo", repo, "--out", filepath.Join(repo, "x")}, 2},
		{[]string{"build", "--repo", repo, "--out", filepath.Join(tmp, "x"), "extra"}, 2},
		{[]string{"check", "--repo", repo, "--rev", "nope"}, 2},
	} {
		if _, stderr, code := runCmd(t, tc.args...); code != tc.code {
			t.Errorf("gitwiki %s: exit %d, want %d\n%s", strings.Join(tc.args, " "), code, tc.code, stderr)
		}
	}
}

// TestBuildBroken: broken links are listed on stderr and only fail the
// build with --strict; check lists them as "path: problem" and exits 1.
func TestBuildBroken(t *testing.T) {
	tmp := t.TempDir()
	repo := filepath.Join(tmp, "wiki.git")
	if _, stderr, code := runCmd(t, "init", repo); code != 0 {
		t.Fatalf("init: %d %s", code, stderr)
	}
	wt := filepath.Join(tmp, "wt")
	mustGit(t, tmp, "clone", "-q", repo, wt)
	os.WriteFile(filepath.Join(wt, "Broken.md"), []byte("# Broken\n\n[[No Such Page]]\n"), 0o644)
	mustGit(t, wt, "add", "Broken.md")
	mustGit(t, wt, "commit", "-q", "-m", "Add a broken link")
	mustGit(t, wt, "push", "-q", "origin", "HEAD:main")

	_, stderr, code := runCmd(t, "build", "--repo", repo, "--out", filepath.Join(tmp, "site"))
	if code != 0 || !strings.Contains(stderr, "Broken.md → [[No Such Page]] (no such page)") {
		t.Errorf("build: exit %d, stderr:\n%s", code, stderr)
	}
	_, stderr, code = runCmd(t, "build", "--repo", repo, "--out", filepath.Join(tmp, "strict"), "--strict")
	if code != 1 {
		t.Errorf("build --strict: exit %d, want 1\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(tmp, "strict")); err == nil {
		t.Error("build --strict with broken links wrote its output")
	}
	stdout, _, code := runCmd(t, "check", "--repo", repo)
	// file:line: message, errors first; the wanted page and the orphan are warnings.
	if code != 1 || !strings.HasPrefix(stdout, "Broken.md:3: link to [[No Such Page]]: no such page\n") || !strings.Contains(stdout, "No Such Page.md: warning: wanted page") {
		t.Errorf("check: exit %d, stdout %q", code, stdout)
	}
	// The wiki from a working tree, by folder: the clone is not bare.
	if _, stderr, code := runCmd(t, "build", "--repo", wt, "--out", filepath.Join(wt, "public")); code != 2 {
		t.Errorf("build into the working tree: exit %d, want 2\n%s", code, stderr)
	}
}

// mustGit runs C git with a fixed identity and no user or system config.
func mustGit(t *testing.T, dir string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.invalid", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.invalid")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
