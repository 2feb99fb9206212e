package remote

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitwiki/gitwiki/internal/store"
)

var ctx = context.Background()

// testToken is what the test HTTP server wants; it must never show up in
// an error.
const testToken = "glpat-s3cr3t-T0KEN-for-tests-only"

func sig(name string) store.Signature {
	return store.Signature{Name: name, Email: name + "@example.org", When: time.Now()}
}

func needGit(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		tb.Skip("C git is not installed; the upstreams in these tests are real git")
	}
}

// mustWiki makes a bare wiki repository holding files.
func mustWiki(tb testing.TB, files map[string]string) *store.Repo {
	tb.Helper()
	m := fstest.MapFS{}
	for p, c := range files {
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	r, err := store.Init(filepath.Join(tb.TempDir(), "wiki.git"), "main", m, sig("init"), "Initial content")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

// commit writes files on top of ref and moves it, as a web edit does.
func commit(tb testing.TB, r *store.Repo, ref, msg string, files map[string]string) store.Hash {
	tb.Helper()
	base, err := r.ResolveRef(ctx, ref)
	if err != nil {
		base = store.ZeroHash
	}
	var writes []store.FileWrite
	for p, c := range files {
		writes = append(writes, store.FileWrite{Path: p, Content: []byte(c)})
	}
	c, err := r.WriteCommit(ctx, base, writes, store.CommitInfo{Author: sig("a"), Committer: sig("wiki"), Message: msg})
	if err != nil {
		tb.Fatal(err)
	}
	if err := r.UpdateRef(ctx, ref, c, base); err != nil {
		tb.Fatal(err)
	}
	return c
}

func gitCmd(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	out, err := gitRun(dir, args...)
	if err != nil {
		tb.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return out
}

func gitRun(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.org", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+os.TempDir())
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// bareUpstream is a bare C git repository holding a copy of src's refs,
// as a host would after a first push.
func bareUpstream(tb testing.TB, src *store.Repo) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "up.git")
	gitCmd(tb, "", "clone", "--quiet", "--bare", src.GitDir(), dir)
	gitCmd(tb, dir, "config", "http.receivepack", "true")
	return dir
}

// emptyUpstream is a bare repository with no commits.
func emptyUpstream(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "empty.git")
	gitCmd(tb, "", "init", "--quiet", "--bare", "--initial-branch=main", dir)
	gitCmd(tb, dir, "config", "http.receivepack", "true")
	return dir
}

// hostCommit commits on the upstream as somebody working on the host
// would: a clone, a commit, a push.
func hostCommit(tb testing.TB, upstream, branch, file, content string) string {
	tb.Helper()
	wt := filepath.Join(tb.TempDir(), "wt")
	gitCmd(tb, "", "clone", "--quiet", "--branch", branch, upstream, wt)
	if err := os.WriteFile(filepath.Join(wt, file), []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	gitCmd(tb, wt, "add", "-A")
	gitCmd(tb, wt, "commit", "--quiet", "-m", "host edit of "+file)
	gitCmd(tb, wt, "push", "--quiet", "origin", branch)
	return gitCmd(tb, wt, "rev-parse", "HEAD")
}

func fsck(tb testing.TB, dir string) {
	tb.Helper()
	gitCmd(tb, dir, "fsck", "--strict", "--no-dangling")
}

// gitHTTP serves the bare repositories under root with C git's
// http-backend, behind a check of the token, as a host does.
type gitHTTP struct {
	*httptest.Server
	down   atomic.Bool
	seen   atomic.Int64 // requests that carried the right token
	bearer bool
}

func startGitHTTP(tb testing.TB, root string, bearer bool) *gitHTTP {
	tb.Helper()
	needGit(tb)
	execPath := gitCmd(tb, "", "--exec-path")
	backend := &cgi.Handler{
		Path: filepath.Join(execPath, "git-http-backend"),
		Root: "/git",
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + root},
	}
	g := &gitHTTP{bearer: bearer}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.down.Load() {
			http.Error(w, "upstream down for the test", http.StatusServiceUnavailable)
			return
		}
		if !g.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "token needed", http.StatusUnauthorized)
			return
		}
		g.seen.Add(1)
		backend.ServeHTTP(w, r)
	}))
	tb.Cleanup(g.Close)
	return g
}

