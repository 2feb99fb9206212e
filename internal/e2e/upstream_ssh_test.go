package e2e

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// sshHost is a real OpenSSH sshd on a loopback port, with a host key made
// for the test and one authorized client key: git over SSH as a host
// serves it, C git's upload-pack and receive-pack behind the login.
type sshHost struct {
	port       int
	dir        string
	clientKey  string
	knownHosts string
}

// startSSHHost runs sshd. Locally a machine without it skips the test; in
// CI, where .ci/run installs openssh-server, that is a failure.
func startSSHHost(tb testing.TB) *sshHost {
	tb.Helper()
	const sshd = "/usr/sbin/sshd"
	if _, err := os.Stat(sshd); err != nil {
		if inCI() {
			tb.Fatalf("%s is missing, and CI=true: .ci/run should have installed openssh-server", sshd)
		}
		tb.Skipf("%s is missing: install openssh-server to run the SSH upstream test", sshd)
	}
	requireTool(tb, "ssh-keygen")
	if os.Geteuid() == 0 {
		os.MkdirAll("/run/sshd", 0o755) // sshd run as root wants its privilege-separation folder
	}
	h := &sshHost{dir: tb.TempDir()}
	for _, name := range []string{"host", "client", "other"} {
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", filepath.Join(h.dir, name)).CombinedOutput(); err != nil {
			tb.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
	}
	pub, _ := os.ReadFile(filepath.Join(h.dir, "client.pub"))
	os.WriteFile(filepath.Join(h.dir, "authorized_keys"), pub, 0o600)
	h.clientKey = filepath.Join(h.dir, "client")
	h.knownHosts = filepath.Join(h.dir, "known_hosts")
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = h.run(tb, sshd); err == nil {
			h.trust(tb, "host.pub")
			return h
		}
	}
	tb.Fatalf("sshd did not start: %v", err)
	return nil
}

// run starts sshd on a free port and waits until it says it listens.
func (h *sshHost) run(tb testing.TB, sshd string) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	h.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := filepath.Join(h.dir, "sshd_config")
	os.WriteFile(conf, []byte(fmt.Sprintf("Port %d\nListenAddress 127.0.0.1\nHostKey %s\nPidFile %s\nAuthorizedKeysFile %s\n"+
		"StrictModes no\nPubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"+
		"PermitRootLogin prohibit-password\nLogLevel INFO\n", h.port, filepath.Join(h.dir, "host"), filepath.Join(h.dir, "sshd.pid"),
		filepath.Join(h.dir, "authorized_keys"))), 0o600)
	cmd := exec.Command(sshd, "-D", "-e", "-f", conf)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	listening, exited := make(chan struct{}), make(chan error, 1)
	var log syncBuffer
	go func() {
		var once sync.Once
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			log.Write([]byte(sc.Text() + "\n"))
			if strings.Contains(sc.Text(), "Server listening") {
				once.Do(func() { close(listening) })
			}
		}
		exited <- cmd.Wait()
	}()
	stop := func() {
		cmd.Process.Kill()
		<-exited
	}
	select {
	case <-listening:
		tb.Cleanup(stop)
		return nil
	case err := <-exited:
		return fmt.Errorf("sshd exited: %v\n%s", err, log.String())
	case <-time.After(60 * time.Second):
		stop()
		return fmt.Errorf("sshd never listened on port %d\n%s", h.port, log.String())
	}
}

// trust writes known_hosts with the public key in file.
func (h *sshHost) trust(tb testing.TB, file string) {
	tb.Helper()
	pub, err := os.ReadFile(filepath.Join(h.dir, file))
	if err != nil {
		tb.Fatal(err)
	}
	f := strings.Fields(string(pub))
	os.WriteFile(h.knownHosts, []byte(fmt.Sprintf("[127.0.0.1]:%d %s %s\n", h.port, f[0], f[1])), 0o600)
}

// url is the ssh:// address of a repository on this machine, for the
// user the tests run as.
func (h *sshHost) url(tb testing.TB, repo string) string {
	tb.Helper()
	u, err := user.Current()
	if err != nil {
		tb.Fatal(err)
	}
	return fmt.Sprintf("ssh://%s@127.0.0.1:%d%s", u.Username, h.port, repo)
}

// TestUpstreamSSH: a wiki whose upstream is reached over SSH, with the key
// from a file and the host checked against known_hosts, copies it at its
// first start and pushes its edits there. Restarted with a known_hosts
// that lists another key, it refuses the host: /-/health says so, and
// the edit it takes meanwhile stays on the wiki's branch, not lost and
// not sent. Without known_hosts it does not start at all.
func TestUpstreamSSH(t *testing.T) {
	t.Parallel()
	host := startSSHHost(t)
	seed := startGitHost(t) // only to make the bare repository
	bare := seed.seed(t, "wiki.git", map[string]string{"wiki.yaml": "edit_policy: open\n", "index.md": "# Home\n", "log.md": "# Log\n"})
	url := host.url(t, bare)
	data := filepath.Join(t.TempDir(), "data")
	args := []string{"--ssh-key", host.clientKey, "--known-hosts", host.knownHosts}
	s := startReplica(t, url, data, nil, args...)
	mustEdit(t, s, "log", appendLine("Pushed over SSH."))
	waitInStep(t, bare, s)
	if !strings.Contains(git(t, bare, "show", "main:log.md"), "Pushed over SSH.") {
		t.Fatal("the edit did not reach the SSH upstream")
	}
	s.Stop(t)

	host.trust(t, "other.pub")
	s = startReplica(t, url, data, nil, args...)
	waitFor(t, syncWait, "the wrong host key to be refused", func() (bool, string) {
		h := s.syncHealth(t)
		return h.Upstream == "unreachable" && h.Problem == "host_key", h.String()
	})
	before := git(t, bare, "rev-parse", "main")
	mustEdit(t, s, "log", appendLine("Kept while the host key is wrong."))
	waitFor(t, syncWait, "the edit to wait for a push", func() (bool, string) {
		h := s.syncHealth(t)
		return h.Pending > 0 && h.Ahead > 0, h.String()
	})
	if git(t, bare, "rev-parse", "main") != before {
		t.Fatal("a push went to a host whose key known_hosts does not list")
	}
	if !strings.Contains(s.mustGet(t, "/-/raw/log", 200).String(), "Kept while the host key is wrong.") {
		t.Fatal("the wiki does not serve the edit it kept")
	}
	s.Stop(t)

	_, stderr, code := runGitwiki(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "fresh"), "--upstream", url, "--ssh-key", host.clientKey)
	if code != 2 || !strings.Contains(stderr, "known_hosts") {
		t.Fatalf("serve over SSH without known_hosts: exit %d, want 2 naming known_hosts\n%s", code, stderr)
	}
	gitFsck(t, bare)
	gitFsck(t, s.Repo)
}
