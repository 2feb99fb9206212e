// Package store is the wiki's only door to git. It reads trees and blobs at any
// commit, walks history, and writes objects and refs. No other package imports
// go-git, so the rest of the wiki speaks in Hash, Commit and Tree.
package store

import (
	"cmp"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Sentinel errors; callers test them with errors.Is.
var (
	ErrNotFound    = errors.New("not found")
	ErrNotRepo     = errors.New("not a git repository")
	ErrBadRevision = errors.New("invalid revision")
	ErrTooLarge    = errors.New("object too large")
)

// Hash is a git object id.
type Hash [20]byte

// ZeroHash is the id of nothing, used for "no parent" and "ref absent".
var ZeroHash Hash

func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// Short is the abbreviated id shown to people.
func (h Hash) Short() string { return h.String()[:10] }

// IsZero reports whether h is ZeroHash.
func (h Hash) IsZero() bool { return h == ZeroHash }

// ParseHash accepts a full 40-digit hex id.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 40 {
		return h, fmt.Errorf("%w: %q is not a full commit id", ErrBadRevision, s)
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("%w: %q is not hexadecimal", ErrBadRevision, s)
	}
	return h, nil
}

func toHash(h plumbing.Hash) Hash { return Hash(h) }
func (h Hash) p() plumbing.Hash   { return plumbing.Hash(h) }
func fromHashes(hs []plumbing.Hash) []Hash {
	out := make([]Hash, len(hs))
	for i, h := range hs {
		out[i] = toHash(h)
	}
	return out
}

// Options tunes how a repository is opened.
type Options struct {
	// Branch is served; empty means the branch HEAD points at.
	Branch string
	// ObjectCacheBytes bounds go-git's decoded-object cache, shared by all
	// readers. Zero means 64 MiB.
	ObjectCacheBytes int64
	// BlobCacheBytes bounds the cache of small blobs (page sources) read
	// whole. Zero means half of ObjectCacheBytes.
	BlobCacheBytes int64
	// Readers is the number of independent go-git handles. go-git's object
	// storage is not safe for concurrent use (packfile readers seek a shared
	// descriptor), so each reader checks out a handle of its own.
	Readers int
}

// Repo is one git repository, bare or not. It never touches a working tree.
type Repo struct {
	gitDir string
	branch string
	opts   Options

	pool chan *handle
	gen  atomic.Uint64 // bumped when packfiles change on disk
	// refGen counts the ref updates made through this Repo, so a cache of
	// something a ref names can tell cheaply that it may have moved.
	refGen atomic.Uint64

	headMu    sync.Mutex
	headStamp refStamp
	head      Hash
	packStamp stamp

	writeMu sync.Mutex // serialises our own writers; refs also use lock files
	turns   turns      // read-modify-write turns per ref (queue.go)

	blobs *blobCache
	// objects is go-git's decoded-object cache, one for every handle: the
	// blobs of one page's history are deltas of each other, and readers
	// working side by side on them each had half the cache and undid each
	// other's chains (a build of 10,000 pages with 5,000 commits: a sixth
	// of its CPU time more).
	objects *cache.ObjectLRU
	gens    genCache
	// hist is the history index, when IndexHistory started one.
	histMu sync.Mutex
	hist   *histIndex
	// openLock is held shared while the Repo is open (see cleanDebris).
	openLock *os.File
}

type handle struct {
	repo *git.Repository
	st   *filesystem.Storage
	gen  uint64
}

// Open opens the repository at dir: either a bare repository or a directory
// holding .git.
func Open(dir string, opts Options) (*Repo, error) {
	gitDir, err := findGitDir(dir)
	if err != nil {
		return nil, err
	}
	if opts.ObjectCacheBytes <= 0 {
		opts.ObjectCacheBytes = 64 << 20
	}
	if opts.Readers <= 0 {
		opts.Readers = min(max(runtime.GOMAXPROCS(0), 2), 8)
	}
	r := &Repo{gitDir: gitDir, opts: opts, pool: make(chan *handle, opts.Readers), blobs: newBlobCache(cmp.Or(opts.BlobCacheBytes, opts.ObjectCacheBytes/2)),
		objects: cache.NewObjectLRU(cache.FileSize(opts.ObjectCacheBytes))}
	for range opts.Readers {
		h, err := r.open()
		if err != nil {
			r.Close()
			return nil, err
		}
		r.pool <- h
	}
	r.branch = opts.Branch
	if r.branch == "" {
		r.branch, err = r.headBranch()
		if err != nil {
			r.Close()
			return nil, err
		}
	}
	if !validRefName(r.branch) {
		r.Close()
		return nil, fmt.Errorf("%w: branch %q", ErrBadRevision, r.branch)
	}
	r.packStamp = statStamp(filepath.Join(gitDir, "objects", "pack"))
	r.cleanDebris()
	return r, nil
}

func findGitDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(filepath.Join(abs, ".git")); err == nil && fi.IsDir() {
		abs = filepath.Join(abs, ".git")
	}
	for _, need := range []string{"HEAD", "objects", "refs"} {
		if _, err := os.Stat(filepath.Join(abs, need)); err != nil {
			return "", fmt.Errorf("%w: %s", ErrNotRepo, dir)
		}
	}
	return abs, nil
}

func (r *Repo) open() (*handle, error) {
	st := filesystem.NewStorageWithOptions(osfs.New(r.gitDir), r.objects, filesystem.Options{KeepDescriptors: true})
	repo, err := git.Open(st, nil)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("open %s: %w", r.gitDir, err)
	}
	return &handle{repo: repo, st: st, gen: r.gen.Load()}, nil
}

// Close releases every open packfile descriptor.
func (r *Repo) Close() error {
	r.closeHistory()
	if r.openLock != nil {
		r.openLock.Close()
		r.openLock = nil
	}
	for {
		select {
		case h := <-r.pool:
			h.st.Close()
		default:
			return nil
		}
	}
}

// GitDir is the repository's git directory.
func (r *Repo) GitDir() string { return r.gitDir }

// Branch is the branch being served.
func (r *Repo) Branch() string { return r.branch }

// with runs fn with a go-git handle of its own. A handle opened before
// packfiles changed on disk is reopened, because go-git indexes packs once.
func (r *Repo) with(ctx context.Context, fn func(*git.Repository) error) error {
	var h *handle
	select {
	case h = <-r.pool:
	case <-ctx.Done():
		return ctx.Err()
	}
	if h.gen != r.gen.Load() {
		if nh, err := r.open(); err == nil {
			h.st.Close()
			h = nh
		}
	}
	defer func() { r.pool <- h }()
	err := fn(h.repo)
	if errors.Is(err, plumbing.ErrObjectNotFound) && h.gen == r.gen.Load() {
		// A pack may have appeared since this handle indexed them.
		if nh, oerr := r.open(); oerr == nil {
			h.st.Close()
			h = nh
			err = fn(h.repo)
		}
	}
	return err
}

func (r *Repo) headBranch() (string, error) {
	v, found, err := readLoose(filepath.Join(r.gitDir, "HEAD"))
	if err != nil {
		return "", fmt.Errorf("read HEAD: %w", err)
	}
	branch, ok := strings.CutPrefix(v.target, "refs/heads/")
	if !found || !ok {
		return "", fmt.Errorf("HEAD is detached; pass a branch")
	}
	return branch, nil
}

// stamp identifies a file's state cheaply, so the head is re-read only when a
// ref file or packed-refs actually changed.
//
// The inode is part of it: ref files are replaced by rename, and two updates
// within one tick of the coarse file-time clock have the same size and mtime.
type stamp struct {
	mod   time.Time
	size  int64
	inode uint64
	ok    bool
}

func statStamp(path string) stamp {
	fi, err := os.Stat(path)
	if err != nil {
		return stamp{}
	}
	return stamp{mod: fi.ModTime(), size: fi.Size(), inode: inode(fi), ok: true}
}

// refStamp covers both places a branch can live.
type refStamp struct{ loose, packed stamp }

func (r *Repo) refStamp() refStamp {
	return refStamp{
		loose:  statStamp(filepath.Join(r.gitDir, "refs", "heads", filepath.FromSlash(r.branch))),
		packed: statStamp(filepath.Join(r.gitDir, "packed-refs")),
	}
}

// Head is the served branch's commit. It is held in memory and re-read only
// when the ref's files change, so a request never sees a half-written ref: if
// the new value cannot be read, the last good one is kept.
func (r *Repo) Head(ctx context.Context) (Hash, error) {
	r.headMu.Lock()
	defer r.headMu.Unlock()
	if ps := statStamp(filepath.Join(r.gitDir, "objects", "pack")); ps != r.packStamp {
		r.packStamp = ps
		r.gen.Add(1)
	}
	st := r.refStamp()
	if st == r.headStamp && !r.head.IsZero() {
		return r.head, nil
	}
	h, err := r.ResolveRef(ctx, "refs/heads/"+r.branch)
	if err != nil {
		if !r.head.IsZero() {
			return r.head, nil
		}
		return ZeroHash, err
	}
	r.head, r.headStamp = h, st
	return h, nil
}

// RefGeneration changes after every ref update made through this Repo
// (UpdateRef); updates by other processes do not change it.
func (r *Repo) RefGeneration() uint64 { return r.refGen.Load() }

// InvalidateHead makes the next Head re-read the ref, for writers in this process.
func (r *Repo) InvalidateHead() {
	r.headMu.Lock()
	r.headStamp = refStamp{}
	r.headMu.Unlock()
}

