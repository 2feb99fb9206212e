package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// modulePath identifies the repository root when walking up from the test's
// working directory: go test runs each package in its own source folder.
const modulePath = "github.com/gitwiki/gitwiki"

var (
	buildOnce sync.Once
	buildDir  string // removed by TestMain
	binPath   string
	buildErr  error

	buildReported atomic.Bool // print the build's output once, not per test
)

// TestMain only exists to remove the directory holding the binary built by
// gitwikiBin; the build itself is lazy so `go test -list` stays instant.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// inCI reports whether we run under CI, where a missing tool is a broken set-up
// (a failure), not a reason to skip.
func inCI() bool { return os.Getenv("CI") == "true" }

// requireTool finds a program on PATH. Locally a missing tool skips the test;
// in CI it fails it, because .ci/run installs everything these tests need.
func requireTool(tb testing.TB, name string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if inCI() {
			tb.Fatalf("%s is not installed, and CI=true: .ci/run should have installed it: %v", name, err)
		}
		tb.Skipf("%s is not installed: skipping (install it to run this test)", name)
	}
	return p
}

// moduleRoot finds the root of this module by walking up from the working
// directory, so the tests work from any checkout location.
func moduleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && regexp.MustCompile(`(?m)^module\s+`+regexp.QuoteMeta(modulePath)+`\s*$`).Match(b) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatalf("no go.mod for %s above the working directory", modulePath)
		}
		dir = parent
	}
}

// gitwikiBin builds ./cmd/gitwiki once per test run and returns the binary.
// It is built without -race even under `go test -race`: the end-to-end tests
// check behaviour, the race detector runs on the unit tests, and a plain build
// is much faster and closer to what users run.
func gitwikiBin(tb testing.TB) string {
	tb.Helper()
	goTool := requireTool(tb, "go") // go test puts its own GOROOT/bin first on PATH
	root := moduleRoot(tb)
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "gitwiki-e2e-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "gitwiki")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, goTool, "build", "-o", binPath, "./cmd/gitwiki")
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build ./cmd/gitwiki: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		if buildReported.Swap(true) {
			tb.Fatal("go build ./cmd/gitwiki failed: its output is in the first test that failed")
		}
		tb.Fatal(buildErr)
	}
	return binPath
}

// cleanEnv is the environment of the programs the tests start: the caller's,
// less GITWIKI_* settings (they would change what the server does) and proxy
// settings (all traffic is loopback), with git isolated from the user's and
// the system's configuration and given a fixed identity.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "GITWIKI_"), strings.HasPrefix(k, "GIT_"),
			strings.EqualFold(k, "http_proxy"), strings.EqualFold(k, "https_proxy"), strings.EqualFold(k, "all_proxy"):
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
		"GIT_AUTHOR_NAME=E2E Tester", "GIT_AUTHOR_EMAIL=e2e@example.invalid",
		"GIT_COMMITTER_NAME=E2E Tester", "GIT_COMMITTER_EMAIL=e2e@example.invalid",
		"GIT_TERMINAL_PROMPT=0",
	)
	return append(env, extra...)
}

