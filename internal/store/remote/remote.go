// Package remote moves objects and refs between the wiki's repository and
// one upstream repository: a git host over HTTPS or SSH, or a repository on
// a local disk. It speaks git through go-git only, so the server never runs
// a git binary, and every ref it moves is a compare-and-swap: here through
// store.UpdateRef, there through the old value each push command names.
//
// Fetched refs land in a private namespace (refs/upstream/...), never on
// the wiki's own branches: deciding what to do with them is the caller's
// business (internal/upstream). Pushes are fast-forwards or deletions of
// proposal branches, never forced.
package remote

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gitwiki/gitwiki/internal/store"
)

// Refs this package moves. They mirror review.MetaRef and
// review.BranchPrefix, which sit above store and cannot be imported here.
const (
	MetaRef        = "refs/meta/proposals"
	ProposalPrefix = "refs/heads/proposals/"
	// TrackingPrefix holds the upstream's refs as last seen: upstream
	// refs/heads/main is refs/upstream/heads/main here. These refs are the
	// state of the sync: what they lack, the upstream lacks.
	TrackingPrefix = "refs/upstream/"
)

// Errors callers test with errors.Is. Every error this package returns is
// scrubbed of the token and of URL credentials first.
var (
	// ErrUnreachable: the upstream could not be reached or answered with a
	// server error; try again later.
	ErrUnreachable = errors.New("the upstream is unreachable")
	// ErrAuth: the upstream refused the credentials (or wants some).
	ErrAuth = errors.New("the upstream refused the credentials")
	// ErrHostKey: the SSH host key is not the one known_hosts lists.
	ErrHostKey = errors.New("the upstream's SSH host key does not match known_hosts")
	// ErrNoRepo: the upstream has no repository at that address.
	ErrNoRepo = errors.New("the upstream has no repository there")
	// ErrConfig: the upstream address or credentials are unusable as given.
	ErrConfig = errors.New("bad upstream configuration")
	// ErrBadObject: a fetched pack holds an object CheckObject refused.
	ErrBadObject = errors.New("the upstream sent an object that fails the checks")
	// ErrRejected: the upstream refused a push of a ref.
	ErrRejected = errors.New("the upstream rejected the push")
	// ErrNonFastForward: the push would lose upstream commits; merge first.
	ErrNonFastForward = fmt.Errorf("%w: not a fast-forward", ErrRejected)
	// ErrStale: the upstream's ref is not at the old value the push names
	// (somebody pushed meanwhile, or the ref already exists); fetch first.
	ErrStale = fmt.Errorf("%w: the ref moved on the upstream", ErrRejected)
)

// Options say where the upstream is and how to authenticate to it.
type Options struct {
	// URL is https://host/path, http://host/path (loopback tests),
	// ssh://user@host[:port]/path or user@host:path, file:///path or a
	// plain local path. It must not hold a password or token.
	URL string
	// Token authenticates over HTTP(S); the caller reads it from
	// GITWIKI_UPSTREAM_TOKEN. It is never put in a URL, a config file, an
	// error or a log line.
	Token string
	// TokenUser is the basic-auth user name sent with Token: hosts accept
	// "x-access-token" (GitHub), "oauth2" (GitLab OAuth tokens) or any name
	// (Gitea, Forgejo, GitLab personal tokens). Default: the URL's user
	// name, else "x-access-token".
	TokenUser string
	// Bearer sends "Authorization: Bearer <token>" instead of basic auth.
	Bearer bool
	// SSHKeyFile is the private key for SSH; SSHKeyPassphrase opens it when
	// it is encrypted.
	SSHKeyFile       string
	SSHKeyPassphrase string
	// KnownHostsFile lists the upstream's SSH host keys; SSH refuses to
	// start without it, and refuses a host whose key it does not list.
	KnownHostsFile string
	// CheckObject, when set, sees every commit, tree and tag of a fetched
	// pack before any of it is installed (blobs come with nil content); an
	// error refuses the whole pack. The wiki passes the fsck checks its
	// smart-HTTP server applies to pushes, so a compromised host cannot
	// slip in what a push would be refused for.
	CheckObject func(kind store.ObjectKind, raw []byte) error
}

// Remote is one upstream of one repository.
type Remote struct {
	repo   *store.Repo
	opts   Options
	kind   kind
	shown  string // the URL as it may be shown: no credentials
	scrub  func(string) string
	dialer conn

	mu sync.Mutex // one fetch or push at a time
}

type kind int

const (
	kindHTTP kind = iota + 1
	kindSSH
	kindLocal
)

