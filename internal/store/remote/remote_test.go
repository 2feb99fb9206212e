package remote

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/store"
)

// transports reach one bare upstream directory in every way the wiki
// supports. Each test below runs over all of them against real git.
var transports = []struct {
	name string
	opts func(tb testing.TB, dir string) Options
}{
	{"path", func(tb testing.TB, dir string) Options { return Options{URL: dir} }},
	{"file", func(tb testing.TB, dir string) Options { return Options{URL: "file://" + dir} }},
	{"https-token", func(tb testing.TB, dir string) Options {
		g := startGitHTTP(tb, filepath.Dir(dir), false)
		return Options{URL: g.url(filepath.Base(dir)), Token: testToken}
	}},
	{"https-bearer", func(tb testing.TB, dir string) Options {
		g := startGitHTTP(tb, filepath.Dir(dir), true)
		return Options{URL: g.url(filepath.Base(dir)), Token: testToken, Bearer: true}
	}},
	{"ssh", func(tb testing.TB, dir string) Options {
		s := startSSH(tb)
		return Options{URL: s.url(tb, dir), SSHKeyFile: s.clientKey, KnownHostsFile: s.knownHosts}
	}},
}

func mustRemote(tb testing.TB, repo *store.Repo, opts Options) *Remote {
	tb.Helper()
	r, err := New(repo, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func tracked(tb testing.TB, r *Remote, name string) store.Hash {
	tb.Helper()
	h, err := r.repo.ResolveRef(ctx, Tracking(name))
	if errors.Is(err, store.ErrNotFound) {
		return store.ZeroHash
	}
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

func upstreamRef(tb testing.TB, dir, name string) string {
	tb.Helper()
	out, err := gitRun(dir, "rev-parse", "--verify", "--quiet", name)
	if err != nil {
		return ""
	}
	return out
}

// oneResult is the outcome of a push of one command: the push's own error,
// else the command's.
func oneResult(res []Result, err error) error {
	if err != nil {
		return err
	}
	if len(res) != 1 {
		return errors.New("not one result")
	}
	return res[0].Err
}

// TestFetchAndPush walks the whole contract over every transport: fetch
// into tracking refs, fast-forward pushes, refusals of what would force,
// create-only pushes as claims, proposal deletions, and refs gone upstream.
func TestFetchAndPush(t *testing.T) {
	needGit(t)
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			wiki := mustWiki(t, map[string]string{"index.md": "# Home\n"})
			up := bareUpstream(t, wiki)
			r := mustRemote(t, wiki, tr.opts(t, up))
			main, _ := wiki.ResolveRef(ctx, "refs/heads/main")

			res, err := r.Fetch(ctx)
			if err != nil {
				t.Fatalf("fetch: %v", err)
			}
			if got := tracked(t, r, "refs/heads/main"); got != main || res.Upstream["refs/heads/main"] != main {
				t.Fatalf("tracking main = %s, want %s", got, main)
			}

			// A local edit goes up as a fast-forward.
			c1 := commit(t, wiki, "refs/heads/main", "local edit", map[string]string{"a.md": "A\n"})
			err = oneResult(r.Push(ctx, []Command{{Name: "refs/heads/main", Old: main, New: c1}}))
			if err != nil {
				t.Fatalf("push main: %v", err)
			}
			if got := upstreamRef(t, up, "refs/heads/main"); got != c1.String() {
				t.Fatalf("upstream main = %s, want %s", got, c1)
			}
			if got := tracked(t, r, "refs/heads/main"); got != c1 {
				t.Fatalf("tracking after push = %s, want %s", got, c1)
			}

			// Somebody pushes on the host; a fetch brings it to the
			// tracking ref and leaves the wiki's branch alone.
			hostHead := hostCommit(t, up, "main", "host.md", "from the host\n")
			res, err = r.Fetch(ctx)
			if err != nil {
				t.Fatalf("fetch: %v", err)
			}
			if len(res.Moved) != 1 || res.Moved[0].Old != c1 || res.Moved[0].New.String() != hostHead {
				t.Fatalf("moved = %+v, want main %s → %s", res.Moved, c1.Short(), hostHead[:10])
			}
			if h, _ := wiki.ResolveRef(ctx, "refs/heads/main"); h != c1 {
				t.Fatalf("fetch moved the wiki's main to %s", h)
			}
			if _, err := wiki.Commit(ctx, res.Moved[0].New); err != nil {
				t.Fatalf("fetched commit is not here: %v", err)
			}

			// A push naming the old value loses the compare-and-swap; one
			// that would drop the host's commit is refused before sending.
			c2 := commit(t, wiki, "refs/heads/main", "diverging edit", map[string]string{"b.md": "B\n"})
			if err := oneResult(r.Push(ctx, []Command{{Name: "refs/heads/main", Old: c1, New: c2}})); !errors.Is(err, ErrStale) {
				t.Fatalf("push with a stale old value: %v, want ErrStale", err)
			}
			if err := oneResult(r.Push(ctx, []Command{{Name: "refs/heads/main", Old: res.Moved[0].New, New: c2}})); !errors.Is(err, ErrNonFastForward) {
				t.Fatalf("push of a non-descendant: %v, want ErrNonFastForward", err)
			}
			if got := upstreamRef(t, up, "refs/heads/main"); got != hostHead {
				t.Fatalf("upstream main moved to %s", got)
			}

			// A create-only push is a claim: the second one loses.
			p1 := commit(t, wiki, "refs/heads/proposals/1", "proposal", map[string]string{"p.md": "P\n"})
			if err := oneResult(r.Push(ctx, []Command{{Name: "refs/heads/proposals/1", New: p1}})); err != nil {
				t.Fatalf("claim proposals/1: %v", err)
			}
			if err := oneResult(r.Push(ctx, []Command{{Name: "refs/heads/proposals/1", New: c2}})); !errors.Is(err, ErrStale) {
				t.Fatalf("second claim of proposals/1: %v, want ErrStale", err)
			}
			meta := commit(t, wiki, MetaRef, "records", map[string]string{"1.json": "{}\n"})
			if err := oneResult(r.Push(ctx, []Command{{Name: MetaRef, New: meta}})); err != nil {
				t.Fatalf("push records: %v", err)
			}

			// Proposal branches may be deleted, with their old value; the
			// served branch and the records never.
			if err := oneResult(r.Push(ctx, []Command{{Name: "refs/heads/proposals/1", Old: p1}})); err != nil {
				t.Fatalf("delete proposals/1: %v", err)
			}
			if got := upstreamRef(t, up, "refs/heads/proposals/1"); got != "" {
				t.Fatalf("proposals/1 still upstream at %s", got)
			}
			if tracked(t, r, "refs/heads/proposals/1") != store.ZeroHash {
				t.Fatal("tracking ref of a deleted branch kept")
			}
			for _, name := range []string{"refs/heads/main", MetaRef} {
				if err := oneResult(r.Push(ctx, []Command{{Name: name, Old: meta}})); !errors.Is(err, ErrRejected) {
					t.Fatalf("delete %s: %v, want ErrRejected", name, err)
				}
			}
			if err := oneResult(r.Push(ctx, []Command{{Name: "refs/heads/other", New: c2}})); !errors.Is(err, ErrRejected) {
				t.Fatalf("push outside the scope: %v, want ErrRejected", err)
			}

			// A branch deleted on the host is reported gone, and its
			// tracking ref kept until the caller forgets it.
			wt := filepath.Join(t.TempDir(), "wt")
			gitCmd(t, "", "clone", "--quiet", up, wt)
			gitCmd(t, wt, "push", "--quiet", "origin", "HEAD:refs/heads/proposals/2")
			if _, err := r.Fetch(ctx); err != nil {
				t.Fatal(err)
			}
			p2 := tracked(t, r, "refs/heads/proposals/2")
			gitCmd(t, wt, "push", "--quiet", "origin", ":refs/heads/proposals/2")
			res, err = r.Fetch(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Gone) != 1 || res.Gone[0].Name != "refs/heads/proposals/2" || res.Gone[0].Old != p2 {
				t.Fatalf("gone = %+v, want proposals/2 at %s", res.Gone, p2.Short())
			}
			if tracked(t, r, "refs/heads/proposals/2") != p2 {
				t.Fatal("the tracking ref of a gone branch went before Forget")
			}
			if err := r.Forget(ctx, "refs/heads/proposals/2", p2); err != nil {
				t.Fatal(err)
			}
			if res, _ := r.Fetch(ctx); len(res.Gone) != 0 {
				t.Fatalf("still gone after Forget: %+v", res.Gone)
			}
			fsck(t, up)
			fsck(t, wiki.GitDir())
		})
	}
}