var (
	hexRev  = regexp.MustCompile(`^[0-9a-fA-F]{4,40}$`)
	refPart = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]*$`)
)

// ValidRefName reports whether name is a full ref name ("refs/...") that
// the store accepts: stricter than git, it only admits names a person
// would type.
func ValidRefName(name string) bool {
	return strings.HasPrefix(name, "refs/") && validRefName(strings.TrimPrefix(name, "refs/"))
}

// validRefName is stricter than git: it only admits names a person would type.
func validRefName(name string) bool {
	if name == "" || len(name) > 200 || strings.Contains(name, "..") || strings.HasSuffix(name, ".lock") {
		return false
	}
	for _, p := range strings.Split(name, "/") {
		if !refPart.MatchString(p) {
			return false
		}
	}
	return true
}

// Resolve turns a revision a person typed (a full or abbreviated commit id, or
// a branch name) into a commit id. Anything else is ErrBadRevision; a
// well-formed revision that names nothing is ErrNotFound.
func (r *Repo) Resolve(ctx context.Context, rev string) (Hash, error) {
	if hexRev.MatchString(rev) {
		rev = strings.ToLower(rev)
		if len(rev) == 40 {
			h, _ := ParseHash(rev)
			if _, err := r.Commit(ctx, h); err != nil {
				return ZeroHash, err
			}
			return h, nil
		}
		var out Hash
		err := r.with(ctx, func(g *git.Repository) error {
			h, err := g.ResolveRevision(plumbing.Revision(rev))
			if err != nil {
				return fmt.Errorf("revision %s: %w", rev, ErrNotFound)
			}
			out = toHash(*h)
			return nil
		})
		if err == nil {
			if _, cerr := r.Commit(ctx, out); cerr != nil {
				return ZeroHash, cerr
			}
			return out, nil
		}
		// Fall through: a branch may be named like hex.
	}
	if !validRefName(rev) {
		return ZeroHash, fmt.Errorf("%w: %q", ErrBadRevision, rev)
	}
	return r.ResolveRef(ctx, "refs/heads/"+rev)
}

// Signature is who made a commit and when.
type Signature struct {
	Name  string
	Email string
	When  time.Time
}

// Commit is a commit's metadata.
type Commit struct {
	Hash      Hash
	Tree      Hash
	Parents   []Hash
	Author    Signature
	Committer Signature
	Message   string
}

// Subject is the first line of the message.
func (c *Commit) Subject() string {
	s, _, _ := strings.Cut(strings.TrimSpace(c.Message), "\n")
	return strings.TrimSpace(s)
}

func convCommit(c *object.Commit) *Commit {
	return &Commit{
		Hash:      toHash(c.Hash),
		Tree:      toHash(c.TreeHash),
		Parents:   fromHashes(c.ParentHashes),
		Author:    Signature{c.Author.Name, c.Author.Email, c.Author.When},
		Committer: Signature{c.Committer.Name, c.Committer.Email, c.Committer.When},
		Message:   c.Message,
	}
}

// Commit reads one commit.
func (r *Repo) Commit(ctx context.Context, h Hash) (*Commit, error) {
	var out *Commit
	err := r.with(ctx, func(g *git.Repository) error {
		c, err := g.CommitObject(h.p())
		if err != nil {
			return fmt.Errorf("commit %s: %w", h.Short(), notFound(err))
		}
		out = convCommit(c)
		return nil
	})
	return out, err
}

func notFound(err error) error {
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		// Keep both: callers test ErrNotFound, and with retries on the go-git one.
		return fmt.Errorf("%w (%w)", ErrNotFound, err)
	}
	return err
}

// CoAuthors are the people a commit's message credits with
// "Co-authored-by: Name <email>" trailers in its last paragraph: the
// authors of a proposal, on the commit that merged it.
func (c *Commit) CoAuthors() []Signature {
	msg := strings.TrimRight(c.Message, "\n ")
	if i := strings.LastIndex(msg, "\n\n"); i >= 0 {
		msg = msg[i+2:]
	} else {
		return nil // a message of one paragraph has no trailers
	}
	var out []Signature
	for _, line := range strings.Split(msg, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "Co-authored-by") {
			continue
		}
		v = strings.TrimSpace(v)
		name, email := v, ""
		if i := strings.LastIndexByte(v, '<'); i >= 0 && strings.HasSuffix(v, ">") {
			name, email = strings.TrimSpace(v[:i]), v[i+1:len(v)-1]
		}
		if name != "" {
			out = append(out, Signature{Name: name, Email: email})
		}
	}
	return out
}

// CoAuthorTrailers are the trailers that credit people on a commit, one
// per distinct person, in order.
func CoAuthorTrailers(people []Signature) string {
	var b strings.Builder
	seen := map[string]bool{}
	for _, p := range people {
		k := strings.ToLower(p.Name + "\x00" + p.Email)
		if p.Name == "" || seen[k] {
			continue
		}
		seen[k] = true
		b.WriteString("Co-authored-by: " + p.Name + " <" + p.Email + ">\n")
	}
	return b.String()
}