// git runs C git (not go-git, which the server uses) and returns its trimmed
// standard output; any failure fails the test with git's stderr.
func git(tb testing.TB, dir string, args ...string) string {
	tb.Helper()
	out, err := gitErr(tb, dir, args...)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func gitErr(tb testing.TB, dir string, args ...string) (string, error) {
	tb.Helper()
	requireTool(tb, "git")
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = cleanEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("git -C %s %s: %v\n%s%s", dir, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return strings.TrimSpace(stdout.String()), nil
}

// gitFsck checks a repository the server wrote with C git's strictest check.
func gitFsck(tb testing.TB, dir string) {
	tb.Helper()
	git(tb, dir, "fsck", "--strict", "--no-progress", "--no-dangling")
}

// syncBuffer collects a child's output while goroutines write to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Server is a running `gitwiki serve` process.
type Server struct {
	URL  string // base URL with a trailing slash, e.g. http://127.0.0.1:41234/
	Data string // the --data directory
	Repo string // the content repository: --repo, or DATA/wiki.git

	cmd      *exec.Cmd
	stopOnce sync.Once
	done     chan struct{} // closed when the process has exited
	err      error         // exit status, valid after done
	stdout   syncBuffer
	stderr   syncBuffer
}

// servingLine is what serve prints once it listens; the tests read the port
// from it because they ask for 127.0.0.1:0, so parallel tests never collide.
var servingLine = regexp.MustCompile(`gitwiki is serving .* at (http://127\.0\.0\.1:\d+/)\s*$`)

// StartServer runs `gitwiki serve ARGS...` on 127.0.0.1:0 with a fresh data
// directory (unless ARGS give --addr or --data), waits until it prints its
// address and answers /-/health, and stops it when the test ends. Stopping
// sends SIGTERM, as a service manager would, and expects a graceful exit 0;
// a process that does not exit in time is killed so no test leaks a server.
func StartServer(tb testing.TB, args ...string) *Server {
	tb.Helper()
	return StartServerEnv(tb, nil, args...)
}

// StartServerEnv is StartServer with extra environment variables
// (NAME=value), such as the secrets that are never flags.
func StartServerEnv(tb testing.TB, env []string, args ...string) *Server {
	tb.Helper()
	bin := gitwikiBin(tb)
	s := &Server{done: make(chan struct{})}
	if !hasFlag(args, "addr") {
		args = append(args, "--addr", "127.0.0.1:0")
	}
	s.Data = flagValue(args, "data")
	if s.Data == "" {
		s.Data = filepath.Join(tb.TempDir(), "data")
		args = append(args, "--data", s.Data)
	}
	s.Repo = flagValue(args, "repo")
	if s.Repo == "" {
		s.Repo = filepath.Join(s.Data, "wiki.git")
	}

	s.cmd = exec.Command(bin, append([]string{"serve"}, args...)...)
	s.cmd.Env = cleanEnv(env...)
	s.cmd.Stderr = &s.stderr
	pr, pw := io.Pipe()
	s.cmd.Stdout = pw
	if err := s.cmd.Start(); err != nil {
		tb.Fatalf("start gitwiki serve: %v", err)
	}
	tb.Logf("started gitwiki serve %s (pid %d)", strings.Join(args, " "), s.cmd.Process.Pid)
	go func() {
		s.err = s.cmd.Wait()
		pw.Close()
		close(s.done)
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			s.stdout.Write([]byte(line + "\n"))
			if m := servingLine.FindStringSubmatch(line); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, pr)
	}()
	tb.Cleanup(func() {
		s.Stop(tb)
		if tb.Failed() {
			tb.Logf("gitwiki serve stdout:\n%s\nstderr (last lines):\n%s", s.stdout.String(), tail(s.stderr.String(), 60))
		}
	})

	select {
	case s.URL = <-addr:
	case <-s.done:
		tb.Fatalf("gitwiki serve exited before listening: %v\nstdout:\n%s\nstderr:\n%s", s.err, s.stdout.String(), s.stderr.String())
	case <-time.After(60 * time.Second):
		tb.Fatalf("gitwiki serve printed no address within 60s\nstdout:\n%s\nstderr:\n%s", s.stdout.String(), s.stderr.String())
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(s.URL + "-/health")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			// "loading": pages are served from a provisional model until
			// the full one is read; the tests expect the full one.
			if resp.StatusCode == http.StatusOK && !bytes.Contains(body, []byte(`"loading":true`)) {
				break
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s-/health did not answer 200 within 30s (last: %v)\nstderr:\n%s", s.URL, err, s.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s
}

// Stop ends the server with SIGTERM and waits; it is safe to call twice.
// A server that ignores SIGTERM for 15s is killed and the test fails.
func (s *Server) Stop(tb testing.TB) {
	tb.Helper()
	s.stopOnce.Do(func() { s.stop(tb) })
}

func (s *Server) stop(tb testing.TB) {
	tb.Helper()
	select {
	case <-s.done:
	default:
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
			if s.err != nil {
				tb.Errorf("gitwiki serve did not exit cleanly on SIGTERM: %v\nstderr:\n%s", s.err, tail(s.stderr.String(), 40))
			}
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
			tb.Errorf("gitwiki serve ignored SIGTERM for 15s and was killed")
		}
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[... %d lines]", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "-"+name || a == "--"+name || strings.HasPrefix(a, "-"+name+"=") || strings.HasPrefix(a, "--"+name+"=") {
			return true
		}
	}
	return false
}

func flagValue(args []string, name string) string {
	for i, a := range args {
		for _, p := range []string{"-" + name, "--" + name} {
			if a == p && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, p+"="); ok {
				return v
			}
		}
	}
	return ""
}