// TestPushToEmpty: a new, empty repository on the host takes the wiki's
// branch and records as creations.
func TestPushToEmpty(t *testing.T) {
	needGit(t)
	for _, tr := range transports {
		if tr.name == "https-bearer" || tr.name == "file" {
			continue
		}
		t.Run(tr.name, func(t *testing.T) {
			wiki := mustWiki(t, map[string]string{"index.md": "# Home\n"})
			up := emptyUpstream(t)
			r := mustRemote(t, wiki, tr.opts(t, up))
			res, err := r.Fetch(ctx)
			if err != nil {
				t.Fatalf("fetch from empty: %v", err)
			}
			if len(res.Upstream) != 0 {
				t.Fatalf("empty upstream lists %v", res.Upstream)
			}
			main, _ := wiki.ResolveRef(ctx, "refs/heads/main")
			meta := commit(t, wiki, MetaRef, "records", map[string]string{"1.json": "{}\n"})
			results, err := r.Push(ctx, []Command{{Name: "refs/heads/main", New: main}, {Name: MetaRef, New: meta}})
			if err != nil {
				t.Fatal(err)
			}
			for _, res := range results {
				if res.Err != nil {
					t.Fatalf("push %s: %v", res.Name, res.Err)
				}
			}
			if got := upstreamRef(t, up, "refs/heads/main"); got != main.String() {
				t.Fatalf("upstream main = %q, want %s", got, main)
			}
			fsck(t, up)
		})
	}
}

