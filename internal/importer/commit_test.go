package importer

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

	"github.com/gitwiki/gitwiki/internal/store"
)

func result(pages map[string]string, files map[string]string) *Result {
	res := &Result{Report: &Report{Kind: "test", Source: "fixture"}, Settings: &Settings{Title: "Imported", Language: "es"}}
	for p, body := range pages {
		var fm FrontMatter
		fm.Set("title", strings.TrimSuffix(filepath.Base(p), ".md"))
		res.Pages = append(res.Pages, &Page{Path: p, Front: fm, Body: body})
	}
	for p, data := range files {
		res.Files = append(res.Files, File{Path: p, Data: []byte(data)})
	}
	if err := res.Finish(); err != nil {
		panic(err)
	}
	return res
}

var sig = store.Signature{Name: "Importer", Email: "importer@example.invalid", When: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}

func gitCheck(t *testing.T, dir string, args ...string) string {
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

// TestCommitNewRepository: a missing repository is created bare with the
// import as its one commit, wiki.yaml included, and C git finds it sound.
func TestCommitNewRepository(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "wiki.git")
	res := result(map[string]string{"a.md": "A", "b/c.md": "C"}, map[string]string{"b/i.png": "png"})
	c, err := Commit(context.Background(), res, CommitOptions{Repo: dir, Author: sig})
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Commit != c.String() {
		t.Errorf("report commit %s, want %s", res.Report.Commit, c)
	}
	gitCheck(t, dir, "fsck", "--strict", "--no-dangling")
	if n := gitCheck(t, dir, "rev-list", "--count", "main"); n != "1" {
		t.Errorf("%s commits, want 1", n)
	}
	files := gitCheck(t, dir, "ls-tree", "-r", "--name-only", "main")
	if files != "a.md\nb/c.md\nb/i.png\nwiki.yaml" {
		t.Errorf("files:\n%s", files)
	}
	if y := gitCheck(t, dir, "show", "main:wiki.yaml"); !strings.Contains(y, "title: Imported") || !strings.Contains(y, "language: es") {
		t.Errorf("wiki.yaml:\n%s", y)
	}
	if msg := gitCheck(t, dir, "log", "-1", "--format=%s"); msg != "Import test fixture: 2 pages, 1 attachments" {
		t.Errorf("message %q", msg)
	}
}

// TestCommitExisting: into a wiki with content, one more commit; nothing
// replaced without Force (and nothing committed); with Force the report
// lists what was replaced; a second identical import commits nothing.
func TestCommitExisting(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "wiki.git")
	r, err := store.Init(dir, "main", fstest.MapFS{"a.md": {Data: []byte("mine\n")}, "keep.md": {Data: []byte("keep\n")}}, sig, "Start")
	if err != nil {
		t.Fatal(err)
	}
	start, _ := r.Head(ctx)
	r.Close()
	res := result(map[string]string{"a.md": "theirs", "new.md": "new"}, nil)
	_, err = Commit(ctx, res, CommitOptions{Repo: dir, Author: sig})
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "a.md") {
		t.Fatalf("got %v, want ErrConflict naming a.md", err)
	}
	if head := gitCheck(t, dir, "rev-parse", "main"); head != start.String() {
		t.Fatalf("a refused import moved main to %s", head)
	}
	res = result(map[string]string{"a.md": "theirs", "new.md": "new"}, nil)
	if _, err := Commit(ctx, res, CommitOptions{Repo: dir, Author: sig, Force: true, Message: "Import with force"}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Report.Replaced, ",") != "a.md" {
		t.Errorf("replaced %q, want a.md", res.Report.Replaced)
	}
	if n := gitCheck(t, dir, "rev-list", "--count", "main"); n != "2" {
		t.Errorf("%s commits, want 2", n)
	}
	if got := gitCheck(t, dir, "show", "main:keep.md"); got != "keep" {
		t.Errorf("keep.md is %q", got)
	}
	if gitCheck(t, dir, "ls-tree", "--name-only", "main", "wiki.yaml") != "" {
		t.Error("an import into an existing wiki wrote wiki.yaml")
	}
	again := result(map[string]string{"a.md": "theirs", "new.md": "new"}, nil)
	if _, err := Commit(ctx, again, CommitOptions{Repo: dir, Author: sig}); err != nil {
		t.Fatalf("an identical import: %v", err)
	}
	if n := gitCheck(t, dir, "rev-list", "--count", "main"); n != "2" {
		t.Errorf("an identical import committed (%s commits)", n)
	}
	gitCheck(t, dir, "fsck", "--strict", "--no-dangling")
}

// TestCommitRefusesPlaces: a folder that holds other files is not turned
// into a repository, and a file cannot replace a folder or sit under a file.
func TestCommitRefusesPlaces(t *testing.T) {
	ctx := context.Background()
	busy := t.TempDir()
	os.WriteFile(filepath.Join(busy, "notes.txt"), []byte("x"), 0o644)
	if _, err := Commit(ctx, result(map[string]string{"a.md": "A"}, nil), CommitOptions{Repo: busy}); err == nil || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("busy folder: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "wiki.git")
	r, err := store.Init(dir, "main", fstest.MapFS{"guide/a.md": {Data: []byte("a")}, "file": {Data: []byte("f")}}, sig, "Start")
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	_, err = Commit(ctx, result(map[string]string{"guide.md": "x"}, map[string]string{"guide": "x", "file/under.png": "x"}), CommitOptions{Repo: dir})
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "guide/ (a folder)") || !strings.Contains(err.Error(), "file") {
		t.Errorf("got %v, want a conflict for the folder and the file", err)
	}
}

// TestFinishRefusesBadPaths: a path an importer should never produce is
// an error, not a write.
func TestFinishRefusesBadPaths(t *testing.T) {
	for _, p := range []string{"../x.md", ".git/config", "/abs.md", "a//b.md", "-/x.md"} {
		res := &Result{Report: &Report{}, Pages: []*Page{{Path: p}}}
		if err := res.Finish(); !errors.Is(err, ErrUnsafe) {
			t.Errorf("%s: %v, want ErrUnsafe", p, err)
		}
	}
	res := &Result{Report: &Report{}, Pages: []*Page{{Path: "A.md"}, {Path: "a.md"}}}
	if err := res.Finish(); err == nil {
		t.Error("two paths that differ in case only were accepted")
	}
}

// TestFinishSanitizes: raw HTML in an imported page passes the renderer's
// policy, and what was removed is reported.
func TestFinishSanitizes(t *testing.T) {
	res := &Result{Report: &Report{}, Pages: []*Page{{Path: "x.md", Body: "Hi\n\n<script>alert(1)</script>\n\n<p onclick=\"x()\">text</p>\n\n[a](javascript:alert(1))\n"}}}
	if err := res.Finish(); err != nil {
		t.Fatal(err)
	}
	body := res.Pages[0].Body
	for _, bad := range []string{"<script", "onclick", "javascript:"} {
		if strings.Contains(body, bad) {
			t.Errorf("%q survived:\n%s", bad, body)
		}
	}
	if len(res.Report.Problems) < 3 {
		t.Errorf("problems %+v, want each removal reported", res.Report.Problems)
	}
}
