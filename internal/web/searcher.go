package web

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gitwiki/gitwiki/internal/search"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
)

// searcher keeps the persistent search index in step with the served
// branch: it opens the index off the listening path, and re-indexes what
// changed whenever the head moves (a web edit kicks it; a push or a commit
// on disk is seen within a second).
type searcher struct {
	dir, tmp string
	log      *slog.Logger

	mu sync.Mutex
	ix *search.Index // nil until open

	// state is how far the index is: searchStarting until it has caught
	// up with the head once, then searchReady (or searchUnavailable).
	state atomic.Value // of string

	kick   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// The states of the index, as /-/health reports them: an operator (and
// bench/run.sh) can tell a server still building its index, which takes
// the cores for a while on a first start, from one that is done.
const (
	searchStarting    = "starting"
	searchReady       = "ready"
	searchUnavailable = "unavailable" // titles only: the index could not be opened
)

// status is the index's state, one of the constants above.
func (s *searcher) status() string {
	if v, ok := s.state.Load().(string); ok {
		return v
	}
	return searchStarting
}

// pollHead is how often the searcher looks whether the head moved behind
// the server's back; looking is a stat of the ref files. After a web edit
// it looks once writes pause (settle).
const pollHead = time.Second

func newSearcher(dir, dataDir string, log *slog.Logger) *searcher {
	s := &searcher{dir: dir, log: log, kick: make(chan struct{}, 1)}
	if s.dir == "" && dataDir != "" {
		s.dir = filepath.Join(dataDir, "search")
	}
	return s
}

// index is the open index, nil while it is being opened.
func (s *searcher) index() *search.Index {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ix
}

// start opens the index and keeps it in step, until close.
func (s *searcher) start(loader *site.Loader) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel, s.done = cancel, make(chan struct{})
	go s.run(ctx, loader)
}

// changed asks for the index to catch up now.
func (s *searcher) changed() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *searcher) run(ctx context.Context, loader *site.Loader) {
	defer close(s.done)
	dir := s.dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "gitwiki-search-")
		if err != nil {
			s.log.Warn("search index", "err", err)
			return
		}
		dir, s.tmp = tmp, tmp
	}
	ix, err := search.Open(dir, search.Options{Logger: s.log})
	if err != nil {
		s.log.Warn("search index: searching titles only", "dir", dir, "err", err)
		s.state.Store(searchUnavailable)
		return
	}
	s.mu.Lock()
	s.ix = ix
	s.mu.Unlock()
	t := time.NewTicker(pollHead)
	defer t.Stop()
	var synced store.Hash
	for {
		if head, err := loader.HeadCommit(ctx); err == nil && head != synced {
			if err := ix.Sync(ctx, loader, head); err == nil {
				synced = head
				s.state.Store(searchReady)
			} else if ctx.Err() == nil && !errors.Is(err, context.Canceled) {
				s.log.Warn("search index", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kick:
			s.settle(ctx)
		}
	}
}

// writesSettle is how long the index waits after a write for the next one,
// and settleMax how long at most: a burst of edits is indexed once, and
// indexing (a new segment each time) does not take the cores from the
// edits themselves.
const (
	writesSettle = 200 * time.Millisecond
	settleMax    = 2 * time.Second
)

// settle waits until writes pause, or settleMax has passed.
func (s *searcher) settle(ctx context.Context) {
	end := time.Now().Add(settleMax)
	t := time.NewTimer(writesSettle)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			return
		case <-s.kick:
			t.Reset(min(writesSettle, max(time.Until(end), 0)))
		}
	}
}

// close stops the upkeep, without waiting for a build (Sync gives up when
// cancelled), then closes the index.
func (s *searcher) close() error {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	var err error
	if ix := s.index(); ix != nil {
		err = ix.Close()
	}
	if s.tmp != "" {
		os.RemoveAll(s.tmp)
	}
	return err
}
