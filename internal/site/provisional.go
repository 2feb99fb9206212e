package site

import (
	"context"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/singleflight"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Provisional read models. On a first start with an empty DATA, the
// model of the head needs every page's blob read and parsed (seconds on a
// large wiki); a reader asking for one page needs only the tree and that
// page's blob. A provisional model is made from the tree alone: every page
// exists, titled from the facts cache when it holds the page, else from
// its file name, with no front matter; the pages readers ask for are read
// one by one into it. It resolves links by name and title like any model
// (render.Resolver), but knows no page's outgoing links, so it has no
// backlinks. It is never among the loaded models (At never returns it),
// its Fingerprint differs from every full model's (so HTML rendered with
// it is never cached under a full model's key), and it is dropped once a
// full model is loaded.

// provisionals is the loader's provisional model while the first full
// model loads.
type provisionals struct {
	flight singleflight.Group // one tree pass per commit
	readMu sync.Mutex         // one page read into the model at a time
	cur    atomic.Pointer[Site]
}

// Provisional reports whether the model is provisional: made from the
// tree, without every page's facts, to serve while the full one loads.
func (s *Site) Provisional() bool { return s.provisional }

// Loaded is the full model of commit when it is loaded, without loading it.
func (l *Loader) Loaded(commit store.Hash) (*Site, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.recent {
		if s.Commit == commit {
			return s, true
		}
	}
	return nil, false
}

// Provisional is a model of commit good for showing the page want ("" for
// none): the full model when it is loaded, else a provisional one in which
// want's blob has been read. It reads the tree (once per commit) and at
// most want's blob, never every page.
func (l *Loader) Provisional(ctx context.Context, commit store.Hash, want wikipath.Page) (*Site, error) {
	if st, ok := l.Loaded(commit); ok {
		return st, nil
	}
	st := l.prov.cur.Load()
	if st == nil || st.Commit != commit {
		v, err, _ := l.prov.flight.Do(commit.String(), func() (any, error) {
			if cur := l.prov.cur.Load(); cur != nil && cur.Commit == commit {
				return cur, nil
			}
			base, err := l.provisionalBase(context.WithoutCancel(ctx), commit)
			if err != nil {
				return nil, err
			}
			if _, ok := l.Loaded(commit); !ok {
				// Kept only while no full model is: one dropped it meanwhile.
				l.prov.cur.Store(base)
			}
			return base, nil
		})
		if err != nil {
			return nil, err
		}
		st = v.(*Site)
	}
	if p, ok := st.pages.get(want); !ok || !p.placeholder {
		return st, nil
	}
	return l.readInto(ctx, commit, want)
}

// provisionalBase is the provisional model of commit before any page was
// read: one pass over the tree.
func (l *Loader) provisionalBase(ctx context.Context, commit store.Hash) (*Site, error) {
	tree, err := l.repo.Tree(ctx, commit)
	if err != nil {
		return nil, err
	}
	changes := make([]store.EntryChange, 0, tree.Len())
	for _, e := range tree.Entries() {
		changes = append(changes, store.EntryChange{Path: e.Path, New: e})
	}
	empty := emptySite(l)
	empty.provisional = true
	return l.derive(ctx, commit, empty, changes)
}

// readInto reads want's blob into the current provisional model of
// commit, as the derivation of an edit that changed only want would: its
// title, front matter, language and tags are then the page's own.
// Readings are made one at a time, each on the last one's model, so none
// is lost.
func (l *Loader) readInto(ctx context.Context, commit store.Hash, want wikipath.Page) (*Site, error) {
	l.prov.readMu.Lock()
	defer l.prov.readMu.Unlock()
	cur := l.prov.cur.Load()
	if cur == nil || cur.Commit != commit {
		// A full model was loaded meanwhile, which dropped the provisional one.
		if st, ok := l.Loaded(commit); ok {
			return st, nil
		}
		return l.Provisional(ctx, commit, "")
	}
	p, ok := cur.pages.get(want)
	if !ok || !p.placeholder {
		return cur, nil
	}
	e, _ := cur.files.get(p.File)
	next, err := l.derive(context.WithoutCancel(ctx), commit, cur, []store.EntryChange{{Path: l.RepoPath(p.File), Old: e, New: e}})
	if err != nil {
		return nil, err
	}
	l.prov.cur.CompareAndSwap(cur, next)
	return next, nil
}

// sameRead reports whether p, a provisional model's page, was read (or
// found in the facts cache) from file and blob: the full model then takes
// it as it is, as a derivation takes an unchanged page from the previous
// model (pages are immutable), instead of reading and summarizing it
// again: the pages readers asked for on a first start, every page on a
// restart (there the gain is small: BenchmarkLoadRepo/cached-both, the
// full model's cost is resolving links).
func sameRead(p *Page, file string, blob store.Hash) bool {
	return p != nil && !p.placeholder && p.File == file && p.Blob == blob
}

// dropProvisional lets the provisional model go: a full model is loaded.
func (l *Loader) dropProvisional() { l.prov.cur.Store(nil) }

// placeholderSummary is what a provisional model knows of a page it has
// not read: nothing but its name (settle titles it from that).
func placeholderSummary() *render.Summary { return &render.Summary{} }