func (g *gitHTTP) authorized(r *http.Request) bool {
	if g.bearer {
		return r.Header.Get("Authorization") == "Bearer "+testToken
	}
	user, pass, ok := r.BasicAuth()
	return ok && user != "" && pass == testToken
}

// url is the address of a repository under root.
func (g *gitHTTP) url(name string) string { return g.URL + "/git/" + name }

// sshServer is a real sshd on a loopback port, with a host key made for
// the test and one authorized client key, running git-upload-pack and
// git-receive-pack for whoever logs in with that key.
type sshServer struct {
	port       int
	clientKey  string
	knownHosts string
	hostPub    string
}

func startSSH(tb testing.TB) *sshServer {
	tb.Helper()
	needGit(tb)
	const sshd = "/usr/sbin/sshd"
	if _, err := os.Stat(sshd); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal("/usr/sbin/sshd is missing, and CI=true: .ci/run should have installed openssh-server")
		}
		tb.Skip("/usr/sbin/sshd is missing: install openssh-server to run the SSH upstream test")
	}
	if os.Geteuid() == 0 {
		// sshd run as root wants its privilege-separation directory.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			tb.Skipf("sshd needs /run/sshd: %v", err)
		}
	}
	dir := tb.TempDir()
	keygen := func(name string) {
		out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", filepath.Join(dir, name)).CombinedOutput()
		if err != nil {
			tb.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
	}
	keygen("host")
	keygen("client")
	keygen("other")
	pub, _ := os.ReadFile(filepath.Join(dir, "client.pub"))
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), pub, 0o600); err != nil {
		tb.Fatal(err)
	}
	s := &sshServer{clientKey: filepath.Join(dir, "client"), knownHosts: filepath.Join(dir, "known_hosts")}
	hostPub, _ := os.ReadFile(filepath.Join(dir, "host.pub"))
	s.hostPub = string(hostPub)
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		s.port = freePort(tb)
		if lastErr = s.run(tb, sshd, dir); lastErr == nil {
			break
		}
	}
	if lastErr != nil {
		tb.Fatalf("sshd did not start: %v", lastErr)
	}
	s.writeKnownHosts(tb, s.hostPub)
	return s
}

func (s *sshServer) run(tb testing.TB, sshd, dir string) error {
	conf := filepath.Join(dir, "sshd_config")
	text := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile %s
AuthorizedKeysFile %s
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
LogLevel INFO
`, s.port, filepath.Join(dir, "host"), filepath.Join(dir, "sshd.pid"), filepath.Join(dir, "authorized_keys"))
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		return err
	}
	cmd := exec.Command(sshd, "-D", "-e", "-f", conf)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	// sshd says "Server listening on ..." once it accepts connections;
	// wait for that line (or its exit), with a generous bound for a
	// loaded machine and no assertion on how long it took.
	listening := make(chan struct{})
	var log strings.Builder
	var logMu sync.Mutex
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			logMu.Lock()
			log.WriteString(sc.Text() + "\n")
			logMu.Unlock()
			if strings.Contains(sc.Text(), "Server listening") {
				once.Do(func() { close(listening) })
			}
		}
	}()
	exited := make(chan error, 1)
	go func() {
		<-scanned
		exited <- cmd.Wait()
	}()
	tb.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	select {
	case <-listening:
		return nil
	case err := <-exited:
		logMu.Lock()
		defer logMu.Unlock()
		return fmt.Errorf("sshd exited: %v: %s", err, log.String())
	case <-time.After(60 * time.Second):
		return fmt.Errorf("sshd never listened on port %d", s.port)
	}
}

func (s *sshServer) writeKnownHosts(tb testing.TB, hostPub string) {
	tb.Helper()
	f := strings.Fields(hostPub)
	line := fmt.Sprintf("[127.0.0.1]:%d %s %s\n", s.port, f[0], f[1])
	if err := os.WriteFile(s.knownHosts, []byte(line), 0o600); err != nil {
		tb.Fatal(err)
	}
}

// url is the ssh:// address of a repository on this machine.
func (s *sshServer) url(tb testing.TB, dir string) string {
	user := os.Getenv("USER")
	if user == "" {
		user = strings.TrimSpace(gitCmdOut(tb, "id", "-un"))
	}
	return fmt.Sprintf("ssh://%s@127.0.0.1:%d%s", user, s.port, dir)
}

func gitCmdOut(tb testing.TB, name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		tb.Fatal(err)
	}
	return string(out)
}

func freePort(tb testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
