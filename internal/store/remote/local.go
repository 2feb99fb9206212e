package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/gitwiki/gitwiki/internal/store"
)

// local reaches an upstream on this machine's disk. go-git's file transport
// would run the git-upload-pack and git-receive-pack binaries; this one
// opens the upstream as a store.Repo instead, so the server runs no git
// binary and every ref it moves there is the same lock-file
// compare-and-swap as here, which C git and other replicas respect.
type local struct {
	here *store.Repo
	raw  string

	mu sync.Mutex
	up *store.Repo // opened on first use, reopened after a failure
}

func newLocal(here *store.Repo, raw string) (conn, error) {
	if _, err := localPath(raw); err != nil && !errors.Is(err, ErrNoRepo) {
		return nil, err
	}
	return &local{here: here, raw: raw}, nil
}

// open returns the upstream repository. It is kept open between calls:
// opening a store.Repo clears lock files it takes for debris, which is
// right at start-up but not every minute while other replicas write there.
func (l *local) open() (*store.Repo, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.up != nil {
		return l.up, nil
	}
	dir, err := localPath(l.raw)
	if err != nil {
		return nil, err
	}
	up, err := store.Open(dir, store.Options{Branch: l.here.Branch(), Readers: 1})
	if errors.Is(err, store.ErrNotRepo) {
		return nil, fmt.Errorf("%w: %s is not a git repository", ErrNoRepo, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	if up.GitDir() == l.here.GitDir() {
		up.Close()
		return nil, fmt.Errorf("%w: the upstream is the wiki's own repository", ErrConfig)
	}
	l.up = up
	return up, nil
}

// drop forgets the open repository after a failure, so that an upstream
// moved away and back is opened afresh.
func (l *local) drop(err error) error {
	if err != nil {
		l.mu.Lock()
		if l.up != nil {
			l.up.Close()
			l.up = nil
		}
		l.mu.Unlock()
	}
	return err
}

func (l *local) refs(ctx context.Context, up *store.Repo) (map[string]store.Hash, error) {
	refs, err := up.Refs(ctx, "refs/heads/")
	if err != nil {
		return nil, fmt.Errorf("%w: list upstream refs: %v", ErrUnreachable, err)
	}
	if h, err := up.ResolveRef(ctx, MetaRef); err == nil {
		refs[MetaRef] = h
	}
	return refs, nil
}

func (l *local) fetch(ctx context.Context, choose func(map[string]store.Hash) ([]store.Hash, []store.Hash, error), install func(io.Reader) error) (map[string]store.Hash, error) {
	up, err := l.open()
	if err != nil {
		return nil, err
	}
	refs, err := l.refs(ctx, up)
	if err != nil {
		return nil, l.drop(err)
	}
	wants, haves, err := choose(refs)
	if err != nil || len(wants) == 0 {
		return refs, err
	}
	// Opened after the refs were read: a pack lands before the ref that
	// needs it, so this view holds every object the refs name.
	src := openObjects(up.GitDir())
	defer src.Close()
	if err := transfer(ctx, func(w io.Writer) error { return src.writePack(w, wants, haves) }, install); err != nil {
		return nil, l.drop(err)
	}
	return refs, nil
}

func (l *local) push(ctx context.Context, plan func(map[string]store.Hash) ([]Command, error), pack func(io.Writer, map[string]store.Hash, []Command) error) (map[string]store.Hash, map[string]string, error) {
	up, err := l.open()
	if err != nil {
		return nil, nil, err
	}
	refs, err := l.refs(ctx, up)
	if err != nil {
		return nil, nil, l.drop(err)
	}
	cmds, err := plan(refs)
	if err != nil || len(cmds) == 0 {
		return refs, nil, err
	}
	if hasNew(cmds) {
		err := transfer(ctx, func(w io.Writer) error { return pack(w, refs, cmds) }, func(r io.Reader) error { return installPack(ctx, up, r, nil) })
		if err != nil {
			return nil, nil, l.drop(fmt.Errorf("%w: the upstream could not store the pack: %v", ErrRejected, err))
		}
	}
	status := map[string]string{}
	checkedOut := len(up.CheckedOut()) > 0
	for _, c := range cmds {
		status[c.Name] = l.apply(ctx, up, c, checkedOut)
	}
	return refs, status, nil
}

// apply moves one upstream ref as git's receive-pack would, and returns
// the reason it did not, in receive-pack's words.
func (l *local) apply(ctx context.Context, up *store.Repo, c Command, checkedOut bool) string {
	served := c.Name == "refs/heads/"+up.Branch()
	switch {
	case served && checkedOut:
		return "branch is currently checked out"
	case served && c.New.IsZero():
		return "deletion of the current branch prohibited"
	case served && !c.Old.IsZero():
		if ff, err := up.IsAncestor(ctx, c.Old, c.New); err != nil || !ff {
			return "non-fast-forward"
		}
	}
	err := up.UpdateRef(ctx, c.Name, c.New, c.Old)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, store.ErrStale):
		return "fetch first: the ref is not at the expected value"
	case errors.Is(err, store.ErrLocked):
		return "failed to lock: another writer holds the ref"
	}
	return "failed to update ref"
}

func hasNew(cmds []Command) bool {
	for _, c := range cmds {
		if !c.New.IsZero() {
			return true
		}
	}
	return false
}

// transfer streams what write produces into read, and ends both when
// either fails or ctx ends.
func transfer(ctx context.Context, write func(io.Writer) error, read func(io.Reader) error) error {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := write(pw)
		pw.CloseWithError(err)
		done <- err
	}()
	stop := context.AfterFunc(ctx, func() { pr.CloseWithError(ctx.Err()) })
	defer stop()
	rerr := read(pr)
	pr.CloseWithError(io.ErrClosedPipe)
	werr := <-done
	if rerr != nil {
		return rerr
	}
	if werr != nil && !errors.Is(werr, io.ErrClosedPipe) {
		return werr
	}
	return nil
}