// New checks opts and prepares the transport. It does not connect.
func New(repo *store.Repo, opts Options) (*Remote, error) {
	r := &Remote{repo: repo, opts: opts}
	r.scrub = scrubber(opts.Token, opts.SSHKeyPassphrase)
	k, shown, err := classify(opts.URL)
	if err != nil {
		return nil, r.fail(err)
	}
	r.kind, r.shown = k, shown
	switch k {
	case kindHTTP:
		r.dialer, err = newHTTP(opts)
	case kindSSH:
		r.dialer, err = newSSH(opts)
	case kindLocal:
		r.dialer, err = newLocal(repo, opts.URL)
	}
	if err != nil {
		return nil, r.fail(err)
	}
	return r, nil
}

// URL is the upstream address as it may be shown and logged.
func (r *Remote) URL() string { return r.shown }

// Repo is the local repository.
func (r *Remote) Repo() *store.Repo { return r.repo }

// classify tells the transport from the address, refusing credentials in it.
func classify(raw string) (kind, string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return 0, "", fmt.Errorf("%w: no upstream URL", ErrConfig)
	}
	if strings.ContainsAny(raw, "\n\r\x00") {
		return 0, "", fmt.Errorf("%w: the upstream URL holds control characters", ErrConfig)
	}
	switch {
	case strings.HasPrefix(raw, "https://"), strings.HasPrefix(raw, "http://"), strings.HasPrefix(raw, "ssh://"):
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return 0, "", fmt.Errorf("%w: the upstream URL does not parse", ErrConfig)
		}
		if _, has := u.User.Password(); has {
			return 0, "", fmt.Errorf("%w: the upstream URL holds a password; give the token in GITWIKI_UPSTREAM_TOKEN instead", ErrConfig)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return 0, "", fmt.Errorf("%w: the upstream URL may not have a query or fragment", ErrConfig)
		}
		if u.Scheme == "ssh" {
			return kindSSH, u.String(), nil
		}
		return kindHTTP, u.String(), nil
	case strings.HasPrefix(raw, "file://"):
		return kindLocal, raw, nil
	case strings.Contains(raw, "://"):
		return 0, "", fmt.Errorf("%w: unsupported upstream scheme (use https, ssh, file or a path)", ErrConfig)
	case isSCP(raw):
		if user, _, _ := strings.Cut(raw, "@"); strings.Contains(user, ":") {
			return 0, "", fmt.Errorf("%w: the upstream address holds a password", ErrConfig)
		}
		return kindSSH, raw, nil
	}
	return kindLocal, raw, nil
}

// isSCP recognises git's scp-like SSH syntax, user@host:path. A local path
// with a colon is one only if a slash comes before the colon.
func isSCP(s string) bool {
	colon := strings.IndexByte(s, ':')
	if colon <= 0 {
		return false
	}
	slash := strings.IndexByte(s, '/')
	return slash < 0 || slash > colon
}

// localPath is the directory of a file:// URL or plain path.
func localPath(raw string) (string, error) {
	p := raw
	if strings.HasPrefix(raw, "file://") {
		u, err := url.Parse(raw)
		if err != nil || (u.Host != "" && u.Host != "localhost") {
			return "", fmt.Errorf("%w: a file:// upstream must be a local path (file:///path)", ErrConfig)
		}
		p = u.Path
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrConfig, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return "", fmt.Errorf("%w: upstream %s: %w", ErrNoRepo, abs, err)
	}
	return abs, nil
}

// Tracking is the local name of an upstream ref: refs/heads/main becomes
// refs/upstream/heads/main.
func Tracking(name string) string { return TrackingPrefix + strings.TrimPrefix(name, "refs/") }

// Untracked is the upstream name of a tracking ref, the inverse of Tracking.
func Untracked(tracking string) string { return "refs/" + strings.TrimPrefix(tracking, TrackingPrefix) }

// inScope reports whether the sync moves a ref: the served branch, the
// proposal branches and their records. Nothing else is fetched or pushed.
func (r *Remote) inScope(name string) bool {
	switch {
	case name == "refs/heads/"+r.repo.Branch(), name == MetaRef:
		return true
	case strings.HasPrefix(name, ProposalPrefix):
		rest := strings.TrimPrefix(name, ProposalPrefix)
		return rest != "" && !strings.HasSuffix(rest, ".lock")
	}
	return false
}

// fail scrubs err and keeps what it is: the message loses every secret,
// errors.Is still finds this package's sentinels.
func (r *Remote) fail(err error) error {
	if err == nil {
		return nil
	}
	return &scrubbed{msg: r.scrub(err.Error()), kind: kindOf(err)}
}
