package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

const (
	batchDocs  = 500     // pages per bleve batch; Sync checks ctx between batches
	batchBytes = 8 << 20 // text per batch
	idPrefix   = "/"     // bleve refuses an empty id, and "" is the home page
)

// SyncStats says what one Sync did.
type SyncStats struct {
	From, To         store.Hash
	Full             bool // every page was indexed again
	Indexed, Removed int
	Elapsed          time.Duration
}

// Sync brings the index to commit head of loader's branch. From the commit
// the index records, it diffs the two trees and indexes again only the
// pages that changed; from nothing (or when the recorded commit cannot be
// compared), it indexes every page. It is safe to call from a background
// goroutine after every change to main; calls are serialised, and a call
// for the commit already indexed returns at once. When ctx ends midway,
// the index keeps serving what it had, and the next Sync redoes the work.
func (ix *Index) Sync(ctx context.Context, loader *site.Loader, head store.Hash) error {
	ix.wanted.Store(&head)
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	if latest := *ix.wanted.Load(); latest != head {
		// A newer commit was asked for while this call waited: indexing
		// head would only be undone.
		return nil
	}
	start := time.Now()
	st, err := loader.At(ctx, head)
	if err == nil {
		var stats SyncStats
		stats, err = ix.syncSite(ctx, st)
		stats.Elapsed = time.Since(start)
		if err == nil {
			ix.lastSync.Store(&stats)
		}
	}
	if err != nil {
		err = fmt.Errorf("search sync: %w", err)
		ix.syncErr.Store(&errorValue{err})
		return err
	}
	ix.syncErr.Store(nil)
	return nil
}

// LastSync reports what the last successful Sync did, for benchmarks and
// the log.
func (ix *Index) LastSync() (SyncStats, bool) {
	s := ix.lastSync.Load()
	if s == nil {
		return SyncStats{}, false
	}
	return *s, true
}

func (ix *Index) syncSite(ctx context.Context, st *site.Site) (SyncStats, error) {
	if ix.damaged.Load() {
		if err := ix.reset(); err != nil {
			return SyncStats{}, err
		}
	}
	from := *ix.indexed.Load()
	stats := SyncStats{From: from, To: st.Commit}
	if from == st.Commit {
		ix.site.Store(st)
		return stats, nil
	}
	names, full, err := ix.changedPages(ctx, st, from)
	if err != nil {
		return stats, err
	}
	stats.Full = full
	var stale []string
	if full {
		if stale, err = ix.ids(); err != nil {
			return stats, err
		}
	}
	err = ix.reader(func(b bleve.Index) error {
		return ix.apply(ctx, b, st, names, stale, &stats)
	})
	if err != nil {
		return stats, err
	}
	ix.indexed.Store(&stats.To)
	ix.site.Store(st)
	ix.present.Store(ix.familiesPresent(ctx))
	if full {
		// Segments are merged on disk: wait for them to get there.
		ix.persisted.wait(persistWait)
		ix.compact(ctx)
	}
	return stats, nil
}

// compact merges the segments a full build leaves into one: queries read
// one segment's dictionaries instead of several. It is an optimisation; a
// failure is only logged.
func (ix *Index) compact(ctx context.Context) {
	err := ix.reader(func(b bleve.Index) error {
		adv, err := b.Advanced()
		if err != nil {
			return err
		}
		if s, ok := adv.(*scorch.Scorch); ok {
			return s.ForceMerge(ctx, nil)
		}
		return nil
	})
	if err != nil && ctx.Err() == nil {
		ix.log.Warn("search index: merging segments", "err", err)
	}
}

// segments is how many segments the index has, for tests and benchmarks.
func (ix *Index) segments() int {
	n := -1
	_ = ix.reader(func(b bleve.Index) error {
		if v, ok := b.StatsMap()["index"].(map[string]interface{})["num_root_filesegments"].(uint64); ok {
			n = int(v)
		}
		return nil
	})
	return n
}