// client talks to the test servers only: no proxy, no transparent gzip (the
// tests check Content-Encoding themselves), and redirects are returned rather
// than followed, so a status is always the server's own answer.
var client = &http.Client{
	Timeout: 30 * time.Second,
	Transport: &http.Transport{
		Proxy:              nil,
		DialContext:        (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		DisableCompression: true,
	},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// response is a fetched answer with its body read.
type response struct {
	*http.Response
	Body []byte
}

func (r *response) String() string { return string(r.Body) }

// get fetches rawPath (a path and query, sent exactly as written: no client
// side cleaning of "..", no re-escaping) from the server, with optional
// header pairs.
func (s *Server) get(tb testing.TB, rawPath string, header ...string) *response {
	tb.Helper()
	u, err := url.Parse(s.URL)
	if err != nil {
		tb.Fatal(err)
	}
	path, query, _ := strings.Cut(rawPath, "?")
	req, err := http.NewRequest(http.MethodGet, s.URL, nil)
	if err != nil {
		tb.Fatal(err)
	}
	// Opaque is written to the request line verbatim.
	req.URL = &url.URL{Scheme: u.Scheme, Host: u.Host, Opaque: path, RawQuery: query}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatalf("GET %s: %v", rawPath, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("GET %s: reading body: %v", rawPath, err)
	}
	return &response{resp, body}
}

// mustGet fetches a path and fails the test unless the status is want.
func (s *Server) mustGet(tb testing.TB, rawPath string, want int, header ...string) *response {
	tb.Helper()
	r := s.get(tb, rawPath, header...)
	if r.StatusCode != want {
		tb.Fatalf("GET %s: status %d, want %d\n%s", rawPath, r.StatusCode, want, trim(r.String(), 2000))
	}
	return r
}

func trim(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// waitFor polls cond until it holds, failing the test after timeout. The
// server notices ref changes on its next request, but polling keeps the
// tests independent of file-time granularity.
func waitFor(tb testing.TB, timeout time.Duration, what string, cond func() (bool, string)) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, detail := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("timed out after %s waiting for %s: %s", timeout, what, detail)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// runGitwiki runs a non-serving gitwiki command and returns its output and
// exit code; it fails the test only if the program could not run at all.
func runGitwiki(tb testing.TB, args ...string) (stdout, stderr string, code int) {
	tb.Helper()
	return runGitwikiInput(tb, "", args...)
}

// runGitwikiInput is runGitwiki with stdin as the program's standard input,
// for the commands that read from it (the password of `gitwiki user add`).
func runGitwikiInput(tb testing.TB, stdin string, args ...string) (stdout, stderr string, code int) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, gitwikiBin(tb), args...)
	cmd.Env = cleanEnv()
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return o.String(), e.String(), 0
	case errors.As(err, &ee) && ee.Exited():
		return o.String(), e.String(), ee.ExitCode()
	}
	tb.Fatalf("gitwiki %s: %v\n%s%s", strings.Join(args, " "), err, o.String(), e.String())
	return "", "", -1
}
