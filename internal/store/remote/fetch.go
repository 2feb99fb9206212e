package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/gitwiki/gitwiki/internal/store"
)

// Move is one tracking ref a fetch created or moved: Old is what the
// upstream held at the previous fetch (ZeroHash: not seen before), New
// what it holds now. Names are the upstream's (refs/heads/main).
type Move struct {
	Name     string
	Old, New store.Hash
}

// FetchResult says what a fetch found.
type FetchResult struct {
	// Upstream is every ref in scope the upstream holds, all of whose
	// objects are now here: its served branch, proposal branches and
	// proposal records.
	Upstream map[string]store.Hash
	// Moved lists the tracking refs that changed.
	Moved []Move
	// Gone lists refs seen at an earlier fetch that the upstream no longer
	// has. Their tracking refs stay until Forget, so that a restart before
	// the caller has acted on the deletion still sees it.
	Gone []Move
}

// Fetch brings the upstream's served branch, proposal branches and
// proposal records here, into the tracking refs (refs/upstream/...), each
// moved with a compare-and-swap. No other ref moves.
func (r *Remote) Fetch(ctx context.Context) (*FetchResult, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	res, err := r.fetch(ctx)
	return res, r.fail(err)
}

func (r *Remote) fetch(ctx context.Context) (*FetchResult, error) {
	tracked, err := r.repo.Refs(ctx, TrackingPrefix)
	if err != nil {
		return nil, err
	}
	haves, err := r.localTips(ctx, tracked)
	if err != nil {
		return nil, err
	}
	var wants []store.Hash
	choose := func(all map[string]store.Hash) ([]store.Hash, []store.Hash, error) {
		here := openObjects(r.repo.GitDir())
		defer here.Close()
		for name, h := range all {
			if r.inScope(name) && !here.has(h) {
				wants = append(wants, h)
			}
		}
		return dedupe(wants), haves, nil
	}
	install := func(pack io.Reader) error { return installPack(ctx, r.repo, pack, r.opts.CheckObject) }
	all, err := r.dialer.fetch(ctx, choose, install)
	if err != nil {
		return nil, err
	}
	if len(wants) > 0 {
		// Every object the new tips reach must be here before a ref names
		// them: an upstream that sent less would leave a broken branch.
		here := openObjects(r.repo.GitDir())
		_, err := here.missing(wants, haves)
		here.Close()
		if err != nil {
			return nil, fmt.Errorf("%w: the upstream sent an incomplete pack: %v", ErrUnreachable, err)
		}
	}
	return r.track(ctx, all, tracked)
}

// track moves the tracking refs to what the upstream holds.
func (r *Remote) track(ctx context.Context, all, tracked map[string]store.Hash) (*FetchResult, error) {
	res := &FetchResult{Upstream: map[string]store.Hash{}}
	names := make([]string, 0, len(all))
	for name := range all {
		if r.inScope(name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		h := all[name]
		old := tracked[Tracking(name)]
		if old != h {
			err := r.repo.UpdateRef(ctx, Tracking(name), h, old)
			if errors.Is(err, store.ErrBadRevision) {
				continue // a name this wiki does not take; leave it upstream
			}
			if err != nil {
				return nil, err
			}
			res.Moved = append(res.Moved, Move{Name: name, Old: old, New: h})
		}
		res.Upstream[name] = h
	}
	for t, old := range tracked {
		name := Untracked(t)
		if _, ok := all[name]; !ok {
			res.Gone = append(res.Gone, Move{Name: name, Old: old})
		}
	}
	sort.Slice(res.Gone, func(i, j int) bool { return res.Gone[i].Name < res.Gone[j].Name })
	return res, nil
}

// localTips are the commits a fetch may name as already here: the served
// branch, the proposal branches and records, and the tracking refs.
func (r *Remote) localTips(ctx context.Context, tracked map[string]store.Hash) ([]store.Hash, error) {
	heads, err := r.repo.Refs(ctx, "refs/heads/")
	if err != nil {
		return nil, err
	}
	var out []store.Hash
	for name, h := range heads {
		if r.inScope(name) {
			out = append(out, h)
		}
	}
	if h, err := r.repo.ResolveRef(ctx, MetaRef); err == nil {
		out = append(out, h)
	}
	for _, h := range tracked {
		out = append(out, h)
	}
	return dedupe(out), nil
}

// Forget drops the tracking ref of an upstream ref that is gone, once the
// caller has acted on its deletion. It is a compare-and-swap: a tracking
// ref that a fetch has moved meanwhile stays.
func (r *Remote) Forget(ctx context.Context, name string, old store.Hash) error {
	err := r.repo.UpdateRef(ctx, Tracking(name), store.ZeroHash, old)
	if errors.Is(err, store.ErrStale) && old.IsZero() {
		return nil
	}
	return r.fail(err)
}

// Tracked is what the upstream held at the last fetch or push, by
// upstream ref name.
func (r *Remote) Tracked(ctx context.Context) (map[string]store.Hash, error) {
	tracked, err := r.repo.Refs(ctx, TrackingPrefix)
	if err != nil {
		return nil, r.fail(err)
	}
	out := make(map[string]store.Hash, len(tracked))
	for t, h := range tracked {
		out[Untracked(t)] = h
	}
	return out, nil
}

func dedupe(hs []store.Hash) []store.Hash {
	seen := map[store.Hash]bool{}
	out := hs[:0:0]
	for _, h := range hs {
		if !h.IsZero() && !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}

// installPack stores a pack in repo the way a pushed one is stored:
// received into quarantine, verified, checked object by object when check
// is set, and installed index first, so a kill at any point leaves the
// repository as it was.
func installPack(ctx context.Context, repo *store.Repo, src io.Reader, check func(store.ObjectKind, []byte) error) error {
	p, err := repo.ReadPack(ctx, src)
	if err != nil {
		return err
	}
	defer p.Close()
	if check != nil {
		err := p.Each(ctx, func(id store.Hash, kind store.ObjectKind, raw []byte) error {
			if err := check(kind, raw); err != nil {
				return fmt.Errorf("%w: %s %s: %v", ErrBadObject, kind, id.Short(), err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return p.Install()
}