// changedPages lists the pages to index again or remove between the
// indexed commit and st: all of them when there is no usable diff, or when
// wiki.yaml changed the site language or the language folders, which most
// pages inherit.
func (ix *Index) changedPages(ctx context.Context, st *site.Site, from store.Hash) (names []wikipath.Page, full bool, err error) {
	all := func() ([]wikipath.Page, bool, error) {
		for _, p := range st.Pages() {
			names = append(names, p.Name)
		}
		return names, true, nil
	}
	if from.IsZero() {
		return all()
	}
	var siteLang []byte
	_ = ix.reader(func(b bleve.Index) error {
		siteLang, _ = b.GetInternal(keySiteLang)
		return nil
	})
	if string(siteLang) != languages(st) {
		return all()
	}
	loader := st.Loader()
	changes, err := loader.Repo().DiffCommits(ctx, from, st.Commit)
	if err != nil {
		if ctx.Err() != nil {
			return nil, false, err
		}
		ix.log.Warn("search index: cannot diff from the indexed commit; indexing every page", "from", from.Short(), "err", err)
		return all()
	}
	seen := map[wikipath.Page]bool{}
	prefix := ""
	if loader.Dir() != "" {
		prefix = loader.Dir() + "/"
	}
	for _, c := range changes {
		rel, ok := strings.CutPrefix(c.Path, prefix)
		if !ok {
			continue
		}
		name, ok := wikipath.FromFile(rel)
		if ok && !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, false, nil
}

// languages is what pages' languages depend on besides their own front
// matter and place: the site language and the language folders. When it
// changes, every page is indexed again.
func languages(st *site.Site) string {
	var b strings.Builder
	b.WriteString(st.Settings.Language)
	for _, l := range st.Languages() {
		fmt.Fprintf(&b, "\x00%s=%s", l.Code, l.Folder)
	}
	return b.String()
}

// ids lists every document id in the index.
func (ix *Index) ids() ([]string, error) {
	var out []string
	err := ix.reader(func(b bleve.Index) error {
		n, err := b.DocCount()
		if err != nil || n == 0 {
			return err
		}
		req := bleve.NewSearchRequestOptions(query.NewMatchAllQuery(), int(n), 0, false)
		req.SortBy([]string{"_id"})
		res, err := b.Search(req)
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		return nil
	})
	return out, err
}

// apply indexes or removes each named page as st has it, and removes stale
// ids, in batches; the last batch records st's commit.
func (ix *Index) apply(ctx context.Context, b bleve.Index, st *site.Site, names []wikipath.Page, stale []string, stats *SyncStats) error {
	keep := make(map[string]bool, len(names))
	batch := b.NewBatch()
	size := 0
	flush := func(last bool) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		persisted := func(error) {}
		if last {
			batch.SetInternal(keySchema, []byte(schemaVersion))
			batch.SetInternal(keyCommit, st.Commit[:])
			batch.SetInternal(keySiteLang, []byte(languages(st)))
			persisted = ix.persisted.add()
			batch.SetPersistedCallback(persisted)
		}
		if err := b.Batch(batch); err != nil {
			persisted(err)
			return err
		}
		// A new batch, not Reset: scorch keeps the old one's internal
		// values until they reach the disk.
		batch = b.NewBatch()
		size = 0
		return nil
	}
	for _, name := range names {
		id := idPrefix + string(name)
		p, ok := st.Page(name)
		if !ok || !Indexed(p) {
			batch.Delete(id)
			stats.Removed++
			continue
		}
		d, err := DocOf(ctx, st, p)
		if err != nil {
			return fmt.Errorf("page %s: %w", p.File, err)
		}
		keep[id] = true
		if err := batch.Index(id, ix.an.fields(d)); err != nil {
			return fmt.Errorf("page %s: %w", p.File, err)
		}
		stats.Indexed++
		size += len(d.Text)
		if batch.Size() >= batchDocs || size >= batchBytes {
			if err := flush(false); err != nil {
				return err
			}
		}
	}
	for _, id := range stale {
		if !keep[id] {
			batch.Delete(id)
			stats.Removed++
		}
	}
	return flush(true)
}

// fields is what bleve indexes and stores for one page.
func (a *analyzers) fields(d Doc) map[string]interface{} {
	fam := familyOf(d.Lang)
	key := a.titleKey(d.Title)
	m := map[string]interface{}{
		titleField(fam): d.Title,
		bodyField(fam):  d.Text,
		pairField(fam):  d.Text,
		fieldTitleKey:   key,
		fieldTitleFold:  d.Title,
		fieldSort:       key + "\x00" + string(d.Page),
		fieldLang:       baseLang(d.Lang),
		fieldFamily:     fam,
		storedTitle:     d.Title,
		storedText:      cut(d.Text, maxStoredText),
		storedLang:      d.Lang,
	}
	if labels := slices.Concat(d.Headings, d.Tags); len(labels) > 0 {
		m[headField(fam)] = strings.Join(labels, "\n")
	}
	if f := folders(d.Page); len(f) > 0 {
		m[fieldFolder] = f
	}
	if len(d.Tags) > 0 {
		tags := make([]string, len(d.Tags))
		for i, t := range d.Tags {
			tags[i] = foldString(t)
		}
		m[fieldTag] = tags
	}
	return m
}

// familiesPresent lists the families that have pages, which every query is
// analysed in.
func (ix *Index) familiesPresent(ctx context.Context) *[]string {
	var out []string
	_ = ix.reader(func(b bleve.Index) error {
		for _, f := range families {
			req := bleve.NewSearchRequestOptions(termQuery(fieldFamily, f.code, 0), 0, 0, false)
			res, err := b.SearchInContext(ctx, req)
			if err == nil && res.Total > 0 {
				out = append(out, f.code)
			}
		}
		return nil
	})
	return &out
}
