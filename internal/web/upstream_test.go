package web

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gitwiki/gitwiki/internal/upstream"
)

// fakeUpstream stands in for the syncer: a state the test sets, and a
// count of the rounds asked for.
type fakeUpstream struct {
	mu    sync.Mutex
	state upstream.State
	kicks atomic.Int64
}

func (f *fakeUpstream) State() upstream.State {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state
}

func (f *fakeUpstream) Diverged() bool { return f.State().Upstream == upstream.StatusDiverged }
func (f *fakeUpstream) Kick()          { f.kicks.Add(1) }

func (f *fakeUpstream) set(st upstream.State) {
	f.mu.Lock()
	f.state = st
	f.mu.Unlock()
}

const hookSecret = "the-webhook-secret-of-the-tests"

// hookPayload reads a delivery body recorded in internal/upstream's
// fixtures, which follow the hosts' documented payloads.
func hookPayload(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "upstream", "testdata", "hooks", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func hexSig(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// hookFormats build the headers of one host's delivery: sign puts the
// proof in (secret "" leaves it out), id is the delivery id.
var hookFormats = []struct {
	host, file string
	headers    func(h http.Header, secret, id string, body []byte)
}{
	{"gitea", "gitea-push.json", func(h http.Header, secret, id string, body []byte) {
		h.Set("X-Gitea-Event", "push")
		h.Set("X-Gitea-Delivery", id)
		if secret != "" {
			h.Set("X-Gitea-Signature", hexSig(secret, body))
		}
	}},
	{"forgejo", "forgejo-push.json", func(h http.Header, secret, id string, body []byte) {
		h.Set("X-Forgejo-Event", "push")
		h.Set("X-Forgejo-Delivery", id)
		h.Set("X-Gitea-Delivery", id)
		if secret != "" {
			h.Set("X-Forgejo-Signature", hexSig(secret, body))
			h.Set("X-Gitea-Signature", hexSig(secret, body))
		}
	}},
	{"github", "github-push.json", func(h http.Header, secret, id string, body []byte) {
		h.Set("X-GitHub-Event", "push")
		h.Set("X-GitHub-Delivery", id)
		if secret != "" {
			h.Set("X-Hub-Signature-256", "sha256="+hexSig(secret, body))
		}
	}},
	{"gitlab", "gitlab-push.json", func(h http.Header, secret, id string, body []byte) {
		h.Set("X-Gitlab-Event", "Push Hook")
		h.Set("X-Gitlab-Event-UUID", id)
		if secret != "" {
			h.Set("X-Gitlab-Token", secret)
		}
	}},
}

// deliver posts a webhook the way a host does: JSON, no cookies, and
// here with the headers a browser would add to a cross-site form, which
// the cross-origin protection must not hold against a signed delivery.
func (tw *testWiki) deliver(tb testing.TB, body []byte, set func(http.Header)) (int, map[string]string) {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodPost, tw.ts.URL+"/-/hooks/push", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://git.example.org")
	set(req.Header)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		tb.Fatalf("webhook answer is not JSON: %v", err)
	}
	return resp.StatusCode, out
}

func withUpstream(up *fakeUpstream, secret string) func(*Options) {
	return func(o *Options) {
		o.Upstream = up
		if secret != "" {
			o.Hooks = upstream.NewHooks(secret, 0)
		}
	}
}

// TestHooksPush: for each host's format, the right signature is accepted
// once and asks for a fetch; a wrong one, a missing one and a replay are
// refused with their own status, and ask for nothing.
func TestHooksPush(t *testing.T) {
	up := &fakeUpstream{}
	tw := MustServe(t, testFiles, withUpstream(up, hookSecret))
	for _, f := range hookFormats {
		t.Run(f.host, func(t *testing.T) {
			body := hookPayload(t, f.file)
			id := "delivery-" + f.host
			cases := []struct {
				name, secret, id string
				status           int
				reason           string
				kick             bool
			}{
				{"wrong", "not-the-secret", id, http.StatusUnauthorized, "bad_signature", false},
				{"missing", "", id, http.StatusUnauthorized, "no_signature", false},
				{"right", hookSecret, id, http.StatusAccepted, "accepted", true},
				{"replayed", hookSecret, id, http.StatusConflict, "replayed", false},
				{"no delivery id", hookSecret, "", http.StatusBadRequest, "no_delivery", false},
			}
			for _, tc := range cases {
				before := up.kicks.Load()
				status, out := tw.deliver(t, body, func(h http.Header) { f.headers(h, tc.secret, tc.id, body) })
				if status != tc.status || out["reason"] != tc.reason || out["message"] == "" {
					t.Errorf("%s: %d %v, want %d %s", tc.name, status, out, tc.status, tc.reason)
				}
				if kicked := up.kicks.Load() > before; kicked != tc.kick {
					t.Errorf("%s: fetch asked for = %v, want %v", tc.name, kicked, tc.kick)
				}
			}
		})
	}
	// A signature over another body does not pass (GitLab's token does
	// not cover the body, so only the HMAC formats are checked).
	body := hookPayload(t, "github-push.json")
	tampered := bytes.Replace(body, []byte("refs/heads/main"), []byte("refs/heads/evil"), 1)
	status, _ := tw.deliver(t, tampered, func(h http.Header) { hookFormats[2].headers(h, hookSecret, "tampered", body) })
	if status != http.StatusUnauthorized {
		t.Fatalf("tampered body: %d, want 401", status)
	}
}

// TestHooksOffAndLimited: without a secret the endpoint is a 404; a
// client sending delivery after delivery is held back with 429.
func TestHooksOffAndLimited(t *testing.T) {
	off := MustServe(t, testFiles, withUpstream(&fakeUpstream{}, ""))
	body := hookPayload(t, "gitea-push.json")
	sign := func(id string) func(http.Header) {
		return func(h http.Header) { hookFormats[0].headers(h, hookSecret, id, body) }
	}
	if status, out := off.deliver(t, body, sign("x")); status != http.StatusNotFound || out["reason"] != "off" {
		t.Fatalf("no secret: %d %v, want 404 off", status, out)
	}

	up := &fakeUpstream{}
	tw := MustServe(t, testFiles, withUpstream(up, hookSecret))
	frozen := time.Unix(1_900_000_000, 0)
	tw.srv.hookRate.now = func() time.Time { return frozen } // no token comes back during the test
	for i := 0; i < hookBurst; i++ {
		if status, _ := tw.deliver(t, body, func(h http.Header) { hookFormats[0].headers(h, "wrong", "w", body) }); status != http.StatusUnauthorized {
			t.Fatalf("delivery %d: %d, want 401", i, status)
		}
	}
	status, out := tw.deliver(t, body, sign("late"))
	if status != http.StatusTooManyRequests || out["reason"] != "too_many" || up.kicks.Load() != 0 {
		t.Fatalf("past the burst: %d %v (kicks %d), want 429", status, out, up.kicks.Load())
	}

	big := MustServe(t, testFiles, withUpstream(&fakeUpstream{}, hookSecret))
	huge := bytes.Repeat([]byte(" "), maxHookBody+1)
	if status, out := big.deliver(t, huge, sign("huge")); status != http.StatusRequestEntityTooLarge {
		t.Fatalf("huge delivery: %d %v, want 413", status, out)
	}
}

// TestUpstreamHealthAndBanner: /-/health carries the sync's state; while
// diverged, maintainers (only) see the banner with the commands on every
// view, and its arrival changes their validators.
func TestUpstreamHealthAndBanner(t *testing.T) {
	up := &fakeUpstream{}
	up.set(upstream.State{Upstream: upstream.StatusAhead, Ahead: 2, Pending: []string{"refs/heads/main"}, LastFetch: time.Unix(1_800_000_000, 0)})
	tw := MustServe(t, testFiles, withUpstream(up, ""))
	tw.MustAccounts(t)
	mara := tw.MustSession(t, "alice")

	health := func() map[string]any {
		_, body := tw.get(t, "/-/health")
		var h map[string]any
		if err := json.Unmarshal([]byte(body), &h); err != nil {
			t.Fatalf("health: %v: %s", err, body)
		}
		return h
	}
	if h := health(); h["status"] != "ok" || h["upstream"] != "ahead" || h["ahead"] != 2.0 || h["behind"] != 0.0 || h["pending"] != 1.0 || h["last_fetch"] != "2027-01-15T08:00:00Z" {
		t.Fatalf("health while ahead: %v", h)
	}
	resp, _ := tw.getAs(t, "/Guides/Backups", mara)
	calm := resp.Header.Get("ETag")

	cmds := []string{"git clone --branch main https://git.example.org/wiki.git wiki-merge && cd wiki-merge", "git push origin main"}
	up.set(upstream.State{Upstream: upstream.StatusDiverged, Ahead: 1, Behind: 3, Conflicts: []string{"Guides/Backups.md"}, Resolve: cmds, Problem: ""})
	if h := health(); h["upstream"] != "diverged" || h["behind"] != 3.0 || h["ahead"] != 1.0 || h["conflicts"] != 1.0 {
		t.Fatalf("health while diverged: %v", h)
	}
	for _, path := range []string{"/", "/Guides/Backups", "/-/recent", "/-/proposals", "/-/edit/Guides/Backups", "/Nowhere"} {
		_, body := tw.getAs(t, path, mara)
		if !strings.Contains(body, "upstream-banner") || !strings.Contains(body, "git clone --branch main https://git.example.org/wiki.git wiki-merge &amp;&amp; cd wiki-merge") ||
			!strings.Contains(body, "<code>Guides/Backups.md</code>") {
			t.Errorf("%s: no banner with the commands for a maintainer", path)
		}
		if _, anon := tw.get(t, path); strings.Contains(anon, "upstream-banner") {
			t.Errorf("%s: an anonymous reader sees the banner", path)
		}
	}
	resp, _ = tw.getAs(t, "/Guides/Backups", mara)
	if resp.Header.Get("ETag") == calm {
		t.Fatal("the banner came and the maintainer's ETag stayed: a kept copy would hide it")
	}
	up.set(upstream.State{Upstream: upstream.StatusOK})
	if _, body := tw.getAs(t, "/Guides/Backups", mara); strings.Contains(body, "upstream-banner") {
		t.Fatal("the banner stays once reconciled")
	}
	if h := health(); h["upstream"] != "ok" {
		t.Fatalf("health once reconciled: %v", h)
	}
}

// TestKickAfterWrites: an edit that lands asks the sync for a round; a
// preview, a refused edit and a read do not.
func TestKickAfterWrites(t *testing.T) {
	up := &fakeUpstream{}
	tw := MustServe(t, map[string]string{"wiki.yaml": "edit_policy: open\n", "index.md": "# Home\n", "p.md": "# P\n"}, withUpstream(up, ""))
	head := mustHead(t, tw)
	tw.get(t, "/")
	tw.post(t, "/-/preview", url.Values{"content": {"# Preview\n"}})
	if n := up.kicks.Load(); n != 0 {
		t.Fatalf("%d kicks after a read and a preview", n)
	}
	resp, body := tw.post(t, "/-/edit/p", url.Values{"content": {"# P\n\nedited\n"}, "base": {"not-a-commit"}, "summary": {"bad"}})
	if resp.StatusCode < 400 || up.kicks.Load() != 0 {
		t.Fatalf("refused edit: %d, kicks %d\n%s", resp.StatusCode, up.kicks.Load(), body)
	}
	resp, body = tw.post(t, "/-/edit/p", url.Values{"content": {"# P\n\nedited\n"}, "base": {head}, "summary": {"edit"}})
	if resp.StatusCode != http.StatusSeeOther || up.kicks.Load() != 1 {
		t.Fatalf("edit: %d, kicks %d\n%s", resp.StatusCode, up.kicks.Load(), body)
	}
}

// TestOnionLocation: with an onion address, pages name their onion copy;
// the wiki's own /-/ addresses, which the export lacks, do not.
func TestOnionLocation(t *testing.T) {
	const onion = "http://gitwikiexampleonionaddressxxxxxxxxxxxxxxxxxxxxxxxxx.onion"
	tw := MustServe(t, testFiles, func(o *Options) { o.OnionURL = onion + "/" })
	resp, _ := tw.get(t, "/Guides/Caf%C3%A9%20notes")
	if got := resp.Header.Get("Onion-Location"); got != onion+"/Guides/Caf%C3%A9%20notes" {
		t.Fatalf("Onion-Location %q", got)
	}
	if resp, _ := tw.get(t, "/-/recent"); resp.Header.Get("Onion-Location") != "" {
		t.Fatal("Onion-Location on a /-/ address")
	}
	plain := MustServe(t, testFiles)
	if resp, _ := plain.get(t, "/"); resp.Header.Get("Onion-Location") != "" {
		t.Fatal("Onion-Location without an onion address")
	}
}
