package upstream

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const hookSecret = "whsec-for-the-tests"

func hexMAC(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// deliveries build the headers each host sends with a delivery, as their
// documentation lists them; secret signs the body.
var deliveries = map[string]func(secret, id string, body []byte) http.Header{
	HostGitHub: func(secret, id string, body []byte) http.Header {
		sha := hmac.New(sha1.New, []byte(secret))
		sha.Write(body)
		h := http.Header{}
		h.Set("User-Agent", "GitHub-Hookshot/044aadd")
		h.Set("Content-Type", "application/json")
		h.Set("X-GitHub-Event", "push")
		h.Set("X-GitHub-Delivery", id)
		h.Set("X-GitHub-Hook-ID", "292430182")
		h.Set("X-GitHub-Hook-Installation-Target-ID", "79929171")
		h.Set("X-GitHub-Hook-Installation-Target-Type", "repository")
		h.Set("X-Hub-Signature", "sha1="+hex.EncodeToString(sha.Sum(nil)))
		h.Set("X-Hub-Signature-256", "sha256="+hexMAC(secret, body))
		return h
	},
	HostGitea: func(secret, id string, body []byte) http.Header {
		h := http.Header{}
		h.Set("User-Agent", "Go-http-client/1.1")
		h.Set("Content-Type", "application/json")
		for _, p := range []string{"X-Gitea", "X-Gogs", "X-GitHub"} {
			h.Set(p+"-Delivery", id)
			h.Set(p+"-Event", "push")
			h.Set(p+"-Event-Type", "push")
		}
		h.Set("X-Gitea-Signature", hexMAC(secret, body))
		h.Set("X-Gogs-Signature", hexMAC(secret, body))
		h.Set("X-Hub-Signature-256", "sha256="+hexMAC(secret, body))
		return h
	},
	HostForgejo: func(secret, id string, body []byte) http.Header {
		h := http.Header{}
		h.Set("User-Agent", "Go-http-client/1.1")
		h.Set("Content-Type", "application/json")
		for _, p := range []string{"X-Forgejo", "X-Gitea", "X-Gogs", "X-GitHub"} {
			h.Set(p+"-Delivery", id)
			h.Set(p+"-Event", "push")
			h.Set(p+"-Event-Type", "push")
		}
		h.Set("X-Forgejo-Signature", hexMAC(secret, body))
		h.Set("X-Gitea-Signature", hexMAC(secret, body))
		h.Set("X-Hub-Signature-256", "sha256="+hexMAC(secret, body))
		return h
	},
	HostGitLab: func(secret, id string, body []byte) http.Header {
		h := http.Header{}
		h.Set("User-Agent", "GitLab/17.9.0")
		h.Set("Content-Type", "application/json")
		h.Set("X-Gitlab-Event", "Push Hook")
		h.Set("X-Gitlab-Event-UUID", id)
		h.Set("X-Gitlab-Webhook-UUID", "9b2f5a1e-1c9d-4c1e-8f4f-1a2b3c4d5e6f")
		h.Set("X-Gitlab-Instance", "https://gitlab.example.org")
		h.Set("Idempotency-Key", "idem-"+id)
		h.Set("X-Gitlab-Token", secret)
		return h
	},
}

// signatureHeaders are the headers that carry a host's proof.
var signatureHeaders = map[string][]string{
	HostGitHub:  {"X-Hub-Signature-256", "X-Hub-Signature"},
	HostGitea:   {"X-Gitea-Signature", "X-Gogs-Signature", "X-Hub-Signature-256"},
	HostForgejo: {"X-Forgejo-Signature", "X-Gitea-Signature", "X-Hub-Signature-256"},
	HostGitLab:  {"X-Gitlab-Token"},
}

func payload(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "hooks", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestWebhookSignatures: for each host, the right signature passes once,
// and a wrong, missing or replayed one is refused.
func TestWebhookSignatures(t *testing.T) {
	for host, build := range deliveries {
		body := payload(t, host+"-push.json")
		t.Run(host, func(t *testing.T) {
			hooks := NewHooks(hookSecret, 0)
			ev, err := hooks.Verify(Header(build(hookSecret, "d-1", body)), body)
			if err != nil {
				t.Fatalf("right signature: %v", err)
			}
			if ev.Host != host || !ev.Push() || ev.Ref != "refs/heads/main" || len(ev.After) != 40 || ev.Repository == "" {
				t.Fatalf("event = %+v", ev)
			}
			if _, err := hooks.Verify(Header(build(hookSecret, "d-1", body)), body); !errors.Is(err, ErrReplayed) {
				t.Errorf("replayed: %v, want ErrReplayed", err)
			}
			if _, err := hooks.Verify(Header(build("another secret", "d-2", body)), body); !errors.Is(err, ErrBadSignature) {
				t.Errorf("wrong secret: %v, want ErrBadSignature", err)
			}
			tampered := append([]byte(nil), body...)
			tampered[len(tampered)/2] ^= 1
			if host != HostGitLab { // GitLab's token does not cover the body
				if _, err := hooks.Verify(Header(build(hookSecret, "d-3", body)), tampered); !errors.Is(err, ErrBadSignature) {
					t.Errorf("tampered body: %v, want ErrBadSignature", err)
				}
			}
			missing := build(hookSecret, "d-4", body)
			for _, name := range signatureHeaders[host] {
				missing.Del(name)
			}
			if _, err := hooks.Verify(Header(missing), body); !errors.Is(err, ErrNoSignature) {
				t.Errorf("missing signature: %v, want ErrNoSignature", err)
			}
			// A delivery refused above is not remembered: the real one
			// with that id still passes.
			if _, err := hooks.Verify(Header(build(hookSecret, "d-2", body)), body); err != nil {
				t.Errorf("a real delivery after a forged one with its id: %v", err)
			}
			noID := build(hookSecret, "", body)
			noID.Del("Idempotency-Key")
			if _, err := hooks.Verify(Header(noID), body); !errors.Is(err, ErrNoDelivery) {
				t.Errorf("no delivery id: %v, want ErrNoDelivery", err)
			}
		})
	}
}

// TestWebhookEdges: the most specific signature is the one checked, the
// form encoding GitHub and Gitea offer, pings, and a missing secret.
func TestWebhookEdges(t *testing.T) {
	body := payload(t, "forgejo-push.json")
	h := deliveries[HostForgejo](hookSecret, "f-1", body)
	h.Set("X-Forgejo-Signature", hexMAC("wrong", body))
	if _, err := Check(Header(h), body, []byte(hookSecret)); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("bad Forgejo signature beside a good Gitea one: %v, want ErrBadSignature", err)
	}

	form := []byte("payload=" + url.QueryEscape(string(payload(t, "github-push.json"))))
	gh := deliveries[HostGitHub](hookSecret, "g-1", form)
	gh.Set("Content-Type", "application/x-www-form-urlencoded")
	ev, err := Check(Header(gh), form, []byte(hookSecret))
	if err != nil || ev.Ref != "refs/heads/main" {
		t.Fatalf("form-encoded: %+v, %v", ev, err)
	}

	ping := payload(t, "github-ping.json")
	ph := deliveries[HostGitHub](hookSecret, "g-2", ping)
	ph.Set("X-GitHub-Event", "ping")
	if ev, err := Check(Header(ph), ping, []byte(hookSecret)); err != nil || !ev.Push() || ev.Kind != "ping" {
		t.Fatalf("ping: %+v, %v", ev, err)
	}

	bad := []byte("{not json")
	if _, err := Check(Header(deliveries[HostGitea](hookSecret, "x", bad)), bad, []byte(hookSecret)); !errors.Is(err, ErrBadPayload) {
		t.Fatalf("signed garbage: %v, want ErrBadPayload", err)
	}
	if _, err := NewHooks("", 0).Verify(Header(h), body); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("no secret: %v, want ErrNoSecret", err)
	}
	lower := Header{"x-gitlab-token": {hookSecret}, "x-gitlab-event-uuid": {"l-1"}, "x-gitlab-event": {"Push Hook"}}
	if _, err := Check(lower, payload(t, "gitlab-push.json"), []byte(hookSecret)); err != nil {
		t.Fatalf("headers spelled in lower case: %v", err)
	}
}

// TestReplayWindow: ids are forgotten after the window, and the memory is
// bounded.
func TestReplayWindow(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	h := NewHooks(hookSecret, time.Hour)
	h.now = func() time.Time { return now }
	h.limit = 3
	for _, id := range []string{"a", "b", "c"} {
		if err := h.remember(id); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.remember("a"); !errors.Is(err, ErrReplayed) {
		t.Fatalf("a again: %v", err)
	}
	if err := h.remember("d"); err != nil { // evicts a, the oldest
		t.Fatal(err)
	}
	if len(h.seen) > 3 {
		t.Fatalf("remembers %d ids, limit 3", len(h.seen))
	}
	now = now.Add(2 * time.Hour)
	if err := h.remember("d"); err != nil {
		t.Fatalf("d after the window: %v", err)
	}
}