// TestHTTPToken: the token goes in the Authorization header and nowhere
// else; a wrong or missing one is ErrAuth, and no error shows it.
func TestHTTPToken(t *testing.T) {
	needGit(t)
	wiki := mustWiki(t, map[string]string{"index.md": "# Home\n"})
	up := bareUpstream(t, wiki)
	g := startGitHTTP(t, filepath.Dir(up), false)
	url := g.url(filepath.Base(up))

	if _, err := mustRemote(t, wiki, Options{URL: url, Token: testToken}).Fetch(ctx); err != nil {
		t.Fatalf("right token: %v", err)
	}
	if g.seen.Load() == 0 {
		t.Fatal("the server never saw the token")
	}
	for _, opts := range []Options{
		{URL: url, Token: testToken + "-wrong"},
		{URL: url},
		{URL: url, Token: testToken[:8], TokenUser: "oauth2"},
	} {
		_, err := mustRemote(t, wiki, opts).Fetch(ctx)
		if !errors.Is(err, ErrAuth) {
			t.Errorf("token %q: %v, want ErrAuth", opts.Token, err)
		}
		if err != nil && opts.Token != "" && strings.Contains(err.Error(), opts.Token) {
			t.Errorf("the error shows the token: %v", err)
		}
	}
	g.down.Store(true)
	_, err := mustRemote(t, wiki, Options{URL: url, Token: testToken}).Fetch(ctx)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("server down: %v, want ErrUnreachable", err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Fatalf("the error shows the token: %v", err)
	}
}

// TestSSHHostKey: a host whose key known_hosts does not list is refused.
func TestSSHHostKey(t *testing.T) {
	s := startSSH(t)
	wiki := mustWiki(t, map[string]string{"index.md": "# Home\n"})
	up := bareUpstream(t, wiki)
	opts := Options{URL: s.url(t, up), SSHKeyFile: s.clientKey, KnownHostsFile: s.knownHosts}
	if _, err := mustRemote(t, wiki, opts).Fetch(ctx); err != nil {
		t.Fatalf("right host key: %v", err)
	}
	other, err := os.ReadFile(filepath.Join(filepath.Dir(s.clientKey), "other.pub"))
	if err != nil {
		t.Fatal(err)
	}
	s.writeKnownHosts(t, string(other))
	_, err = mustRemote(t, wiki, opts).Fetch(ctx)
	if !errors.Is(err, ErrHostKey) {
		t.Fatalf("wrong host key: %v, want ErrHostKey", err)
	}
	if _, err := New(wiki, Options{URL: opts.URL, SSHKeyFile: s.clientKey}); !errors.Is(err, ErrConfig) {
		t.Fatalf("no known_hosts: %v, want ErrConfig", err)
	}
	if _, err := New(wiki, Options{URL: opts.URL, SSHKeyFile: s.clientKey, KnownHostsFile: filepath.Join(t.TempDir(), "none")}); !errors.Is(err, ErrConfig) {
		t.Fatalf("missing known_hosts file: %v, want ErrConfig", err)
	}
}

