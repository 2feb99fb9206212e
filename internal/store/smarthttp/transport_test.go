package smarthttp

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/format/pktline"

	"github.com/gitwiki/gitwiki/internal/store"
)

// gitServer serves the session functions the way internal/web does, minus
// authentication, so C git can drive them.
type gitServer struct {
	URL   string
	mu    sync.Mutex
	allow func(ref string, old, new store.Hash) error
	moved []RefUpdate
	// gzipped counts upload-pack requests git sent compressed.
	gzipped int
}

func serveGit(tb testing.TB, r *store.Repo) *gitServer {
	tb.Helper()
	return serveServer(tb, New(r, Options{}), true)
}

// serveServer serves srv; with strict, a failed request fails the test.
func serveServer(tb testing.TB, srv *Server, strict bool) *gitServer {
	tb.Helper()
	gs := &gitServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /info/refs", func(w http.ResponseWriter, req *http.Request) {
		svc := req.URL.Query().Get("service")
		w.Header().Set("Content-Type", "application/x-"+svc+"-advertisement")
		if err := srv.AdvertiseRefs(req.Context(), svc, w); err != nil {
			tb.Errorf("advertise: %v", err)
		}
	})
	mux.HandleFunc("POST /git-upload-pack", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/x-git-upload-pack-result")
		if req.Header.Get("Content-Encoding") == "gzip" {
			gs.mu.Lock()
			gs.gzipped++
			gs.mu.Unlock()
		}
		if err := srv.UploadPack(req.Context(), req.Body, w); err != nil && strict {
			tb.Errorf("upload-pack: %v", err)
		}
	})
	mux.HandleFunc("POST /git-receive-pack", func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/x-git-receive-pack-result")
		gs.mu.Lock()
		allow := gs.allow
		gs.mu.Unlock()
		moved, err := srv.ReceivePack(req.Context(), req.Body, w, allow)
		if err != nil && strict {
			tb.Errorf("receive-pack: %v", err)
		}
		gs.mu.Lock()
		gs.moved = append(gs.moved, moved...)
		gs.mu.Unlock()
	})
	ts := httptest.NewServer(mux)
	tb.Cleanup(ts.Close)
	gs.URL = ts.URL
	return gs
}

func (gs *gitServer) setAllow(f func(ref string, old, new store.Hash) error) {
	gs.mu.Lock()
	gs.allow = f
	gs.mu.Unlock()
}

func (gs *gitServer) takeMoved() []RefUpdate {
	gs.mu.Lock()
	defer gs.mu.Unlock()
	m := gs.moved
	gs.moved = nil
	return m
}

func writeFile(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func mustClone(tb testing.TB, url string) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "clone")
	gitCmd(tb, "", "clone", "-q", url, dir)
	return dir
}

