package store

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitAt runs C git with the author and committer dates set to when.
func gitAt(tb testing.TB, dir, when string, args ...string) string {
	tb.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.org", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_DATE="+when, "GIT_COMMITTER_DATE="+when)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestAncestrySkewedClock: a proposal merged with plain git on a laptop
// whose clock is three days behind the proposal's commits is still seen as
// merged, and the merge base of branches with skewed dates is right. The
// walk once skipped every commit dated a day before the target.
func TestAncestrySkewedClock(t *testing.T) {
	needGit(t)
	r := MustInit(t, map[string]string{"index.md": "# Home\n"})
	c0, _ := r.Head(ctx)
	work := filepath.Join(t.TempDir(), "work")
	gitCmd(t, "", "clone", "-q", r.GitDir(), work)
	// The proposal, made on a machine with the right time...
	gitAt(t, work, "2026-03-10T12:00:00Z", "checkout", "-q", "-b", "proposal")
	for i := range 3 {
		os.WriteFile(filepath.Join(work, fmt.Sprintf("p%d.md", i)), []byte("proposed\n"), 0o644)
		gitAt(t, work, "2026-03-10T12:00:00Z", "add", ".")
		gitAt(t, work, "2026-03-10T12:00:00Z", "commit", "-qm", fmt.Sprintf("proposal %d", i))
	}
	prop := mustParse(t, gitAt(t, work, "2026-03-10T12:00:00Z", "rev-parse", "HEAD"))
	gitAt(t, work, "2026-03-10T12:00:00Z", "push", "-q", "origin", "proposal:refs/heads/proposals/1")
	// ...merged into main on a laptop three days behind, after main moved.
	gitAt(t, work, "2026-03-07T12:00:00Z", "checkout", "-q", "main")
	for i := range 3 {
		os.WriteFile(filepath.Join(work, fmt.Sprintf("m%d.md", i)), []byte("main\n"), 0o644)
		gitAt(t, work, "2026-03-07T12:00:00Z", "add", ".")
		gitAt(t, work, "2026-03-07T12:00:00Z", "commit", "-qm", fmt.Sprintf("main %d", i))
	}
	mainBefore := mustParse(t, gitAt(t, work, "2026-03-07T12:00:00Z", "rev-parse", "HEAD"))
	gitAt(t, work, "2026-03-07T12:00:00Z", "merge", "-q", "--no-ff", "-m", "merge the proposal", "proposal")
	gitAt(t, work, "2026-03-07T12:00:00Z", "commit", "-q", "--allow-empty", "-m", "after the merge")
	gitAt(t, work, "2026-03-07T12:00:00Z", "push", "-q", "origin", "main")
	head, err := r.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		a, b Hash
		want bool
	}{
		{"merged proposal", prop, head, true},
		{"old main", c0, head, true},
		{"main before the merge", mainBefore, head, true},
		{"head is not below the proposal", head, prop, false},
		{"main before is not below the proposal", mainBefore, prop, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.IsAncestor(ctx, tc.a, tc.b)
			if err != nil || got != tc.want {
				t.Fatalf("IsAncestor(%s, %s) = %v, %v; want %v", tc.a.Short(), tc.b.Short(), got, err, tc.want)
			}
		})
	}
	// The merge base of the proposal and main before the merge is where the
	// proposal started, whatever the dates say.
	base, err := r.MergeBase(ctx, prop, mainBefore)
	if err != nil || base != c0 {
		t.Fatalf("merge base %s %v, want %s", base.Short(), err, c0.Short())
	}
	if base, err := r.MergeBase(ctx, head, prop); err != nil || base != prop {
		t.Fatalf("merge base of head and the merged proposal %s %v, want %s", base.Short(), err, prop.Short())
	}
}

func mustParse(tb testing.TB, s string) Hash {
	tb.Helper()
	h, err := ParseHash(s)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// fastImport appends n commits on main with C git's fast-import, each
// changing one of a few pages, and returns the new head.
func fastImport(tb testing.TB, r *Repo, n int) Hash {
	tb.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "commit refs/heads/main\ncommitter t <t@example.org> %d +0000\ndata <<EOF\nc%d\nEOF\n", 1767225600+i, i)
		if i == 0 {
			b.WriteString("from refs/heads/main^0\n")
		}
		fmt.Fprintf(&b, "M 100644 inline p%d.md\ndata <<EOF\nversion %d\nEOF\n\n", i%7, i)
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = r.GitDir()
	cmd.Stdin = strings.NewReader(b.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("fast-import: %v\n%s", err, out)
	}
	h, err := r.Head(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// BenchmarkIsAncestor: once generations are known, a near ancestor costs a
// few commits however long the history.
func BenchmarkIsAncestor(b *testing.B) {
	needGit(b)
	r := MustInit(b, map[string]string{"index.md": "# Home\n"})
	c0, _ := r.Head(ctx)
	head := fastImport(b, r, 5000)
	log, err := r.Log(ctx, head, 6)
	if err != nil {
		b.Fatal(err)
	}
	near := log[5].Hash
	for b.Loop() {
		if ok, err := r.IsAncestor(ctx, near, head); err != nil || !ok {
			b.Fatal(ok, err)
		}
		if ok, err := r.IsAncestor(ctx, head, c0); err != nil || ok {
			b.Fatal(ok, err)
		}
	}
}
