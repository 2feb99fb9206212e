package smarthttp

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPushFromSkewedClock: a real fast-forward pushed from a laptop whose
// clock is three days behind the server's head is accepted. The check once
// skipped every commit dated more than a day before the old head.
func TestPushFromSkewedClock(t *testing.T) {
	needGit(t)
	r := MustInit(t, map[string]string{"index.md": "# Home\n"}) // dated 2026-01-02
	gs := serveGit(t, r)
	dir := mustClone(t, gs.URL)
	late := []string{"GIT_AUTHOR_DATE=2025-12-30T03:04:05Z", "GIT_COMMITTER_DATE=2025-12-30T03:04:05Z"}
	for _, name := range []string{"a.md", "b.md"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("from the laptop\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := gitEnvTry(dir, late, "add", name); err != nil {
			t.Fatal(out)
		}
		if out, err := gitEnvTry(dir, late, "commit", "-qm", "laptop edit "+name); err != nil {
			t.Fatal(out)
		}
	}
	want := gitCmd(t, dir, "rev-parse", "HEAD")
	if out, err := gitTry(dir, "push", "origin", "main"); err != nil {
		t.Fatalf("fast-forward refused: %v\n%s", err, out)
	}
	if h, _ := r.Head(ctx); h.String() != want {
		t.Fatalf("head %s, want %s", h, want)
	}
}
