package e2e

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// login opens a session for an account and returns its cookie.
func login(tb testing.TB, s *Server, name, password string) *http.Cookie {
	tb.Helper()
	resp, err := client.PostForm(s.URL+"-/login", url.Values{"username": {name}, "password": {password}})
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "gitwiki_session" {
			return c
		}
	}
	tb.Fatalf("login as %s: %d, no session cookie", name, resp.StatusCode)
	return nil
}

// getAs fetches a path with a session cookie.
func (s *Server) getAs(tb testing.TB, path string, c *http.Cookie) string {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL+strings.TrimPrefix(path, "/"), nil)
	req.AddCookie(c)
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

var bannerCommands = regexp.MustCompile(`(?s)class="callout callout-warning upstream-banner".*?<pre class="commands"><code>(.*?)</code></pre>`)

// TestUpstreamDiverged: the wiki and its host both change the same line
// while the host is away, the wiki's side a maintainer's commit pushed
// with C git into the wiki's repository. Once the host is back the wiki
// cannot merge them: it says "diverged" in /-/health, holds every edit as
// a proposal, and shows maintainers (only) a banner with the conflicting
// file and the exact git commands that reconcile it. A maintainer runs
// those commands as given, with C git; at its next fetch the wiki takes
// the merge and commits edits to its branch again, by itself.
//
// Then a web edit and the host change the same line again: a web edit is
// the wiki's own, so it becomes a proposal and the wiki follows the host,
// without diverging and without a person stepping in.
func TestUpstreamDiverged(t *testing.T) {
	t.Parallel()
	host := startGitHost(t)
	bare := host.seed(t, "wiki.git", map[string]string{"index.md": "# Home\n", "Notes.md": "# Notes\n\nThe meeting is on Monday.\n", "Other.md": "# Other\n"})
	data := filepath.Join(t.TempDir(), "data")
	os.MkdirAll(data, 0o700)
	const password = "correct horse battery"
	if _, stderr, code := runGitwikiInput(t, password+"\n", "user", "add", "alice", "--maintainer", "--data", data); code != 0 {
		t.Fatalf("gitwiki user add: exit %d\n%s", code, stderr)
	}
	s := startReplica(t, host.repoURL("wiki.git"), data, nil)
	alice := login(t, s, "alice", password)
	waitInStep(t, bare, s)

	host.down.Store(true)
	onDisk := filepath.Join(t.TempDir(), "wiki-side")
	git(t, filepath.Dir(onDisk), "clone", "-q", s.Repo, onDisk)
	writeFiles(t, onDisk, map[string]string{"Notes.md": "# Notes\n\nThe meeting is on Tuesday, says the wiki.\n"})
	commitAll(t, onDisk, "Move the meeting, in the wiki's repository")
	git(t, onDisk, "push", "-q", "origin", "main")
	work := filepath.Join(t.TempDir(), "host-side")
	git(t, filepath.Dir(work), "clone", "-q", bare, work)
	writeFiles(t, work, map[string]string{"Notes.md": "# Notes\n\nThe meeting is on Wednesday, says the host.\n"})
	commitAll(t, work, "Move the meeting, on the host")
	git(t, work, "push", "-q", "origin", "main")
	host.down.Store(false)

	var h syncHealth
	waitFor(t, syncWait, "the wiki to report the divergence", func() (bool, string) {
		h = s.syncHealth(t)
		return h.Upstream == "diverged" && h.Conflicts == 1 && h.Behind == 1 && h.Ahead == 1, h.String()
	})
	held := h.Revision
	for _, path := range []string{"/", "/Other", "/-/recent"} {
		if page := s.getAs(t, path, alice); !strings.Contains(page, "<code>Notes.md</code>") || !bannerCommands.MatchString(page) {
			t.Fatalf("%s: a maintainer does not see the banner naming Notes.md", path)
		}
		if strings.Contains(s.mustGet(t, path, http.StatusOK).String(), "upstream-banner") {
			t.Fatalf("%s: an anonymous reader sees the banner", path)
		}
	}
	status, loc := editPage(t, s, "Other", appendLine("Written while diverged."), alice)
	proposal := regexp.MustCompile(`^/-/proposals/(\d+)`).FindStringSubmatch(loc)
	if status != http.StatusSeeOther || proposal == nil {
		t.Fatalf("a maintainer's edit while diverged: %d to %q, want a proposal", status, loc)
	}
	if got := s.syncHealth(t).Revision; got != held {
		t.Fatal("an edit moved the branch while diverged")
	}

	runBanner(t, s.getAs(t, "/", alice), map[string]string{"Notes.md": "# Notes\n\nThe meeting is on Wednesday (the host) or Tuesday (the wiki).\n"})
	waitInStep(t, bare, s)
	if page := s.getAs(t, "/", alice); strings.Contains(page, "upstream-banner") {
		t.Fatal("the banner stays once reconciled")
	}
	if got := s.mustGet(t, "/-/raw/Notes", http.StatusOK).String(); !strings.Contains(got, "Wednesday (the host) or Tuesday (the wiki)") {
		t.Fatalf("the wiki does not serve the reconciled page:\n%s", got)
	}
	mustEdit(t, s, "Other", appendLine("Written once reconciled."), alice)
	waitInStep(t, bare, s)
	if !strings.Contains(git(t, bare, "show", "main:Other.md"), "Written once reconciled.") {
		t.Fatal("the edit after the reconciliation did not reach the upstream")
	}
	if _, err := gitErr(t, bare, "rev-parse", "--verify", "refs/heads/proposals/"+proposal[1]); err != nil {
		t.Fatalf("the proposal held while diverged is not on the upstream: %v", err)
	}

	host.down.Store(true)
	mustEdit(t, s, "Notes", replace(t, "Wednesday (the host) or Tuesday (the wiki)", "Thursday, says a web edit"), alice)
	git(t, work, "pull", "-q", "--no-rebase", "origin", "main")
	writeFiles(t, work, map[string]string{"Notes.md": "# Notes\n\nThe meeting is on Friday, says the host.\n"})
	commitAll(t, work, "Move the meeting again, on the host")
	git(t, work, "push", "-q", "origin", "main")
	host.down.Store(false)
	waitInStep(t, bare, s)
	if got := s.mustGet(t, "/-/raw/Notes", http.StatusOK).String(); !strings.Contains(got, "Friday, says the host") {
		t.Fatalf("the wiki does not follow the host after losing the race:\n%s", got)
	}
	list := s.getAs(t, "/-/proposals", alice)
	raced := regexp.MustCompile(`href="/-/proposals/(\d+)"[^>]*>Edit that conflicts with the upstream`).FindStringSubmatch(list)
	if raced == nil {
		t.Fatalf("the web edit that lost the race is not an open proposal:\n%s", list)
	}
	if page := s.getAs(t, "/-/proposals/"+raced[1], alice); !strings.Contains(page, "Thursday, says a web edit") {
		t.Fatal("the proposal does not hold the web edit")
	}
	if _, err := gitErr(t, bare, "rev-parse", "--verify", "refs/heads/proposals/"+raced[1]); err != nil {
		t.Fatalf("the raced proposal is not on the upstream: %v", err)
	}
	gitFsck(t, bare)
	gitFsck(t, s.Repo)
}

// runBanner runs the banner's commands as a maintainer would, in a fresh
// folder, with C git: the clone, the pull that stops on the conflict, then
// (for the "# edit" line) the resolved files, the add, commit and push.
func runBanner(t *testing.T, page string, resolved map[string]string) {
	t.Helper()
	m := bannerCommands.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no banner commands on the page")
	}
	lines := strings.Split(strings.TrimSpace(html.UnescapeString(m[1])), "\n")
	dir := t.TempDir()
	for _, line := range lines {
		if strings.HasPrefix(line, "#") {
			writeFiles(t, dir, resolved)
			continue
		}
		cmd := exec.Command("sh", "-c", line)
		cmd.Dir = dir
		cmd.Env = cleanEnv(hostGitEnv()...)
		out, err := cmd.CombinedOutput()
		switch {
		case strings.HasPrefix(line, "git pull"):
			if err == nil || !strings.Contains(string(out), "CONFLICT") {
				t.Fatalf("%s: %v, want it to stop on the conflict\n%s", line, err, out)
			}
		case err != nil:
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
		if strings.HasSuffix(line, "&& cd wiki-merge") {
			dir = filepath.Join(dir, "wiki-merge")
		}
	}
}
