package upstream

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/store/remote"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

var ctx = context.Background()

var (
	wikiSig = store.Signature{Name: "Wiki", Email: "wiki@invalid"}
	quiet   = slog.New(slog.NewTextHandler(io.Discard, nil))
)

const testToken = "ghp_tokenForTheTestsOnly0123456789"

func needGit(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		tb.Skip("C git is not installed; the upstreams in these tests are real git")
	}
}

func gitRun(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Host", "GIT_AUTHOR_EMAIL=host@example.org", "GIT_COMMITTER_NAME=Host",
		"GIT_COMMITTER_EMAIL=host@example.org", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+os.TempDir())
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func gitCmd(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	out, err := gitRun(dir, args...)
	if err != nil {
		tb.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return out
}

func fsck(tb testing.TB, dir string) {
	tb.Helper()
	gitCmd(tb, dir, "fsck", "--strict", "--no-dangling")
}

// seedUpstream makes the bare repository a host would hold, with files on
// main.
func seedUpstream(tb testing.TB, files map[string]string) string {
	tb.Helper()
	needGit(tb)
	m := fstest.MapFS{}
	for p, c := range files {
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	seed, err := store.Init(filepath.Join(tb.TempDir(), "seed.git"), "main", m, store.Signature{Name: "i", Email: "i@x", When: time.Now()}, "Initial content")
	if err != nil {
		tb.Fatal(err)
	}
	seed.Close()
	up := filepath.Join(tb.TempDir(), "up.git")
	gitCmd(tb, "", "clone", "--quiet", "--bare", seed.GitDir(), up)
	gitCmd(tb, up, "config", "http.receivepack", "true")
	return up
}

// replica is one wiki server: its own repository, pages, proposals and
// syncer, sharing the upstream with the others.
type replica struct {
	name  string
	repo  *store.Repo
	pages *pages.Service
	rev   *review.Service
	opts  remote.Options
	sync  *Syncer
}

// newReplica clones the upstream, as an operator would, and wires a
// syncer to it.
func newReplica(tb testing.TB, name, up string, opts remote.Options) *replica {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), name+".git")
	gitCmd(tb, "", "clone", "--quiet", "--bare", up, dir)
	return openReplica(tb, name, dir, opts)
}

