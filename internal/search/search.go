// Package search is the full-text index of the wiki's published pages, on
// disk, derived from one commit of main and caught up by tree diff.
//
// It is a cache: deleting its folder loses nothing, and Open rebuilds it
// when it is missing, corrupt or of an older schema. Analysis follows each
// page's language (see families): English, Spanish, French, Portuguese,
// German, Italian, Russian, Arabic and Farsi pages are stemmed and lose
// their stop words; every page is folded, so "informacion" finds
// "información". A query is analysed in every family the index holds.
//
// The same rules, as data, drive the offline search of the static export
// (ExportIndex and the theme's search.js). Queries are never logged.
package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
)

var (
	// ErrBadQuery is wrapped by errors about the query itself, which the
	// reader can fix; the error is a *QueryError saying what is wrong.
	ErrBadQuery = errors.New("bad search query")
	// ErrClosed is returned by an Index used after Close.
	ErrClosed = errors.New("search index closed")
	// ErrNotReady is returned by Search and Suggest before the index holds
	// any commit; TitleMatches answers meanwhile.
	ErrNotReady = errors.New("search index is being built")
	// ErrLocked is returned by Open when another process holds the index.
	ErrLocked = errors.New("search index is in use by another process")
	// ErrDamaged is returned when reading the index failed on a damaged
	// file; the next Sync rebuilds it.
	ErrDamaged = errors.New("search index damaged")
)

// Internal keys bleve stores with the index, in the same snapshot as the
// documents, so the recorded commit always describes what is indexed.
var (
	keySchema   = []byte("gitwiki.schema")
	keyCommit   = []byte("gitwiki.commit")
	keySiteLang = []byte("gitwiki.sitelang")
)

// Options tune an Index.
type Options struct {
	// Logger hears about rebuilds and failures, never about queries.
	Logger *slog.Logger
	// LockWait is how long Open waits for another process to release the
	// folder before failing with ErrLocked; 0 means 2 s.
	LockWait time.Duration
}

// Index is safe for concurrent use: Searches run while Sync indexes.
type Index struct {
	dir      string
	lockWait time.Duration
	log      *slog.Logger
	mapping  mapping.IndexMapping
	an       *analyzers

	mu     sync.RWMutex // guards bleve and closed; Close takes it to write
	bleve  bleve.Index
	closed bool

	syncMu sync.Mutex // one Sync at a time
	// indexed is the commit the index describes, zero until the first
	// complete build; wanted is the newest commit Sync was asked for.
	indexed, wanted atomic.Pointer[store.Hash]
	site            atomic.Pointer[site.Site]  // read model of indexed, once synced
	present         atomic.Pointer[[]string]   // families with pages
	rebuilt         atomic.Bool                // Open started from scratch
	damaged         atomic.Bool                // a read panicked: rebuild at the next Sync
	persisted       pending                    // batches applied but not yet on disk
	syncErr         atomic.Pointer[errorValue] // the last Sync's failure
	lastSync        atomic.Pointer[SyncStats]  // what the last Sync did
}

type errorValue struct{ err error }

// Open opens the index in dir, creating it, or rebuilding it from scratch
// when it is missing, unreadable, or of another schema version. The index
// may be behind: Sync catches it up.
func Open(dir string, opts Options) (*Index, error) {
	ix := &Index{dir: dir, log: opts.Logger}
	if ix.log == nil {
		ix.log = slog.Default()
	}
	var zero store.Hash
	ix.indexed.Store(&zero)
	ix.wanted.Store(&zero)
	ix.present.Store(&[]string{})

	wait := opts.LockWait
	if wait <= 0 {
		wait = 2 * time.Second
	}
	ix.lockWait = wait
	b, commit, err := openExisting(dir, wait)
	switch {
	case errors.Is(err, ErrLocked):
		return nil, err
	case err != nil:
		if !errors.Is(err, os.ErrNotExist) {
			ix.log.Warn("search index unusable, rebuilding it", "dir", dir, "err", err)
		}
		if b, err = create(dir, wait); err != nil {
			return nil, err
		}
		ix.rebuilt.Store(true)
	}
	ix.bleve = b
	ix.mapping = b.Mapping()
	if ix.an, err = newAnalyzers(ix.mapping.AnalyzerNamed); err != nil {
		b.Close()
		return nil, fmt.Errorf("search index: %w", err)
	}
	ix.indexed.Store(&commit)
	if !commit.IsZero() {
		ix.present.Store(ix.familiesPresent(context.Background()))
	}
	return ix, nil
}

// config is scorch's: a second process opening the folder fails after
// lockWait rather than waiting forever, and a batch returns once searches
// see it, without waiting for the disk: what reaches the disk is always a
// whole snapshot, with the commit it describes, so after a crash the index
// is only older, and Sync catches it up. Close waits for the disk.
func config(lockWait time.Duration) map[string]interface{} {
	return map[string]interface{}{"bolt_timeout": lockWait.String(), "unsafe_batch": true}
}

// persistWait bounds how long Close waits for the last batches to reach the
// disk.
const persistWait = 30 * time.Second

