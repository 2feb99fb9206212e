// Package search is the full-text index of the wiki's pages at one commit.
//
// It is a cache: callers hand it the pages (it knows nothing of git) and can rebuild
// it from scratch at any time. Matching folds case and accents, so "informacion"
// finds "información", and English and Spanish pages are also matched by stem.
package search

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Doc is one page as the index sees it.
type Doc struct {
	Page    string // page name, e.g. "Facilitation/Mapping-information-assets"; "" is the home page
	Version string // blob id of the page's source; an unchanged, non-empty Version is not re-indexed
	Title   string
	Text    string // plain text of the body
	Tags    []string
	Lang    string
}

// Hit is one search result.
type Hit struct {
	Page    string
	Title   string
	Snippet template.HTML // escaped text around the best match, matches in <mark>
	Score   float64
}

const (
	defaultLimit = 20
	maxLimit     = 1000
	batchSize    = 500 // docs per bleve batch; Sync checks ctx between batches
	idPrefix     = "/" // bleve refuses an empty id, and "" is the home page
	// compactAfter bounds the batches an index takes before it is rebuilt. An
	// in-memory scorch index never merges its segments, so each Sync adds one, and
	// searches slow down and replaced pages keep their memory until a rebuild.
	compactAfter = 50
)

// ErrClosed is returned by an Index used after Close.
var ErrClosed = errors.New("search index closed")

// Index is safe for concurrent use; Searches run during a Sync.
type Index struct {
	mapping  *mapping.IndexMappingImpl
	fold     analysis.Analyzer
	stemmers map[string]stemmer

	mu     sync.RWMutex // guards bleve: Searches hold it to read, a rebuild to swap
	bleve  bleve.Index
	closed bool

	syncMu       sync.Mutex // one Sync at a time; guards batches and compactAfter
	batches      int        // batches since bleve was built
	compactAfter int
	// docs is replaced, never modified, after each batch reaches bleve, so a Search
	// reads a consistent map without locking.
	docs atomic.Pointer[map[string]entry]
}

// entry keeps what snippets and rebuilds need, so bleve stores no field.
type entry struct {
	doc  Doc // cleaned
	lang string
}

// New returns an empty in-memory index.
func New() (*Index, error) {
	im, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("search mapping: %w", err)
	}
	ix := &Index{
		mapping:      im,
		stemmers:     map[string]stemmer{"en": stemmerFor("en"), "es": stemmerFor("es")},
		compactAfter: compactAfter,
	}
	if ix.bleve, err = ix.newBleve(); err != nil {
		return nil, err
	}
	if ix.fold = ix.bleve.Mapping().AnalyzerNamed(foldAnalyzer); ix.fold == nil {
		ix.bleve.Close()
		return nil, errors.New("search index: fold analyzer missing")
	}
	ix.docs.Store(&map[string]entry{})
	return ix, nil
}

