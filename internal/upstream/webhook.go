package upstream

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Webhook errors; the web layer maps them to statuses (401 for the
// signature ones, 409 for a replay, 400 for a bad payload, 404 when no
// secret is set).
var (
	ErrNoSecret     = errors.New("webhooks are off: GITWIKI_WEBHOOK_SECRET is not set")
	ErrNoSignature  = errors.New("the webhook carries no signature or token")
	ErrBadSignature = errors.New("the webhook signature does not match")
	ErrNoDelivery   = errors.New("the webhook carries no delivery id")
	ErrReplayed     = errors.New("this webhook delivery was received before")
	ErrBadPayload   = errors.New("the webhook payload does not parse")
)

// Hosts a webhook can come from.
const (
	HostForgejo = "forgejo"
	HostGitea   = "gitea"
	HostGitLab  = "gitlab"
	HostGitHub  = "github"
)

// Header is a request's header, as net/http.Header holds it (the web
// layer converts r.Header directly); names are matched case-insensitively.
type Header map[string][]string

// Get is the first value of a header.
func (h Header) Get(name string) string {
	if v := h[textproto.CanonicalMIMEHeaderKey(name)]; len(v) > 0 {
		return v[0]
	}
	for k, v := range h { // a map built by hand, with other spellings
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// Event is a verified webhook delivery.
type Event struct {
	Host     string // HostForgejo, HostGitea, HostGitLab or HostGitHub
	Kind     string // "push", "ping", ... as the host names it, lower case
	Delivery string
	// From the payload, when it is a push: the ref and its new commit.
	Ref, After string
	// Repository is the host's name for it (owner/name), when given.
	Repository string
}

// Push reports a push event (or a ping, which asks for a fetch too).
func (e *Event) Push() bool {
	return e.Kind == "push" || e.Kind == "push hook" || e.Kind == "tag push hook" || e.Kind == "ping" || e.Kind == "system hook"
}

// Hooks verifies webhooks signed with one secret and remembers delivery
// ids for a while, so a captured delivery cannot be played again.
type Hooks struct {
	secret []byte
	window time.Duration
	limit  int
	now    func() time.Time

	mu    sync.Mutex
	seen  map[string]time.Time
	order []string // delivery keys, oldest first
}

// NewHooks makes a verifier for secret (GITWIKI_WEBHOOK_SECRET). Delivery
// ids are remembered for window (default 72 hours: hosts retry and
// redeliver within days), at most 100,000 of them.
func NewHooks(secret string, window time.Duration) *Hooks {
	if window <= 0 {
		window = 72 * time.Hour
	}
	return &Hooks{secret: []byte(secret), window: window, limit: 100000, now: time.Now, seen: map[string]time.Time{}}
}

// Verify checks a delivery of POST /-/hooks/push: the signature in the
// host's own format, then that its delivery id is new. Only a delivery
// that verifies is remembered, so forged ones cannot block real ones.
func (h *Hooks) Verify(hdr Header, body []byte) (*Event, error) {
	if len(h.secret) == 0 {
		return nil, ErrNoSecret
	}
	ev, err := Check(hdr, body, h.secret)
	if err != nil {
		return nil, err
	}
	if err := h.remember(ev.Host + ":" + ev.Delivery); err != nil {
		return nil, err
	}
	return ev, nil
}

// Check verifies a delivery's signature without replay protection: a pure
// function of the headers, the body and the secret. When a host sends
// several signatures (Forgejo also sends Gitea's and GitHub's), the most
// specific one is checked, and a bad one is not rescued by another.
func Check(hdr Header, body []byte, secret []byte) (*Event, error) {
	ev := &Event{}
	var ok bool
	switch {
	case hdr.Get("X-Forgejo-Signature") != "":
		ev.Host, ev.Kind = HostForgejo, hdr.Get("X-Forgejo-Event")
		ev.Delivery = first(hdr.Get("X-Forgejo-Delivery"), hdr.Get("X-Gitea-Delivery"))
		ok = hexHMAC(hdr.Get("X-Forgejo-Signature"), body, secret)
	case hdr.Get("X-Gitea-Signature") != "":
		ev.Host, ev.Kind = HostGitea, hdr.Get("X-Gitea-Event")
		ev.Delivery = hdr.Get("X-Gitea-Delivery")
		ok = hexHMAC(hdr.Get("X-Gitea-Signature"), body, secret)
	case hdr.Get("X-Gitlab-Token") != "":
		ev.Host, ev.Kind = HostGitLab, hdr.Get("X-Gitlab-Event")
		// Idempotency-Key (GitLab 17.4 and later) stays the same when a
		// delivery is retried; X-Gitlab-Event-UUID names the event.
		ev.Delivery = first(hdr.Get("Idempotency-Key"), hdr.Get("X-Gitlab-Event-UUID"))
		ok = sameSecret(hdr.Get("X-Gitlab-Token"), secret)
	case hdr.Get("X-Hub-Signature-256") != "":
		ev.Host, ev.Kind = HostGitHub, hdr.Get("X-GitHub-Event")
		ev.Delivery = hdr.Get("X-GitHub-Delivery")
		sig, found := strings.CutPrefix(hdr.Get("X-Hub-Signature-256"), "sha256=")
		ok = found && hexHMAC(sig, body, secret)
	default:
		return nil, ErrNoSignature
	}
	if !ok {
		return nil, ErrBadSignature
	}
	if ev.Delivery == "" || len(ev.Delivery) > 200 {
		return nil, ErrNoDelivery
	}
	ev.Kind = strings.ToLower(strings.TrimSpace(ev.Kind))
	if err := ev.parse(body, hdr.Get("Content-Type")); err != nil {
		return nil, err
	}
	return ev, nil
}

func first(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// hexHMAC checks a hex HMAC-SHA256 of body, in constant time.
func hexHMAC(sig string, body, secret []byte) bool {
	got, err := hex.DecodeString(strings.TrimSpace(sig))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// sameSecret compares a token sent in the clear (GitLab's) with the
// secret in constant time, lengths included.
func sameSecret(token string, secret []byte) bool {
	a, b := sha256.Sum256([]byte(token)), sha256.Sum256(secret)
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// parse reads the few payload fields the wiki uses. GitHub and Gitea can
// send the JSON form-encoded, as payload=...; the signature covers the
// body as sent, so this runs after the check.
func (e *Event) parse(body []byte, contentType string) error {
	if strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
		form, err := url.ParseQuery(string(body))
		if err != nil || form.Get("payload") == "" {
			return ErrBadPayload
		}
		body = []byte(form.Get("payload"))
	}
	var p struct {
		Ref        string `json:"ref"`
		After      string `json:"after"`
		ObjectKind string `json:"object_kind"`
		Repository struct {
			FullName string `json:"full_name"`
		} `json:"repository"`
		Project struct {
			Path string `json:"path_with_namespace"`
		} `json:"project"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return ErrBadPayload
	}
	e.Ref, e.After = p.Ref, p.After
	e.Repository = first(p.Repository.FullName, p.Project.Path)
	if e.Kind == "" && p.ObjectKind != "" {
		e.Kind = p.ObjectKind
	}
	return nil
}

// remember refuses a delivery key seen within the window.
func (h *Hooks) remember(key string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	for len(h.order) > 0 && now.Sub(h.seen[h.order[0]]) > h.window {
		h.forgetOldest()
	}
	if _, dup := h.seen[key]; dup {
		return ErrReplayed
	}
	for len(h.order) >= h.limit {
		h.forgetOldest()
	}
	h.seen[key] = now
	h.order = append(h.order, key)
	return nil
}

func (h *Hooks) forgetOldest() {
	delete(h.seen, h.order[0])
	h.order = h.order[1:]
}
