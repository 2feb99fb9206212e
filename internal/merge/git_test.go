package merge

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestMerge3MatchesGit runs every merge case through C git, so a merge made
// on the web and the same merge made with git agree.
func TestMerge3MatchesGit(t *testing.T) {
	gitPath, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not on PATH")
	}
	for _, tc := range mergeCases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.noGit != "" {
				t.Skip(tc.noGit)
			}
			want, wantConflicts := gitMergeFile(t, gitPath, tc.base, tc.ours, tc.theirs)
			got, conflicts, ok := Merge3(tc.base, tc.ours, tc.theirs)
			if ok != (wantConflicts == 0) {
				t.Errorf("ok: got %v, git found %d conflicts", ok, wantConflicts)
			}
			if len(conflicts) != wantConflicts {
				t.Errorf("conflicts: got %d, want %d", len(conflicts), wantConflicts)
			}
			// Merge3 writes LF; git keeps CRLF.
			if want = lf(want); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

// gitMergeFile returns git merge-file's output and conflict count.
func gitMergeFile(t *testing.T, gitPath, base, ours, theirs string) (string, int) {
	t.Helper()
	dir := t.TempDir()
	files := []string{"ours", "base", "theirs"}
	for i, text := range []string{ours, base, theirs} {
		if err := os.WriteFile(filepath.Join(dir, files[i]), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(gitPath, "merge-file", "-p", "--diff3", "-L", "ours", "-L", "base", "-L", "theirs", "ours", "base", "theirs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull, "HOME="+dir)
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit) && exit.ExitCode() > 0 && exit.ExitCode() < 128:
		return string(out), exit.ExitCode()
	}
	t.Fatalf("git merge-file: %v: %s", err, cmd.Stderr)
	return "", 0
}
