package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/store"
)

// mustServeGit is MustServe with the accounts alice (maintainer) and bob.
func mustServeGit(tb testing.TB) *testWiki {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		tb.Skip("C git is not installed")
	}
	tw := MustServe(tb, testFiles)
	tw.MustAccounts(tb)
	return tw
}

// gitURL is the clone URL, with credentials when user is not empty.
func (tw *testWiki) gitURL(user, password string) string {
	u, _ := url.Parse(tw.ts.URL + "/-/git")
	if user != "" {
		u.User = url.UserPassword(user, password)
	}
	return u.String()
}

// runGit runs C git with no configuration and no prompts.
func runGit(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.org", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_TERMINAL_PROMPT=0",
		"GIT_ASKPASS=", "SSH_ASKPASS=")
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func mustGit(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	out, err := runGit(dir, args...)
	if err != nil {
		tb.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return out
}

func TestGitHTTPRead(t *testing.T) {
	tw := mustServeGit(t)
	ctx := context.Background()
	head, _ := tw.repo.Head(ctx)
	sig := store.Signature{Name: "Bo", Email: "bo@example.org"}
	p7, err := tw.repo.WriteCommit(ctx, head, []store.FileWrite{{Path: "Guides/Passwords.md", Content: []byte("# Passwords\n\nProposed.\n")}},
		store.CommitInfo{Author: sig, Committer: sig, Message: "Propose"})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.repo.UpdateRef(ctx, "refs/heads/proposals/7", p7, store.ZeroHash); err != nil {
		t.Fatal(err)
	}

	out := mustGit(t, "", "ls-remote", tw.gitURL("", ""))
	for _, want := range []string{head.String() + "\tHEAD", head.String() + "\trefs/heads/main", p7.String() + "\trefs/heads/proposals/7"} {
		if !strings.Contains(out, want) {
			t.Errorf("ls-remote lacks %q:\n%s", want, out)
		}
	}
	dir := filepath.Join(t.TempDir(), "wiki")
	mustGit(t, "", "clone", "-q", tw.gitURL("", ""), dir)
	if b, _ := os.ReadFile(filepath.Join(dir, "Guides", "Backups.md")); !strings.Contains(string(b), "## Why back up") {
		t.Fatalf("clone lacks a page: %q", b)
	}
	mustGit(t, dir, "fetch", "-q", "origin", "refs/heads/proposals/*:refs/remotes/origin/proposals/*")
	if got := mustGit(t, dir, "rev-parse", "origin/proposals/7"); got != p7.String() {
		t.Fatalf("fetched proposal %s, want %s", got, p7)
	}
	if out := mustGit(t, dir, "diff", "main...origin/proposals/7"); !strings.Contains(out, "+Proposed.") {
		t.Fatalf("diff of the proposal:\n%s", out)
	}
	mustGit(t, dir, "fsck", "--strict")

	t.Run("headers", func(t *testing.T) {
		resp, body := tw.get(t, "/-/git/info/refs?service=git-upload-pack", "Accept-Encoding", "gzip", "Git-Protocol", "version=2")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-git-upload-pack-advertisement" {
			t.Fatalf("got %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if resp.Header.Get("Content-Encoding") != "" || !strings.HasPrefix(body, "001e# service=git-upload-pack\n0000") {
			t.Fatalf("answer altered: %q %.60q", resp.Header.Get("Content-Encoding"), body)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-cache") {
			t.Fatalf("Cache-Control %q", cc)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		for _, tc := range []struct {
			name, method, path, ctype string
			status                    int
		}{
			{"dumb protocol", "GET", "/-/git/info/refs", "", http.StatusForbidden},
			{"unknown service", "GET", "/-/git/info/refs?service=git-upload-archive", "", http.StatusForbidden},
			{"form post", "POST", "/-/git/git-upload-pack", "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
			{"anonymous push advertisement", "GET", "/-/git/info/refs?service=git-receive-pack", "", http.StatusUnauthorized},
			{"anonymous push", "POST", "/-/git/git-receive-pack", "application/x-git-receive-pack-request", http.StatusUnauthorized},
			{"dumb object", "GET", "/-/git/HEAD", "", http.StatusNotFound},
		} {
			t.Run(tc.name, func(t *testing.T) {
				req, _ := http.NewRequest(tc.method, tw.ts.URL+tc.path, strings.NewReader("0000"))
				if tc.ctype != "" {
					req.Header.Set("Content-Type", tc.ctype)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tc.status {
					t.Fatalf("got %d, want %d", resp.StatusCode, tc.status)
				}
				if tc.status == http.StatusUnauthorized && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), `Basic realm="gitwiki"`) {
					t.Fatalf("no Basic challenge: %q", resp.Header.Get("WWW-Authenticate"))
				}
			})
		}
	})
}

func TestGitHTTPPush(t *testing.T) {
	tw := mustServeGit(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "wiki")
	mustGit(t, "", "clone", "-q", tw.gitURL("", ""), dir)
	page := filepath.Join(dir, "Guides", "Passwords.md")
	if err := os.WriteFile(page, []byte("# Passwords\n\nPushed with git.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustGit(t, dir, "commit", "-qam", "Edit with git")
	pushed := mustGit(t, dir, "rev-parse", "HEAD")

	for _, tc := range []struct{ name, user, password, want string }{
		{"anonymous", "", "", "could not read Username"},
		{"wrong password", "alice", "wrong", "Authentication failed"},
		{"not a maintainer", "bob", bobPassword, "403"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := runGit(dir, "push", tw.gitURL(tc.user, tc.password), "main")
			if err == nil || !strings.Contains(out, tc.want) {
				t.Fatalf("push accepted or wrong message: %v\n%s", err, out)
			}
			if h, _ := tw.repo.Head(ctx); h.String() == pushed {
				t.Fatal("main moved")
			}
		})
	}

	maintainer := tw.gitURL("alice", alicePassword)
	mustGit(t, dir, "push", "-q", maintainer, "main")
	if h, _ := tw.repo.Head(ctx); h.String() != pushed {
		t.Fatalf("main is %s, want %s", h, pushed)
	}
	if _, body := tw.get(t, "/Guides/Passwords"); !strings.Contains(body, "Pushed with git.") {
		t.Fatal("the pushed page is not shown")
	}

	out, err := runGit(dir, "push", maintainer, "main:refs/meta/proposals")
	if err == nil || !strings.Contains(out, "proposal records are kept by the wiki") {
		t.Fatalf("push to refs/meta/proposals accepted: %v\n%s", err, out)
	}
	mustGit(t, dir, "reset", "-q", "--hard", "HEAD~1")
	mustGit(t, dir, "commit", "-q", "--allow-empty", "-m", "Rewrite")
	if out, err := runGit(dir, "push", "--force", maintainer, "main"); err == nil || !strings.Contains(out, "non-fast-forward") {
		t.Fatalf("force push accepted: %v\n%s", err, out)
	}

	mustGit(t, dir, "push", "-q", maintainer, "HEAD:refs/heads/proposals/9")
	if h, err := tw.repo.ResolveRef(ctx, "refs/heads/proposals/9"); err != nil || h.String() != mustGit(t, dir, "rev-parse", "HEAD") {
		t.Fatalf("proposals/9 = %s, %v", h, err)
	}
	// A pushed proposals/* branch is a proposal; merging it with plain git
	// and pushing main closes it.
	if resp, body := tw.get(t, "/-/proposals/9"); resp.StatusCode != 200 || !strings.Contains(body, "Rewrite") {
		t.Fatalf("pushed branch is not proposal 9: %d", resp.StatusCode)
	}
	mustGit(t, dir, "reset", "-q", "--hard", pushed)
	mustGit(t, dir, "fetch", "-q", maintainer, "refs/heads/proposals/*:refs/remotes/origin/proposals/*")
	mustGit(t, dir, "merge", "-q", "--no-edit", "origin/proposals/9")
	mustGit(t, dir, "push", "-q", maintainer, "main")
	if _, body := tw.get(t, "/-/proposals/9"); !strings.Contains(body, "Merged") {
		t.Fatal("proposal 9 not shown as merged after a push of the merge")
	}
	if out, err := runGit(dir, "push", maintainer, "--delete", "proposals/9"); err == nil {
		t.Fatalf("deleting a proposal branch worked:\n%s", out)
	}
	if out, err := runGit(tw.repo.GitDir(), "fsck", "--strict"); err != nil {
		t.Fatalf("fsck: %v\n%s", err, out)
	}
}

// wrongPasswords fails every check at once, to reach the limits cheaply.
type wrongPasswords struct{}

func (wrongPasswords) Verify(string, string) (bool, error) {
	return false, errors.New("wrong name or password")
}

func TestGitHTTPPushLimit(t *testing.T) {
	tw := MustServe(t, testFiles)
	tw.srv.gitAuth = wrongPasswords{}
	status := func() int {
		req, _ := http.NewRequest("GET", tw.ts.URL+"/-/git/info/refs?service=git-receive-pack", nil)
		req.SetBasicAuth("alice", "guess")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	// The tightest limit on one account from one client is the first met.
	for i := range min(loginClientBurst, loginPairBurst) {
		if got := status(); got != http.StatusUnauthorized {
			t.Fatalf("try %d: got %d, want 401", i+1, got)
		}
	}
	if got := status(); got != http.StatusTooManyRequests {
		t.Fatalf("got %d, want 429 once the limit is reached", got)
	}
}

// TestUploadPackConcurrencyCap: past maxUploadPacks clones at once, a
// client is asked to come back later instead of queueing without bound.
func TestUploadPackConcurrencyCap(t *testing.T) {
	tw := MustServe(t, testFiles)
	for range maxUploadPacks {
		tw.srv.uploadPacks <- struct{}{}
	}
	req, _ := http.NewRequest(http.MethodPost, tw.ts.URL+"/-/git/git-upload-pack", strings.NewReader("0000"))
	req.Header.Set("Content-Type", "application/x-git-upload-pack-request")
	resp, _ := tw.do(t, req)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("got %d, want 503 with Retry-After", resp.StatusCode)
	}
	for range maxUploadPacks {
		<-tw.srv.uploadPacks
	}
}