// openExisting opens the index in dir and checks it: its schema, its
// recorded commit, and that it can answer. A panic from a damaged file is
// an error like any other.
func openExisting(dir string, lockWait time.Duration) (b bleve.Index, commit store.Hash, err error) {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		return nil, commit, err
	}
	defer func() {
		if v := recover(); v != nil {
			if b != nil {
				closeQuietly(b)
				b = nil
			}
			err = fmt.Errorf("search index damaged: %v", v)
		}
	}()
	b, err = bleve.OpenUsing(dir, config(lockWait))
	if err != nil {
		if err.Error() == bolterrors.ErrTimeout.Error() {
			return nil, commit, fmt.Errorf("%w: %s", ErrLocked, dir)
		}
		return nil, commit, err
	}
	fail := func(err error) (bleve.Index, store.Hash, error) {
		closeQuietly(b)
		return nil, store.Hash{}, err
	}
	v, err := b.GetInternal(keySchema)
	if err != nil || string(v) != schemaVersion {
		return fail(fmt.Errorf("schema %q, want %q (%v)", v, schemaVersion, err))
	}
	c, err := b.GetInternal(keyCommit)
	if err != nil || len(c) != len(commit) {
		return fail(fmt.Errorf("no complete build recorded (%v)", err))
	}
	copy(commit[:], c)
	// Reading every stored document once finds a damaged segment now,
	// rather than at the first search.
	req := bleve.NewSearchRequestOptions(query.NewMatchAllQuery(), 1<<30, 0, false)
	req.Fields = []string{storedTitle}
	req.SortBy([]string{"_id"})
	res, err := b.Search(req)
	if err != nil {
		return fail(err)
	}
	n, err := b.DocCount()
	if err != nil || n != res.Total || uint64(len(res.Hits)) != n {
		return fail(fmt.Errorf("document count %d, found %d (%v)", n, len(res.Hits), err))
	}
	return b, commit, nil
}

func closeQuietly(b bleve.Index) {
	defer func() { _ = recover() }()
	_ = b.Close()
}

// create makes an empty index in dir, removing whatever was there.
func create(dir string, lockWait time.Duration) (bleve.Index, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o700); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	im, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("search mapping: %w", err)
	}
	b, err := bleve.NewUsing(dir, im, scorch.Name, scorch.Name, config(lockWait))
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	if err := b.SetInternal(keySchema, []byte(schemaVersion)); err != nil {
		b.Close()
		return nil, fmt.Errorf("search index: %w", err)
	}
	return b, nil
}

// Close releases the index; it cannot be used afterwards. A Sync under way
// is waited for.
func (ix *Index) Close() error {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	// Besides losing the last batches, closing scorch while it writes a
	// snapshot races inside bleve (its persister reads a map its
	// introducer is changing): every batch's persistence is awaited.
	ix.persisted.wait(persistWait)
	return ix.bleve.Close()
}

// pending counts batches not yet on disk.
type pending struct {
	mu   sync.Mutex
	n    int
	done chan struct{} // closed when n drops to 0
}

func (p *pending) add() func(error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n == 0 {
		p.done = make(chan struct{})
	}
	p.n++
	var once sync.Once
	return func(error) {
		once.Do(func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.n--; p.n == 0 {
				close(p.done)
			}
		})
	}
}

// wait waits until every batch is on disk, or d has passed.
func (p *pending) wait(d time.Duration) {
	p.mu.Lock()
	done := p.done
	n := p.n
	p.mu.Unlock()
	if n == 0 || done == nil {
		return
	}
	select {
	case <-done:
	case <-time.After(d):
	}
}

// reader runs fn with the bleve index, which Close cannot close meanwhile.
// A panic from a damaged file becomes ErrDamaged, and the next Sync builds
// the index again.
func (ix *Index) reader(fn func(bleve.Index) error) (err error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return ErrClosed
	}
	defer func() {
		if v := recover(); v != nil {
			ix.damaged.Store(true)
			err = fmt.Errorf("%w: %v", ErrDamaged, v)
		}
	}()
	return fn(ix.bleve)
}

// reset replaces a damaged index with an empty one, to be built again.
func (ix *Index) reset() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return ErrClosed
	}
	ix.log.Warn("search index damaged, rebuilding it", "dir", ix.dir)
	closeQuietly(ix.bleve)
	b, err := create(ix.dir, ix.lockWait)
	if err != nil {
		return err
	}
	ix.bleve = b
	var zero store.Hash
	ix.indexed.Store(&zero)
	ix.present.Store(&[]string{})
	ix.rebuilt.Store(true)
	ix.damaged.Store(false)
	return nil
}

// State says how far the index is.
type State struct {
	// Ready: the index holds a complete commit and answers searches.
	Ready bool
	// CatchingUp: Sync was asked for a newer commit than the one indexed
	// (or is building the first one).
	CatchingUp bool
	Indexed    store.Hash // zero before the first build
	// Rebuilt: the index was missing, damaged or outdated at Open.
	Rebuilt bool
	// Err is the last Sync's failure, nil when it succeeded.
	Err error
}

// State reports the index's progress, for health checks and the "catching
// up" notice.
func (ix *Index) State() State {
	indexed, wanted := *ix.indexed.Load(), *ix.wanted.Load()
	s := State{
		Ready:      !indexed.IsZero(),
		CatchingUp: indexed.IsZero() || (!wanted.IsZero() && wanted != indexed),
		Indexed:    indexed,
		Rebuilt:    ix.rebuilt.Load(),
	}
	if e := ix.syncErr.Load(); e != nil {
		s.Err = e.err
	}
	return s
}

// Ready reports whether Search answers: the index holds a complete commit,
// perhaps an older one than main's head.
func (ix *Index) Ready() bool { return !ix.indexed.Load().IsZero() }
