// Package smarthttp serves a store.Repo over git's smart HTTP protocol
// (protocol v0, stateless), so that "git clone", "git fetch" and "git push"
// work against the wiki. It is pure Go: no request ever reaches a git
// binary, and the server ships as one file.
//
// It speaks the wire protocol and decides nothing about who may do what:
// the web layer authenticates, and a Policy callback decides which pushed
// refs may move. The store keeps objects and refs; this package reads
// objects with go-git, and writes only through store.ReadPack and
// store.UpdateRef.
package smarthttp

import (
	"errors"

	"github.com/gitwiki/gitwiki/internal/store"
)

// Smart-HTTP services, as named in "info/refs?service=".
const (
	ServiceUploadPack  = "git-upload-pack"
	ServiceReceivePack = "git-receive-pack"
)

// ErrProtocol means a git client sent something this server does not
// accept, or asked for more work than a request may cost. The client has
// been told why in the protocol; it is not a server failure.
var ErrProtocol = errors.New("git protocol error")

// RefUpdate is one ref a push moved. Old is ZeroHash for a new ref, New is
// ZeroHash for a deleted one.
type RefUpdate struct {
	Name     string
	Old, New store.Hash
}

// Policy decides whether a push may move ref from old to new; its error,
// one sentence, becomes the reason the client prints. The server itself
// already refuses what git's receive-pack would: missing or malformed
// objects, and moving the served branch backwards or deleting it.
type Policy func(ref string, old, new store.Hash) error

// Options bound the work one upload-pack request may cost, so that an
// anonymous client cannot tie up the server's CPU: a request over a bound
// is refused with a reason git shows ("remote error: ..."). Zero values
// take the defaults, far above what a clone or fetch of a wiki needs.
type Options struct {
	// MaxWants bounds the distinct "want" lines of one request (default
	// 10,000); duplicates count once. The same bound applies to "shallow"
	// lines.
	MaxWants int
	// MaxHaves bounds the distinct "have" lines of one request (default
	// 50,000); git sends at most a few thousand per round.
	MaxHaves int
	// MaxWork bounds the objects one request may visit, counting every
	// step of every walk it makes: checking that the wants are reachable
	// from the refs, the shallow boundary, and what to send (default
	// 4,000,000; a full clone visits a few per object in the repository).
	MaxWork int
}

const (
	defaultMaxWants = 10000
	defaultMaxHaves = 50000
	defaultMaxWork  = 4_000_000
)

// Server answers the smart-HTTP requests for one repository. It holds no
// state between requests, so one may be made per request.
type Server struct {
	repo *store.Repo
	opts Options
	// observe, for tests, gets the work each upload-pack request did.
	observe func(work int)
}

// New returns a Server for repo.
func New(repo *store.Repo, opts Options) *Server {
	if opts.MaxWants <= 0 {
		opts.MaxWants = defaultMaxWants
	}
	if opts.MaxHaves <= 0 {
		opts.MaxHaves = defaultMaxHaves
	}
	if opts.MaxWork <= 0 {
		opts.MaxWork = defaultMaxWork
	}
	return &Server{repo: repo, opts: opts}
}

const (
	agent = "gitwiki"
	// maxNegotiation bounds an upload-pack request once inflated: wants
	// and haves are 50 bytes each, so this is over a million of them.
	maxNegotiation = 64 << 20
	// maxInflatedPush bounds a gzip-compressed push once inflated; the web
	// layer bounds the bytes on the wire.
	maxInflatedPush = 2 << 30
	packWindow      = 10
)
