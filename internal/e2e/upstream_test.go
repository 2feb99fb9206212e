package e2e

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// upToken is the token the test host wants; it must never appear in what
// the server prints.
const upToken = "e2e-host-token-4d6f9c1b2a"

// syncWait bounds every wait for the sync: rounds come every second in
// these tests, so this only guards against a hang on a loaded machine.
const syncWait = 3 * time.Minute

// gitHost is a git host for the tests: C git's http-backend behind a
// check of the token, as Forgejo or GitLab would answer, which can be
// taken down and brought back.
type gitHost struct {
	*httptest.Server
	root string
	down atomic.Bool
}

func startGitHost(tb testing.TB) *gitHost {
	tb.Helper()
	root := tb.TempDir()
	backend := &cgi.Handler{
		Path: filepath.Join(git(tb, root, "--exec-path"), "git-http-backend"),
		Root: "/git",
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + root},
	}
	h := &gitHost{root: root}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.down.Load() {
			http.Error(w, "the host is down for the test", http.StatusBadGateway)
			return
		}
		if _, pass, ok := r.BasicAuth(); !ok || pass != upToken {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "a token is needed", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	}))
	tb.Cleanup(h.Close)
	return h
}

// repoURL is the HTTP address of a repository the host holds.
func (h *gitHost) repoURL(name string) string { return h.URL + "/git/" + name }

// seed makes the host's repository name from files, as a first push of
// a wiki would, and returns its path on disk.
func (h *gitHost) seed(tb testing.TB, name string, files map[string]string) string {
	tb.Helper()
	work := filepath.Join(tb.TempDir(), "seed")
	os.MkdirAll(work, 0o755)
	git(tb, work, "init", "-q", "--initial-branch=main")
	writeFiles(tb, work, files)
	commitAll(tb, work, "Seed the wiki on the host")
	bare := filepath.Join(h.root, name)
	git(tb, h.root, "clone", "-q", "--bare", work, bare)
	git(tb, bare, "config", "http.receivepack", "true")
	return bare
}

// hostGitEnv lets C git reach the test host with the token, for what a
// person does there (the commands of the divergence banner).
func hostGitEnv() []string {
	auth := base64.StdEncoding.EncodeToString([]byte("maintainer:" + upToken))
	return []string{"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=http.extraHeader", "GIT_CONFIG_VALUE_0=Authorization: Basic " + auth}
}

// replicaEnv is the environment of a replica: the token, and write limits
// far above what the tests send (they all come from 127.0.0.1).
func replicaEnv(extra ...string) []string {
	return append([]string{"GITWIKI_UPSTREAM_TOKEN=" + upToken, "GITWIKI_WRITE_BURST=100000", "GITWIKI_WRITES_PER_HOUR=1000000"}, extra...)
}

// startReplica serves a wiki synced with upstream, fetching every second.
func startReplica(tb testing.TB, upstream, data string, env []string, args ...string) *Server {
	tb.Helper()
	args = append([]string{"--upstream", upstream, "--data", data}, args...)
	if !hasFlag(args, "fetch-every") {
		args = append(args, "--fetch-every", "1s")
	}
	s := StartServerEnv(tb, replicaEnv(env...), args...)
	tb.Cleanup(func() {
		if out := s.stdout.String() + s.stderr.String(); strings.Contains(out, upToken) {
			tb.Errorf("the server printed the upstream token")
		}
	})
	return s
}

// syncHealth is /-/health of a wiki with an upstream.
type syncHealth struct {
	Status    string `json:"status"`
	Revision  string `json:"revision"`
	Upstream  string `json:"upstream"`
	Behind    int    `json:"behind"`
	Ahead     int    `json:"ahead"`
	Pending   int    `json:"pending"`
	Syncing   bool   `json:"syncing"`
	Problem   string `json:"problem"`
	Conflicts int    `json:"conflicts"`
}

func (h syncHealth) String() string {
	return fmt.Sprintf("%s at %.10s (behind %d, ahead %d, pending %d, syncing %v, problem %q)", h.Upstream, h.Revision, h.Behind, h.Ahead, h.Pending, h.Syncing, h.Problem)
}

func (s *Server) syncHealth(tb testing.TB) syncHealth {
	tb.Helper()
	r := s.mustGet(tb, "/-/health", http.StatusOK)
	var h syncHealth
	if err := json.Unmarshal(r.Body, &h); err != nil {
		tb.Fatalf("/-/health: %v\n%s", err, r.Body)
	}
	return h
}

// waitInStep waits until every server serves the upstream's branch at
// once, with nothing left to push and no round under way: a round that
// has written records here may not have pushed them yet, and a git fsck
// of the upstream while a push lands there reports the objects it brings
// as missing (fsck lists objects before it reads the refs).
func waitInStep(tb testing.TB, bare string, servers ...*Server) {
	tb.Helper()
	waitFor(tb, syncWait, "the wiki in step with the upstream", func() (bool, string) {
		want := git(tb, bare, "rev-parse", "main")
		for _, s := range servers {
			h := s.syncHealth(tb)
			if h.Upstream != "ok" || h.Pending != 0 || h.Syncing || h.Revision != want {
				return false, s.URL + ": " + h.String() + ", upstream at " + want[:10]
			}
		}
		return true, ""
	})
}

