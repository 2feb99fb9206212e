package store

import (
	"os"
	"path/filepath"
	"strings"
)

// CheckedOut lists the working trees that have the served branch checked
// out: the repository's own when it is not bare, and those added with `git
// worktree add`. The wiki never touches a working tree, so a web edit would
// leave such a checkout's files behind the branch, and its next `git commit
// -a` would undo the edit without a word. C git refuses pushes to such a
// branch (receive.denyCurrentBranch) for the same reason.
func (r *Repo) CheckedOut() []string {
	want := "ref: refs/heads/" + r.branch
	var out []string
	if filepath.Base(r.gitDir) == ".git" && headIs(filepath.Join(r.gitDir, "HEAD"), want) {
		out = append(out, filepath.Dir(r.gitDir))
	}
	linked, _ := filepath.Glob(filepath.Join(r.gitDir, "worktrees", "*"))
	for _, wt := range linked {
		if !headIs(filepath.Join(wt, "HEAD"), want) {
			continue
		}
		// gitdir holds the path of the worktree's .git file.
		if b, err := os.ReadFile(filepath.Join(wt, "gitdir")); err == nil {
			out = append(out, filepath.Dir(strings.TrimSpace(string(b))))
		} else {
			out = append(out, wt)
		}
	}
	return out
}

func headIs(file, want string) bool {
	b, err := os.ReadFile(file)
	return err == nil && strings.TrimSpace(string(b)) == want
}