// TestOptions: credentials never ride in the URL, and odd addresses are
// refused with ErrConfig.
func TestOptions(t *testing.T) {
	wiki := mustWiki(t, map[string]string{"index.md": "# Home\n"})
	for _, tc := range []struct {
		url, token string
		ok         bool
	}{
		{"https://host.example/org/wiki.git", "t", true},
		{"https://user:" + testToken + "@host.example/org/wiki.git", "", false},
		{"https://host.example/wiki.git?private_token=x", "", false},
		{"http://host.example/wiki.git", "t", false}, // a token over plain http, not loopback
		{"http://127.0.0.1:8080/wiki.git", "t", true},
		{"ftp://host.example/wiki.git", "", false},
		{"git@host.example:org/wiki.git", "", false}, // SSH without known_hosts
		{"user:pw@host.example:org/wiki.git", "", false},
		{"", "", false},
		{"https://host.example/\nwiki", "", false},
		{wiki.GitDir(), "", true},
	} {
		_, err := New(wiki, Options{URL: tc.url, Token: tc.token})
		if tc.ok != (err == nil) {
			t.Errorf("New(%q): %v, want ok=%v", tc.url, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrConfig) {
			t.Errorf("New(%q): %v, want ErrConfig", tc.url, err)
		}
		if err != nil && strings.Contains(err.Error(), testToken) {
			t.Errorf("New(%q): the error shows the token: %v", tc.url, err)
		}
	}
	r := mustRemote(t, wiki, Options{URL: wiki.GitDir()})
	if _, err := r.Fetch(ctx); !errors.Is(err, ErrConfig) {
		t.Fatalf("fetch from itself: %v, want ErrConfig", err)
	}
}

// TestCount: ahead and behind, as git rev-list --count says.
func TestCount(t *testing.T) {
	needGit(t)
	wiki := mustWiki(t, map[string]string{"index.md": "# Home\n"})
	r := mustRemote(t, wiki, Options{URL: emptyUpstream(t)})
	base, _ := wiki.ResolveRef(ctx, "refs/heads/main")
	a := base
	for i := 0; i < 3; i++ {
		a = commit(t, wiki, "refs/heads/main", "a", map[string]string{"a.md": strings.Repeat("a", i+1)})
	}
	wiki.UpdateRef(ctx, "refs/heads/side", base, store.ZeroHash)
	b := commit(t, wiki, "refs/heads/side", "b", map[string]string{"b.md": "b"})
	for _, tc := range []struct {
		from, not store.Hash
		want      string
	}{{a, b, "main"}, {b, a, "side"}, {a, base, ""}, {base, a, ""}} {
		got, err := r.Count(ctx, tc.from, tc.not)
		if err != nil {
			t.Fatal(err)
		}
		want := gitCmd(t, wiki.GitDir(), "rev-list", "--count", tc.not.String()+".."+tc.from.String())
		if want != strconv.Itoa(got) {
			t.Errorf("Count(%s, %s) = %d, want %s\n%s", tc.from.Short(), tc.not.Short(), got, want, gitCmd(t, wiki.GitDir(), "log", "--all", "--graph", "--format=%h %p %s"))
		}
	}
}

// TestCheckObject: a fetched pack is checked before any of it is
// installed, and one bad object refuses it all.
func TestCheckObject(t *testing.T) {
	needGit(t)
	wiki := mustWiki(t, map[string]string{"index.md": "# Home\n"})
	up := bareUpstream(t, wiki)
	hostCommit(t, up, "main", "evil.md", "not welcome\n")
	seen := map[store.ObjectKind]int{}
	check := func(kind store.ObjectKind, raw []byte) error {
		seen[kind]++
		if kind == store.KindTree && strings.Contains(string(raw), "evil.md") {
			return errors.New("a name the checks refuse")
		}
		return nil
	}
	before := tracked(t, mustRemote(t, wiki, Options{URL: up}), "refs/heads/main")
	_, err := mustRemote(t, wiki, Options{URL: up, CheckObject: check}).Fetch(ctx)
	if !errors.Is(err, ErrBadObject) {
		t.Fatalf("fetch of a bad tree: %v, want ErrBadObject", err)
	}
	if seen[store.KindTree] == 0 {
		t.Fatalf("the check saw %v", seen)
	}
	r := mustRemote(t, wiki, Options{URL: up})
	if got := tracked(t, r, "refs/heads/main"); got != before {
		t.Fatalf("tracking ref moved to %s", got)
	}
	head := gitCmd(t, up, "rev-parse", "main")
	h, _ := store.ParseHash(head)
	if _, err := wiki.Commit(ctx, h); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the refused commit is in the repository: %v", err)
	}
}
