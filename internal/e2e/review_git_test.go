package e2e

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReviewWithPlainGit follows DESIGN.md's "Review with plain git": an
// anonymous web edit becomes proposal N; a maintainer clones over HTTP,
// fetches the proposals, merges one with C git and pushes; the wiki then
// shows the proposal as merged and the page with the change.
func TestReviewWithPlainGit(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	os.MkdirAll(data, 0o700)
	if _, stderr, code := runGitwikiInput(t, "correct horse battery\n", "user", "add", "alice", "--maintainer", "--data", data); code != 0 {
		t.Fatalf("gitwiki user add: exit %d\n%s", code, stderr)
	}
	s := StartServer(t, "--data", data)

	// An anonymous edit from the editor's form.
	rev := strings.TrimSpace(git(t, s.Repo, "rev-parse", "main"))
	raw := s.mustGet(t, "/-/raw/Glossary", http.StatusOK).String()
	edited := raw + "\nA sentence proposed from the web.\n"
	form := url.Values{"content": {edited}, "base": {rev}, "summary": {"Add a sentence"}, "name": {"Quiet Fox"}, "action": {"save"}}
	resp, err := client.PostForm(s.URL+"-/edit/Glossary", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	m := regexp.MustCompile(`^/-/proposals/(\d+)\?token=[\w-]+&opened=1$`).FindStringSubmatch(loc)
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("edit answered %d, Location %q; want 303 to a new proposal", resp.StatusCode, loc)
	}
	id := m[1]
	if got := strings.TrimSpace(git(t, s.Repo, "rev-parse", "main")); got != rev {
		t.Fatal("an anonymous edit under the review policy moved main")
	}
	page := s.mustGet(t, "/-/proposals/"+id, http.StatusOK).String()
	if !strings.Contains(page, "Quiet Fox") || !strings.Contains(page, "proposed from the web") {
		t.Fatal("proposal page lacks the author or the change")
	}

	// The maintainer reviews with plain git.
	u, _ := url.Parse(s.URL)
	clone := filepath.Join(t.TempDir(), "wiki")
	git(t, filepath.Dir(clone), "clone", "-q", s.URL+"-/git", clone)
	git(t, clone, "fetch", "-q", "origin", "refs/heads/proposals/*:refs/remotes/origin/proposals/*")
	diff := git(t, clone, "diff", "main...origin/proposals/"+id)
	if !strings.Contains(diff, "+A sentence proposed from the web.") {
		t.Fatalf("git diff main...origin/proposals/%s:\n%s", id, diff)
	}
	git(t, clone, "merge", "-q", "--no-edit", "origin/proposals/"+id)
	// Anonymous pushes are refused; the maintainer's go through.
	if out, err := gitErr(t, clone, "push", "-q", "origin", "main"); err == nil {
		t.Fatalf("anonymous push accepted:\n%s", out)
	}
	pushURL := "http://alice:" + url.PathEscape("correct horse battery") + "@" + u.Host + "/-/git"
	git(t, clone, "push", "-q", pushURL, "main")

	merged := strings.TrimSpace(git(t, clone, "rev-parse", "main"))
	if got := strings.TrimSpace(git(t, s.Repo, "rev-parse", "main")); got != merged {
		t.Fatalf("server main %s, want the pushed %s", got, merged)
	}
	page = s.mustGet(t, "/-/proposals/"+id, http.StatusOK).String()
	if !regexp.MustCompile(`(?i)merged`).MatchString(page) {
		t.Fatal("proposal not shown as merged after git merge and push")
	}
	list := s.mustGet(t, "/-/proposals", http.StatusOK).String()
	if !strings.Contains(list, "Add a sentence") {
		t.Fatal("proposal missing from the list")
	}
	if !strings.Contains(s.mustGet(t, "/Glossary", http.StatusOK).String(), "A sentence proposed from the web.") {
		t.Fatal("page does not show the merged change")
	}
	if out := git(t, s.Repo, "branch", "--merged", "main"); !strings.Contains(out, "proposals/"+id) {
		t.Fatalf("git branch --merged main does not list the proposal:\n%s", out)
	}
	gitFsck(t, s.Repo)
}