func TestTransportCloneFetchLsRemote(t *testing.T) {
	needGit(t)
	r := MustInit(t, map[string]string{"index.md": "# Home\n", "a/b.md": "b\n"})
	c0, _ := r.Head(ctx)
	p3 := mustBranch(t, r, c0, "refs/heads/proposals/3", "proposal three", store.FileWrite{Path: "p.md", Content: []byte("p3\n")})
	meta := mustBranch(t, r, store.ZeroHash, "refs/meta/proposals", "records", store.FileWrite{Path: "3.yaml", Content: []byte("title: x\n")})
	hidden := mustBranch(t, r, store.ZeroHash, "refs/hidden/x", "hidden", store.FileWrite{Path: "h.md", Content: []byte("h\n")})
	gs := serveGit(t, r)

	out := gitCmd(t, "", "ls-remote", gs.URL)
	for _, want := range []string{c0.String() + "\tHEAD", c0.String() + "\trefs/heads/main", p3.String() + "\trefs/heads/proposals/3", meta.String() + "\trefs/meta/proposals"} {
		if !strings.Contains(out, want) {
			t.Errorf("ls-remote lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "refs/hidden") {
		t.Errorf("ls-remote shows an unadvertised ref:\n%s", out)
	}
	if out := gitCmd(t, "", "ls-remote", "--symref", gs.URL, "HEAD"); !strings.Contains(out, "ref: refs/heads/main\tHEAD") {
		t.Errorf("HEAD symref not advertised:\n%s", out)
	}

	dir := mustClone(t, gs.URL)
	if b, _ := os.ReadFile(filepath.Join(dir, "a/b.md")); string(b) != "b\n" {
		t.Fatalf("clone: a/b.md = %q", b)
	}
	if got := gitCmd(t, dir, "rev-parse", "HEAD"); got != c0.String() {
		t.Fatalf("clone HEAD %s, want %s", got, c0)
	}
	gitCmd(t, dir, "fetch", "-q", "origin", "refs/meta/proposals:refs/remotes/origin/meta")
	if got := gitCmd(t, dir, "rev-parse", "origin/meta"); got != meta.String() {
		t.Fatalf("fetched meta %s, want %s", got, meta)
	}
	if out, err := gitTry(dir, "fetch", "origin", hidden.String()); err == nil {
		t.Fatalf("fetching an unadvertised object worked:\n%s", out)
	}

	// Many local commits the server lacks force several negotiation rounds,
	// and requests large enough for git to gzip them.
	for i := range 40 {
		writeFile(t, filepath.Join(dir, "local.md"), fmt.Sprintf("local %d\n", i))
		gitCmd(t, dir, "add", "-A")
		gitCmd(t, dir, "commit", "-qm", fmt.Sprintf("local %d", i))
	}
	c1 := mustCommit(t, r, c0, "server side", store.FileWrite{Path: "index.md", Content: []byte("# Home v2\n")})
	gitCmd(t, dir, "fetch", "-q", "origin")
	if got := gitCmd(t, dir, "rev-parse", "origin/main"); got != c1.String() {
		t.Fatalf("fetched main %s, want %s", got, c1)
	}

	// Thirty wants make a request large enough for git to gzip it.
	for i := 10; i < 40; i++ {
		mustBranch(t, r, c1, fmt.Sprintf("refs/heads/proposals/%d", i), "proposal", store.FileWrite{Path: "p.md", Content: []byte(fmt.Sprintf("p%d\n", i))})
	}
	gitCmd(t, dir, "fetch", "-q", "origin", "refs/heads/proposals/*:refs/remotes/origin/proposals/*")
	if got := gitCmd(t, dir, "rev-parse", "origin/proposals/3"); got != p3.String() {
		t.Fatalf("fetched proposal %s, want %s", got, p3)
	}
	if n := len(strings.Fields(gitCmd(t, dir, "for-each-ref", "--format=%(refname)", "refs/remotes/origin/proposals/"))); n != 31 {
		t.Fatalf("fetched %d proposals, want 31", n)
	}
	gs.mu.Lock()
	gz := gs.gzipped
	gs.mu.Unlock()
	if gz == 0 {
		t.Error("no gzipped request was exercised")
	}
	gitCmd(t, dir, "fsck", "--strict")
}

func mustBranch(tb testing.TB, r *store.Repo, base store.Hash, ref, msg string, writes ...store.FileWrite) store.Hash {
	tb.Helper()
	c, err := r.WriteCommit(ctx, base, writes, store.CommitInfo{Author: sig("a"), Committer: sig("wiki"), Message: msg})
	if err != nil {
		tb.Fatal(err)
	}
	if err := r.UpdateRef(ctx, ref, c, store.ZeroHash); err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestTransportPush(t *testing.T) {
	needGit(t)
	long := strings.Repeat("A line of a long page that git will store as a delta.\n", 400)
	r := MustInit(t, map[string]string{"index.md": "# Home\n", "long.md": long})
	c0, _ := r.Head(ctx)
	gs := serveGit(t, r)
	gs.setAllow(func(ref string, old, new store.Hash) error {
		if strings.HasPrefix(ref, "refs/meta/") {
			return errors.New("proposal records are written by the wiki only")
		}
		return nil
	})
	dir := mustClone(t, gs.URL)

	writeFile(t, filepath.Join(dir, "new.md"), "# New\n")
	// A small change to a long file is sent as a delta against the old
	// version; with "no-thin" that base must travel in the pack too.
	writeFile(t, filepath.Join(dir, "long.md"), long+"One more line.\n")
	gitCmd(t, dir, "add", "new.md", "long.md")
	gitCmd(t, dir, "commit", "-qm", "add new")
	c1 := gitCmd(t, dir, "rev-parse", "HEAD")
	gitCmd(t, dir, "push", "-q", "origin", "main")
	if h, _ := r.Head(ctx); h.String() != c1 {
		t.Fatalf("after push head %s, want %s", h, c1)
	}
	if b, _, ok, err := r.ReadFileAt(ctx, mustParse(t, c1), "new.md", 1<<20); err != nil || !ok || string(b) != "# New\n" {
		t.Fatalf("pushed file: %q %v %v", b, ok, err)
	}
	if m := gs.takeMoved(); len(m) != 1 || m[0].Name != "refs/heads/main" || m[0].Old != c0 || m[0].New.String() != c1 {
		t.Fatalf("moved = %+v", m)
	}

	t.Run("non-fast-forward", func(t *testing.T) {
		gitCmd(t, dir, "reset", "-q", "--hard", "HEAD~1")
		writeFile(t, filepath.Join(dir, "other.md"), "other\n")
		gitCmd(t, dir, "add", "other.md")
		gitCmd(t, dir, "commit", "-qm", "rewrite history")
		out, err := gitTry(dir, "push", "--force", "origin", "main")
		if err == nil || !strings.Contains(out, "non-fast-forward") {
			t.Fatalf("force push accepted: %v\n%s", err, out)
		}
		if h, _ := r.Head(ctx); h.String() != c1 {
			t.Fatalf("head moved to %s", h)
		}
		gitCmd(t, dir, "reset", "-q", "--hard", c1)
	})

	t.Run("proposal branch", func(t *testing.T) {
		gitCmd(t, dir, "checkout", "-q", "-b", "p9")
		writeFile(t, filepath.Join(dir, "new.md"), "# New, proposed\n")
		gitCmd(t, dir, "commit", "-qam", "propose")
		p9 := gitCmd(t, dir, "rev-parse", "HEAD")
		gitCmd(t, dir, "push", "-q", "origin", "p9:refs/heads/proposals/9")
		got, err := r.ResolveRef(ctx, "refs/heads/proposals/9")
		if err != nil || got.String() != p9 {
			t.Fatalf("proposals/9 = %s %v, want %s", got, err, p9)
		}
		if m := gs.takeMoved(); len(m) != 1 || !m[0].Old.IsZero() {
			t.Fatalf("moved = %+v", m)
		}
		gitCmd(t, dir, "checkout", "-q", "main")
	})

	t.Run("no new objects", func(t *testing.T) {
		gitCmd(t, dir, "push", "-q", "origin", c1+":refs/heads/copy")
		if got, err := r.ResolveRef(ctx, "refs/heads/copy"); err != nil || got.String() != c1 {
			t.Fatalf("copy = %s %v", got, err)
		}
		gs.takeMoved()
	})

	t.Run("refused by allow", func(t *testing.T) {
		out, err := gitTry(dir, "push", "origin", "main:refs/meta/proposals")
		if err == nil || !strings.Contains(out, "written by the wiki only") {
			t.Fatalf("push to refs/meta accepted: %v\n%s", err, out)
		}
		if _, err := r.ResolveRef(ctx, "refs/meta/proposals"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("refs/meta/proposals exists: %v", err)
		}
	})

	t.Run("delete", func(t *testing.T) {
		if out, err := gitTry(dir, "push", "origin", "--delete", "main"); err == nil {
			t.Fatalf("deleting main worked:\n%s", out)
		}
		gitCmd(t, dir, "push", "-q", "origin", "--delete", "proposals/9")
		if _, err := r.ResolveRef(ctx, "refs/heads/proposals/9"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("proposals/9 still there: %v", err)
		}
		gs.takeMoved()
	})

	t.Run("large", func(t *testing.T) {
		for i := range 6 {
			b := make([]byte, 1<<20)
			rand.Read(b)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("big%d.bin", i)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		gitCmd(t, dir, "add", ".")
		gitCmd(t, dir, "commit", "-qm", "six megabytes")
		big := gitCmd(t, dir, "rev-parse", "HEAD")
		gitCmd(t, dir, "push", "-q", "origin", "main")
		if h, _ := r.Head(ctx); h.String() != big {
			t.Fatalf("head %s, want %s", h, big)
		}
		if n, err := r.BlobSize(ctx, mustBlob(t, r, big, "big5.bin")); err != nil || n != 1<<20 {
			t.Fatalf("big5.bin size %d %v", n, err)
		}
		// And back: a pack of many side-band packets.
		again := mustClone(t, gs.URL)
		if got := gitCmd(t, again, "rev-parse", "HEAD"); got != big {
			t.Fatalf("clone after the large push is at %s, want %s", got, big)
		}
		gitCmd(t, again, "fsck", "--strict")
	})

	if out, err := gitTry(r.GitDir(), "fsck", "--strict"); err != nil {
		t.Fatalf("fsck: %v\n%s", err, out)
	}
	// C git sees exactly what was pushed.
	if got := gitCmd(t, r.GitDir(), "rev-parse", "refs/heads/main"); got != gitCmd(t, dir, "rev-parse", "main") {
		t.Fatalf("C git reads main as %s", got)
	}
}

func mustParse(tb testing.TB, s string) store.Hash {
	tb.Helper()
	h, err := store.ParseHash(s)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func mustBlob(tb testing.TB, r *store.Repo, commit, path string) store.Hash {
	tb.Helper()
	_, h, ok, err := r.ReadFileAt(ctx, mustParse(tb, commit), path, 0)
	if !ok && err == nil {
		tb.Fatalf("%s missing at %s", path, commit)
	}
	if err != nil && !errors.Is(err, store.ErrTooLarge) {
		tb.Fatal(err)
	}
	return h
}

// A push racing another writer must lose the compare-and-swap, not overwrite.
func TestTransportPushRace(t *testing.T) {
	needGit(t)
	r := MustInit(t, map[string]string{"index.md": "# Home\n"})
	c0, _ := r.Head(ctx)
	gs := serveGit(t, r)
	dir := mustClone(t, gs.URL)

	var other store.Hash
	gs.setAllow(func(ref string, old, new store.Hash) error {
		// Another writer commits between the client's read and our update.
		c, err := r.WriteCommit(ctx, c0, []store.FileWrite{{Path: "web.md", Content: []byte("from the web\n")}},
			store.CommitInfo{Author: sig("web"), Committer: sig("wiki"), Message: "web edit"})
		if err != nil {
			return err
		}
		other = c
		return r.UpdateRef(ctx, ref, c, old)
	})
	writeFile(t, filepath.Join(dir, "git.md"), "from git\n")
	gitCmd(t, dir, "add", "git.md")
	gitCmd(t, dir, "commit", "-qm", "git edit")
	out, err := gitTry(dir, "push", "origin", "main")
	if err == nil || !strings.Contains(out, "fetch first") {
		t.Fatalf("racing push accepted: %v\n%s", err, out)
	}
	if h, _ := r.Head(ctx); h != other {
		t.Fatalf("head %s, want the other writer's %s", h, other)
	}
	if m := gs.takeMoved(); len(m) != 0 {
		t.Fatalf("moved = %+v", m)
	}
	// After fetching and merging, the push goes through.
	gs.setAllow(nil)
	gitCmd(t, dir, "pull", "-q", "--no-rebase", "origin", "main")
	gitCmd(t, dir, "push", "-q", "origin", "main")
	if out, err := gitTry(r.GitDir(), "fsck", "--strict"); err != nil {
		t.Fatalf("fsck: %v\n%s", err, out)
	}
}

func TestUploadPackGzipAndErrors(t *testing.T) {
	r := MustInit(t, map[string]string{"index.md": "# Home\n"})
	c0, _ := r.Head(ctx)
	var req bytes.Buffer
	pe := pktline.NewEncoder(&req)
	pe.Encodef("want %s side-band-64k ofs-delta\n", c0)
	pe.Flush()
	pe.Encodef("done\n")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(req.Bytes())
	zw.Close()

	var out bytes.Buffer
	if err := New(r, Options{}).UploadPack(ctx, &gz, &out); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out.Bytes(), []byte("0008NAK\n")) || !bytes.Contains(out.Bytes(), []byte("PACK")) {
		t.Fatalf("answer %.80q", out.Bytes())
	}

	cases := []struct{ name, body, want string }{
		{"not our ref", fmt.Sprintf("want %s\n", strings.Repeat("1", 40)), "not our ref"},
		{"deepen-since", fmt.Sprintf("want %s\n|deepen-since 1700000000\n", c0), "not supported"},
		{"deepen 0", fmt.Sprintf("want %s\n|deepen 0\n", c0), "invalid deepen"},
		{"bad capability", fmt.Sprintf("want %s filter\n", c0), "unsupported capability"},
		{"garbage", "hello\n", "bad upload request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var req bytes.Buffer
			pe := pktline.NewEncoder(&req)
			for _, l := range strings.Split(strings.TrimSuffix(tc.body, "\n"), "\n|") {
				pe.EncodeString(l + "\n")
			}
			pe.Flush()
			pe.Encodef("done\n")
			var out bytes.Buffer
			err := New(r, Options{}).UploadPack(ctx, &req, &out)
			if !errors.Is(err, ErrProtocol) || !strings.Contains(out.String(), "ERR ") || !strings.Contains(out.String(), tc.want) {
				t.Fatalf("got %v, %q; want ERR with %q", err, out.String(), tc.want)
			}
		})
	}
}

func TestReceivePackRejectsThinAndMissing(t *testing.T) {
	r := MustInit(t, map[string]string{"index.md": "# Home\n"})
	c0, _ := r.Head(ctx)
	var req bytes.Buffer
	pe := pktline.NewEncoder(&req)
	missing := strings.Repeat("2", 40)
	pe.Encodef("%s %s refs/heads/main\x00report-status\n", c0, missing)
	pe.Flush()
	var out bytes.Buffer
	moved, err := New(r, Options{}).ReceivePack(ctx, &req, &out, nil)
	if len(moved) != 0 || !strings.Contains(out.String(), "ng refs/heads/main") {
		t.Fatalf("push of a missing commit: %v %+v %q", err, moved, out.String())
	}
	if h, _ := r.Head(ctx); h != c0 {
		t.Fatal("head moved")
	}
}

func TestSidebandPacketsFitGitLimits(t *testing.T) {
	for _, max := range []int{65520, 1000} {
		var buf bytes.Buffer
		sw := &sidebandWriter{pe: pktline.NewEncoder(&buf), max: max - 5}
		data := bytes.Repeat([]byte("x"), 200_000)
		if n, err := sw.Write(data); err != nil || n != len(data) {
			t.Fatalf("wrote %d, %v", n, err)
		}
		sc := pktline.NewScanner(&buf)
		got := 0
		for sc.Scan() {
			p := sc.Bytes()
			if len(p)+4 > max || p[0] != 1 {
				t.Fatalf("packet of %d bytes on band %d; limit %d", len(p)+4, p[0], max)
			}
			got += len(p) - 1
		}
		if sc.Err() != nil || got != len(data) {
			t.Fatalf("read back %d bytes, %v", got, sc.Err())
		}
	}
}

func TestParsePushCommands(t *testing.T) {
	a, b := strings.Repeat("a", 40), strings.Repeat("b", 40)
	for _, tc := range []struct {
		name  string
		lines []string
		want  string // error text, "" for none
	}{
		{"one", []string{a + " " + b + " refs/heads/main\x00report-status ofs-delta"}, ""},
		{"from a shallow clone", []string{"shallow " + a, "shallow " + b, a + " " + b + " refs/heads/main\x00report-status", b + " " + a + " refs/heads/x"}, ""},
		{"no capabilities", []string{a + " " + b + " refs/heads/main"}, ""},
		{"short id", []string{a[:39] + " " + b + " refs/heads/main"}, "malformed command"},
		{"no name", []string{a + " " + b}, "malformed command"},
		{"no commands", nil, "no commands"},
		{"garbage", []string{"hello"}, "malformed command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var req bytes.Buffer
			pe := pktline.NewEncoder(&req)
			for _, l := range tc.lines {
				pe.EncodeString(l + "\n")
			}
			pe.Flush()
			pr, err := parseCommands(&req)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
			if err == nil && (pr.cmds[0].Name != "refs/heads/main" || pr.cmds[0].Old.String() != a || pr.cmds[0].New.String() != b) {
				t.Fatalf("parsed %+v", pr.cmds[0])
			}
		})
	}
}