// openReplica starts a wiki server on an existing repository: also what
// a restart does.
func openReplica(tb testing.TB, name, dir string, opts remote.Options) *replica {
	tb.Helper()
	repo, err := store.Open(dir, store.Options{Branch: "main"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { repo.Close() })
	loader, err := site.NewLoader(repo, render.New(render.Config{}), "")
	if err != nil {
		tb.Fatal(err)
	}
	pg := pages.New(loader, wikiSig)
	rv := review.New(loader, pg, wikiSig)
	r := &replica{name: name, repo: repo, pages: pg, rev: rv, opts: opts}
	r.sync = r.newSyncer(tb)
	return r
}

func (r *replica) newSyncer(tb testing.TB) *Syncer {
	tb.Helper()
	return r.newSyncerTo(tb, r.opts)
}

// newSyncerTo wires the replica to another upstream.
func (r *replica) newSyncerTo(tb testing.TB, opts remote.Options) *Syncer {
	tb.Helper()
	rem, err := remote.New(r.repo, opts)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := Config{Repo: r.repo, Remote: rem, Committer: wikiSig, GitURL: r.repo.GitDir(), Logger: quiet}
	if r.rev != nil {
		cfg.Review = r.rev
	}
	s, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func (r *replica) head(tb testing.TB) store.Hash {
	tb.Helper()
	h, err := r.repo.ResolveRef(ctx, "refs/heads/main")
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func (r *replica) read(tb testing.TB, path string) string {
	tb.Helper()
	b, _, _, err := r.repo.ReadFileAt(ctx, r.head(tb), path, 0)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// edit saves a page as a maintainer does on the web: straight to main,
// merged with what changed since base.
func (r *replica) edit(tb testing.TB, page, content string) store.Hash {
	tb.Helper()
	out, err := r.pages.Save(ctx, pages.Submission{Page: wikipath.Page(page), Content: content, Summary: "edit " + page + " on " + r.name,
		Base: r.head(tb).String()}, pages.Who{Account: "m-" + r.name, Maintainer: true})
	if err != nil {
		tb.Fatalf("%s: save %s: %v", r.name, page, err)
	}
	return out.Commit
}

// commitAsMaintainer commits a file on the branch as a maintainer does
// with git in the wiki's repository: signed by the maintainer, not by the
// wiki.
func (r *replica) commitAsMaintainer(tb testing.TB, path, content string) store.Hash {
	tb.Helper()
	head := r.head(tb)
	who := store.Signature{Name: "Maintainer", Email: "m@example.org", When: time.Now()}
	c, err := r.repo.WriteCommit(ctx, head, []store.FileWrite{{Path: path, Content: []byte(content)}},
		store.CommitInfo{Author: who, Committer: who, Message: "edit " + path + " with git on " + r.name})
	if err != nil {
		tb.Fatal(err)
	}
	if err := r.repo.UpdateRef(ctx, "refs/heads/main", c, head); err != nil {
		tb.Fatal(err)
	}
	return c
}

// propose opens a proposal as an anonymous contributor does, and claims
// its number on the upstream as the wired server will.
func (r *replica) propose(tb testing.TB, page, content string) int {
	tb.Helper()
	return r.proposeWith(tb, page, content, "propose "+page)
}

func (r *replica) proposeWith(tb testing.TB, page, content, summary string) int {
	tb.Helper()
	p, err := r.pages.Prepare(ctx, pages.Submission{Page: wikipath.Page(page), Content: content, Summary: summary, Base: r.head(tb).String(), Name: "Pia " + r.name})
	if err != nil {
		tb.Fatal(err)
	}
	prop, _, err := r.rev.Open(ctx, p)
	if err != nil {
		tb.Fatalf("%s: open proposal: %v", r.name, err)
	}
	return r.sync.Claim(ctx, prop.ID)
}

func (r *replica) mustSync(tb testing.TB) {
	tb.Helper()
	if err := r.sync.Sync(ctx); err != nil {
		tb.Fatalf("%s: sync: %v", r.name, err)
	}
}

// gitHTTP serves bare repositories with C git's http-backend behind a
// token check, as a host does; it can be taken down and brought back.
type gitHTTP struct {
	*httptest.Server
	down atomic.Bool
}

func startGitHTTP(tb testing.TB, root string) *gitHTTP {
	tb.Helper()
	needGit(tb)
	backend := &cgi.Handler{
		Path: filepath.Join(gitCmd(tb, "", "--exec-path"), "git-http-backend"),
		Root: "/git",
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + root},
	}
	g := &gitHTTP{}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.down.Load() {
			http.Error(w, "down for the test", http.StatusBadGateway)
			return
		}
		if _, pass, ok := r.BasicAuth(); !ok || pass != testToken {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "token needed", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	}))
	tb.Cleanup(g.Close)
	return g
}

func (g *gitHTTP) opts(up string) remote.Options {
	return remote.Options{URL: g.URL + "/git/" + filepath.Base(up), Token: testToken}
}

// upstreamHead is the upstream's main, as C git reads it.
func upstreamHead(tb testing.TB, up string) string {
	tb.Helper()
	return gitCmd(tb, up, "rev-parse", "refs/heads/main")
}

// hostClone is a working clone of the upstream, for changes made on the
// host side.
func hostClone(tb testing.TB, up string) string {
	tb.Helper()
	wt := filepath.Join(tb.TempDir(), "host")
	gitCmd(tb, "", "clone", "--quiet", up, wt)
	return wt
}

func writeFile(tb testing.TB, dir, name, content string) {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// eventually runs step until done says so, a bounded number of times:
// rounds, not wall-clock time, bound the wait.
func eventually(tb testing.TB, what string, rounds int, step func(), done func() bool) {
	tb.Helper()
	for i := 0; i < rounds; i++ {
		if done() {
			return
		}
		step()
	}
	if !done() {
		tb.Fatalf("%s: not after %d rounds", what, rounds)
	}
}

func mustEqual[T comparable](tb testing.TB, what string, got, want T) {
	tb.Helper()
	if got != want {
		tb.Fatalf("%s = %v, want %v", what, got, want)
	}
}

func dirOf(p string) string { return filepath.Dir(p) }