// editPage changes a page through the editor form, as a person does: it
// reads the source at the served revision, applies change, and posts it
// with that revision as the base. It returns the status and Location.
func editPage(tb testing.TB, s *Server, page string, change func(string) string, cookies ...*http.Cookie) (int, string) {
	tb.Helper()
	rev := s.syncHealth(tb).Revision
	src := s.mustGet(tb, "/-/raw/"+page+"?rev="+rev, http.StatusOK).String()
	form := url.Values{"content": {change(src)}, "base": {rev}, "summary": {"edit " + page}, "action": {"save"}}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"-/edit/"+page, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatalf("POST /-/edit/%s: %v", page, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// mustEdit is editPage that must land on the branch (303 to the page).
func mustEdit(tb testing.TB, s *Server, page string, change func(string) string, cookies ...*http.Cookie) {
	tb.Helper()
	status, loc := editPage(tb, s, page, change, cookies...)
	if status != http.StatusSeeOther || strings.HasPrefix(loc, "/-/proposals/") {
		tb.Fatalf("edit of %s on %s: %d to %q, want 303 to the page", page, s.URL, status, loc)
	}
}

func appendLine(line string) func(string) string {
	return func(src string) string { return strings.TrimRight(src, "\n") + "\n\n" + line + "\n" }
}

// replace changes one line of a page, which must be there.
func replace(tb testing.TB, old, new string) func(string) string {
	return func(src string) string {
		if !strings.Contains(src, old) {
			tb.Errorf("%q is not in the page:\n%s", old, src)
		}
		return strings.Replace(src, old, new, 1)
	}
}

// proposePage posts an anonymous edit, which the review policy makes a
// proposal, and returns its number.
func proposePage(tb testing.TB, s *Server, page, content, summary string) string {
	tb.Helper()
	rev := s.syncHealth(tb).Revision
	form := url.Values{"content": {content}, "base": {rev}, "summary": {summary}, "name": {"Pia"}, "action": {"save"}}
	resp, err := client.PostForm(s.URL+"-/edit/"+page, form)
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	m := regexp.MustCompile(`^/-/proposals/(\d+)\?`).FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		tb.Fatalf("anonymous edit on %s: %d to %q, want a proposal", s.URL, resp.StatusCode, resp.Header.Get("Location"))
	}
	return m[1]
}

// proposalRefs lists a repository's proposal branches and records, as C
// git reads them.
func proposalRefs(tb testing.TB, repo string) string {
	tb.Helper()
	return git(tb, repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads/proposals/", "refs/meta/proposals")
}

// maintainerData makes a data directory with one maintainer account.
func maintainerData(tb testing.TB, name, password string) string {
	tb.Helper()
	data := filepath.Join(tb.TempDir(), "data")
	os.MkdirAll(data, 0o700)
	if _, stderr, code := runGitwikiInput(tb, password+"\n", "user", "add", name, "--maintainer", "--data", data); code != 0 {
		tb.Fatalf("gitwiki user add: exit %d\n%s", code, stderr)
	}
	return data
}

// TestUpstreamReplicas: three `gitwiki serve` processes, each with its own
// repository made at its first start from one HTTPS-style upstream (C
// git's http-backend, token checked), take edits at the same time: each
// maintainer on a page of their own and on their own line of a shared
// page, and anonymous contributors open proposals on all three. They
// converge: all three serve the upstream's branch, every edit is in it,
// every proposal has one number, the same on all three and the upstream,
// and every repository passes git fsck --strict.
func TestUpstreamReplicas(t *testing.T) {
	t.Parallel()
	host := startGitHost(t)
	files := map[string]string{"wiki.yaml": "title: Replicas\n", "index.md": "# Home\n"}
	shared := "# Shared\n"
	for i := range 3 {
		files[fmt.Sprintf("r%d.md", i)] = fmt.Sprintf("# Page of r%d\n", i)
		shared += fmt.Sprintf("\nSection of r%d.\n\nr%d: v0\n\nEnd of r%d.\n", i, i, i)
	}
	files["shared.md"] = shared
	bare := host.seed(t, "wiki.git", files)
	reps := make([]*Server, 3)
	for i := range reps {
		reps[i] = startReplica(t, host.repoURL("wiki.git"), maintainerData(t, "alice", "correct horse battery"), nil)
	}
	const rounds, proposals = 4, 2
	var mu sync.Mutex
	titles := map[string]bool{}
	// Each replica's visitors in a parallel subtest of their own: the group
	// returns once all three are done.
	t.Run("edits", func(t *testing.T) {
		for i, s := range reps {
			t.Run(fmt.Sprintf("r%d", i), func(t *testing.T) {
				t.Parallel()
				alice := login(t, s, "alice", "correct horse battery")
				for k := 1; k <= rounds; k++ {
					mustEdit(t, s, fmt.Sprintf("r%d", i), appendLine(fmt.Sprintf("Edit %d of r%d.", k, i)), alice)
					mustEdit(t, s, "shared", replace(t, fmt.Sprintf("r%d: v%d", i, k-1), fmt.Sprintf("r%d: v%d", i, k)), alice)
					if k <= proposals {
						title := fmt.Sprintf("Proposal %d from r%d", k, i)
						proposePage(t, s, fmt.Sprintf("new-r%d-%d", i, k), "# "+title+"\n", title)
						mu.Lock()
						titles[title] = true
						mu.Unlock()
					}
				}
			})
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	waitInStep(t, bare, reps...)
	checkProposals(t, bare, reps, titles)
	want := git(t, bare, "rev-parse", "main")
	for _, s := range reps {
		if got := s.syncHealth(t).Revision; got != want {
			t.Fatalf("%s serves %s, the upstream has %s", s.URL, got, want)
		}
		sharedNow := s.mustGet(t, "/-/raw/shared", http.StatusOK).String()
		for i := range reps {
			if !strings.Contains(sharedNow, fmt.Sprintf("r%d: v%d", i, rounds)) {
				t.Errorf("%s: shared lost the last edit of r%d:\n%s", s.URL, i, sharedNow)
			}
			page := s.mustGet(t, fmt.Sprintf("/-/raw/r%d", i), http.StatusOK).String()
			for k := 1; k <= rounds; k++ {
				if !strings.Contains(page, fmt.Sprintf("Edit %d of r%d.", k, i)) {
					t.Errorf("%s: r%d lost edit %d:\n%s", s.URL, i, k, page)
				}
			}
		}
	}
	gitFsck(t, bare)
	for _, s := range reps {
		gitFsck(t, s.Repo)
	}
}

// checkProposals waits until every replica holds the upstream's proposal
// branches and records, then checks that each proposal opened anywhere
// has exactly one number, shown with its title by every replica.
func checkProposals(t *testing.T, bare string, reps []*Server, titles map[string]bool) {
	t.Helper()
	waitFor(t, syncWait, "the proposals to be the same everywhere", func() (bool, string) {
		want := proposalRefs(t, bare)
		for _, s := range reps {
			if got := proposalRefs(t, s.Repo); got != want {
				return false, s.URL + " has\n" + got + "\nthe upstream\n" + want
			}
		}
		return true, ""
	})
	branches := strings.Fields(git(t, bare, "for-each-ref", "--format=%(refname:lstrip=3)", "refs/heads/proposals/"))
	if len(branches) != len(titles) {
		t.Fatalf("the upstream has %d proposal branches %v, %d proposals were opened", len(branches), branches, len(titles))
	}
	for _, s := range reps {
		seen := map[string]string{}
		for _, n := range branches {
			page := s.mustGet(t, "/-/proposals/"+n, http.StatusOK).String()
			for title := range titles {
				if strings.Contains(page, title) {
					if other, dup := seen[title]; dup {
						t.Errorf("%s: %q is proposal %s and %s", s.URL, title, other, n)
					}
					seen[title] = n
				}
			}
		}
		if len(seen) != len(titles) {
			t.Errorf("%s shows %d of the %d proposals: %v", s.URL, len(seen), len(titles), seen)
		}
	}
}

// TestUpstreamOutage: the host goes away while the wiki takes edits, and
// the wiki is restarted before it comes back. No edit waits or is lost:
// each lands on the wiki's branch at once, /-/health says the upstream is
// unreachable with pushes pending, and once the host is back the queued
// pushes land, the restart notwithstanding.
func TestUpstreamOutage(t *testing.T) {
	t.Parallel()
	host := startGitHost(t)
	bare := host.seed(t, "wiki.git", map[string]string{"wiki.yaml": "edit_policy: open\n", "index.md": "# Home\n", "log.md": "# Log\n"})
	data := filepath.Join(t.TempDir(), "data")
	s := startReplica(t, host.repoURL("wiki.git"), data, nil)
	mustEdit(t, s, "log", appendLine("Before the outage."))
	waitInStep(t, bare, s)

	host.down.Store(true)
	mustEdit(t, s, "log", appendLine("During the outage, first start."))
	waitFor(t, syncWait, "the outage to show in /-/health", func() (bool, string) {
		h := s.syncHealth(t)
		return h.Upstream == "unreachable" && h.Problem == "unreachable" && h.Pending > 0 && h.Ahead > 0, h.String()
	})
	s.Stop(t)
	s = startReplica(t, host.repoURL("wiki.git"), data, nil)
	mustEdit(t, s, "log", appendLine("During the outage, after a restart."))
	if got := git(t, bare, "show", "main:log.md"); strings.Contains(got, "During the outage") {
		t.Fatalf("the host took an edit while down:\n%s", got)
	}

	host.down.Store(false)
	waitInStep(t, bare, s)
	got := git(t, bare, "show", "main:log.md")
	for _, line := range []string{"Before the outage.", "During the outage, first start.", "During the outage, after a restart."} {
		if !strings.Contains(got, line) {
			t.Errorf("the upstream lacks %q:\n%s", line, got)
		}
	}
	gitFsck(t, bare)
	gitFsck(t, s.Repo)
}
