package e2e

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBrowserReviewFlow runs browser/review.mjs: the whole contribute-and-
// review flow of DESIGN.md ("Edits and proposals") in headless Chromium,
// against the real binary serving the starter wiki under the default
// `review` policy. An anonymous contributor edits a page with the live
// preview and the Preview button, and proposes the change; the proposal page
// shows the diff, the author and the proposed version; a maintainer logs in,
// opens the proposal from the list and merges it; the page then shows the
// change to everyone. Two maintainer sessions then edit the same line of a
// page from the same base: the first publishes, the second gets the editor
// back with a 409, both versions between conflict markers; saving the markers
// unchanged is refused, and resolving them publishes both sentences. Each step fails on script errors and on requests to other
// hosts, and leaves a screenshot in $GITWIKI_ARTIFACTS (else .ci/artifacts).
// Afterwards C git checks what the server wrote.
func TestBrowserReviewFlow(t *testing.T) {
	t.Parallel()
	dir, shots := requireBrowser(t)

	// The maintainers are created with the real CLI before the server
	// starts, the password on standard input as an operator would give it.
	data := filepath.Join(t.TempDir(), "data")
	const alicePassword, bobPassword = "alice-browser-review-pw", "bob-browser-review-pw"
	for _, u := range [][2]string{{"alice", alicePassword}, {"bob", bobPassword}} {
		stdout, stderr, code := runGitwikiInput(t, u[1]+"\n", "user", "add", u[0], "--maintainer", "--data", data)
		if code != 0 || !strings.Contains(stdout, "Added maintainer "+u[0]) {
			t.Fatalf("gitwiki user add %s --maintainer: exit %d\nstdout: %s\nstderr: %s", u[0], code, stdout, stderr)
		}
	}
	if stdout, _, code := runGitwiki(t, "user", "list", "--data", data); code != 0 ||
		!regexp.MustCompile(`(?m)^alice\s+maintainer`).MatchString(stdout) {
		t.Fatalf("gitwiki user list: exit %d, want alice as a maintainer:\n%s", code, stdout)
	}

	s := StartServer(t, "--data", data)
	mainBefore := git(t, s.Repo, "rev-parse", "refs/heads/main")

	out := runBrowserScript(t, dir, "review.mjs", []string{
		"REVIEW_MAINTAINER=alice", "REVIEW_MAINTAINER_PASSWORD=" + alicePassword,
		"REVIEW_MAINTAINER2=bob", "REVIEW_MAINTAINER2_PASSWORD=" + bobPassword,
	}, s.URL, shots)
	t.Logf("screenshots in %s", shots)

	// What the browser did, checked from the outside with C git and HTTP.
	result := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^RESULT (\w+)=(.*)$`).FindAllStringSubmatch(out, -1) {
		result[m[1]] = strings.TrimSpace(m[2])
	}
	for _, k := range []string{"proposal", "proposed", "first", "second", "conflictPage"} {
		if result[k] == "" {
			t.Fatalf("review.mjs printed no RESULT %s=…:\n%s", k, out)
		}
	}
	branch := "refs/heads/proposals/" + result["proposal"]
	propHead := git(t, s.Repo, "rev-parse", branch)
	if _, err := gitErr(t, s.Repo, "merge-base", "--is-ancestor", propHead, "refs/heads/main"); err != nil {
		t.Errorf("%s (%s) is not merged into main: %v", branch, propHead, err)
	}
	if _, err := gitErr(t, s.Repo, "merge-base", "--is-ancestor", mainBefore, "refs/heads/main"); err != nil {
		t.Errorf("main no longer contains the commit it started at: %v", err)
	}
	// The proposal's merge is a commit with two parents, the second being
	// the proposal's head, as DESIGN.md says.
	merges := git(t, s.Repo, "rev-list", "--merges", "--parents", mainBefore+"..refs/heads/main")
	found := false
	for _, line := range strings.Split(merges, "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && f[2] == propHead {
			found = true
		}
	}
	if !found {
		t.Errorf("no merge commit on main has %s (%s) as its second parent; merges since the start:\n%s", branch, propHead, merges)
	}
	author := git(t, s.Repo, "log", "-1", "--format=%an", propHead)
	if author != "Quiet Otter" {
		t.Errorf("the proposal's commit is by %q, want the pseudonym Quiet Otter", author)
	}
	glossary := s.mustGet(t, "/-/raw/Glossary", http.StatusOK).String()
	if !strings.Contains(glossary, result["proposed"]) {
		t.Errorf("/-/raw/Glossary lacks the merged sentence %q", result["proposed"])
	}
	page := result["conflictPage"]
	resolved := s.mustGet(t, "/-/raw"+page, http.StatusOK).String()
	for _, want := range []string{result["first"], result["second"]} {
		if !strings.Contains(resolved, want) {
			t.Errorf("/-/raw%s lacks %q after the conflict was resolved:\n%s", page, want, trim(resolved, 1500))
		}
	}
	for _, marker := range []string{"<<<<<<<", "=======", ">>>>>>>"} {
		if strings.Contains(resolved, marker) {
			t.Errorf("/-/raw%s still holds the conflict marker %q", page, marker)
		}
	}
	authors := git(t, s.Repo, "log", "-2", "--format=%an", "refs/heads/main")
	if authors != "bob\nalice" {
		t.Errorf("the last two commits on main are by %q, want bob (the resolution) after alice (the first save)", authors)
	}
	gitFsck(t, s.Repo)
}