// newBleve opens an empty index. Scorch with no path lives in memory; it indexes
// several times faster than bleve.NewMemOnly's upsidedown store.
func (ix *Index) newBleve() (bleve.Index, error) {
	b, err := bleve.NewUsing("", ix.mapping, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	return b, nil
}

// Close releases the index; it cannot be used afterwards.
func (ix *Index) Close() error {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	return ix.bleve.Close()
}

func (ix *Index) current() (bleve.Index, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	return ix.bleve, nil
}

type op struct {
	doc    Doc
	delete bool
	isNew  bool
}

// Sync makes the index hold exactly docs: it indexes pages that are new or whose
// Version changed, and deletes pages that are absent. When ctx ends or bleve fails
// midway, the counts say what was done and the index stays usable; the next Sync
// finishes the job.
func (ix *Index) Sync(ctx context.Context, docs []Doc) (added, updated, removed int, err error) {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	b, err := ix.current()
	if err != nil {
		return 0, 0, 0, fmt.Errorf("search sync: %w", err)
	}

	cur := *ix.docs.Load()
	seen := make(map[string]bool, len(docs))
	var ops []op
	for _, d := range docs {
		if seen[d.Page] {
			return 0, 0, 0, fmt.Errorf("search sync: page %q given twice", d.Page)
		}
		seen[d.Page] = true
		old, ok := cur[d.Page]
		if ok && d.Version != "" && old.doc.Version == d.Version {
			continue
		}
		ops = append(ops, op{doc: clean(d), isNew: !ok})
	}
	for page := range cur {
		if !seen[page] {
			ops = append(ops, op{doc: Doc{Page: page}, delete: true})
		}
	}

	for len(ops) > 0 {
		if err := ctx.Err(); err != nil {
			return added, updated, removed, fmt.Errorf("search sync: %w", err)
		}
		n := min(batchSize, len(ops))
		chunk := ops[:n]
		ops = ops[n:]

		batch := b.NewBatch()
		for _, o := range chunk {
			if o.delete {
				batch.Delete(idPrefix + o.doc.Page)
			} else if err := batch.Index(idPrefix+o.doc.Page, fields(o.doc)); err != nil {
				return added, updated, removed, fmt.Errorf("search sync: index %q: %w", o.doc.Page, err)
			}
		}
		if err := b.Batch(batch); err != nil {
			return added, updated, removed, fmt.Errorf("search sync: %w", err)
		}
		ix.batches++

		next := maps.Clone(cur)
		for _, o := range chunk {
			switch {
			case o.delete:
				delete(next, o.doc.Page)
				removed++
			default:
				next[o.doc.Page] = entry{doc: o.doc, lang: langOf(o.doc.Lang)}
				if o.isNew {
					added++
				} else {
					updated++
				}
			}
		}
		ix.docs.Store(&next)
		cur = next
	}

	if ix.batches > ix.compactAfter {
		if err := ix.rebuild(ctx, cur); err != nil {
			return added, updated, removed, fmt.Errorf("search compact: %w", err)
		}
	}
	return added, updated, removed, nil
}

// rebuild indexes docs afresh and swaps the new index in, leaving the old one
// serving Searches until then. Called with syncMu held.
func (ix *Index) rebuild(ctx context.Context, docs map[string]entry) error {
	nb, err := ix.newBleve()
	if err != nil {
		return err
	}
	batch, batches := nb.NewBatch(), 0
	flush := func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		batches++
		err := nb.Batch(batch)
		batch.Reset()
		return err
	}
	for page, e := range docs {
		if err := batch.Index(idPrefix+page, fields(e.doc)); err != nil {
			nb.Close()
			return err
		}
		if batch.Size() >= batchSize {
			if err := flush(); err != nil {
				nb.Close()
				return err
			}
		}
	}
	if batch.Size() > 0 {
		if err := flush(); err != nil {
			nb.Close()
			return err
		}
	}

	ix.mu.Lock()
	old := ix.bleve
	ix.bleve = nb
	ix.mu.Unlock()
	ix.batches = batches
	return old.Close()
}

// clean makes a doc's text valid UTF-8, so snippets are too.
func clean(d Doc) Doc {
	d.Title = strings.ToValidUTF8(d.Title, "\uFFFD")
	d.Text = strings.ToValidUTF8(d.Text, "\uFFFD")
	if d.Tags != nil {
		tags := make([]string, len(d.Tags))
		for i, t := range d.Tags {
			tags[i] = strings.ToValidUTF8(t, "\uFFFD")
		}
		d.Tags = tags
	}
	return d
}

// Search returns up to limit hits for q, best first, and how many pages matched.
// All words must match; when no page has them all, any word may. An empty query
// finds nothing; a query that cannot be searched wraps ErrBadQuery.
func (ix *Index) Search(ctx context.Context, q string, limit int) ([]Hit, int, error) {
	pq, err := parseQuery(q, ix.fold)
	if err != nil || pq.empty() {
		return nil, 0, err
	}
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)

	res, err := ix.run(ctx, pq, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}

	docs := *ix.docs.Load()
	m := ix.newMatcher(pq)
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		page := strings.TrimPrefix(h.ID, idPrefix)
		e, ok := docs[page]
		if !ok {
			continue // added to bleve by a Sync still under way
		}
		hits = append(hits, Hit{
			Page:    page,
			Title:   e.doc.Title,
			Snippet: ix.snippet(e, m),
			Score:   h.Score,
		})
	}
	return hits, int(res.Total), nil
}

// run asks bleve for pages with every word, then with any word if none has all.
func (ix *Index) run(ctx context.Context, pq parsedQuery, limit int) (*bleve.SearchResult, error) {
	ix.mu.RLock() // a rebuild must not close the index under the search
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, ErrClosed
	}
	search := func(q query.Query) (*bleve.SearchResult, error) {
		req := bleve.NewSearchRequestOptions(q, limit, 0, false)
		req.SortBy([]string{"-_score", "_id"})
		return ix.bleve.SearchInContext(ctx, req)
	}
	res, err := search(pq.query(true))
	if err == nil && res.Total == 0 && pq.clauses() > 1 {
		res, err = search(pq.query(false))
	}
	return res, err
}
