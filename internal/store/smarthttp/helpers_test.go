package smarthttp

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitwiki/gitwiki/internal/store"
)

var ctx = context.Background()

func sig(name string) store.Signature {
	return store.Signature{Name: name, Email: name + "@example.org", When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

// MustInit creates a bare repository with the given files in a temp dir.
func MustInit(tb testing.TB, files map[string]string) *store.Repo {
	tb.Helper()
	m := fstest.MapFS{}
	for p, c := range files {
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	r, err := store.Init(filepath.Join(tb.TempDir(), "wiki.git"), "main", m, sig("init"), "Initial content")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

// gitEnv runs C git with no configuration but what the test gives.
var gitEnv = []string{"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t",
	"GIT_COMMITTER_EMAIL=t@example.org", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_TERMINAL_PROMPT=0"}

func gitCmd(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	out, err := gitTry(dir, args...)
	if err != nil {
		tb.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return out
}

// gitTry runs C git and returns its output and error instead of failing.
func gitTry(dir string, args ...string) (string, error) {
	return gitEnvTry(dir, nil, args...)
}

// gitEnvTry is gitTry with more environment.
func gitEnvTry(dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), gitEnv...), env...)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func needGit(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		tb.Skip("C git is not installed; interop checks need it")
	}
}

func mustCommit(tb testing.TB, r *store.Repo, base store.Hash, msg string, writes ...store.FileWrite) store.Hash {
	tb.Helper()
	c, err := r.WriteCommit(ctx, base, writes, store.CommitInfo{Author: sig("a"), Committer: sig("wiki"), Message: msg})
	if err != nil {
		tb.Fatal(err)
	}
	if err := r.UpdateRef(ctx, "refs/heads/main", c, base); err != nil {
		tb.Fatal(err)
	}
	return c
}
