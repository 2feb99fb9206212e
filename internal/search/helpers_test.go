package search

import (
	"context"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
)

var ctx = context.Background()

// wiki is a real repository in a temporary folder, its loader, and an index.
type wiki struct {
	tb     testing.TB
	repo   *store.Repo
	loader *site.Loader
	ix     *Index
	dir    string // the index's folder
}

var sig = store.Signature{Name: "t", Email: "t@x", When: time.Unix(1700000000, 0)}

// newWiki commits files to a new bare repository and opens an index of it
// (not yet synced).
func newWiki(tb testing.TB, files map[string]string) *wiki {
	tb.Helper()
	m := fstest.MapFS{}
	for p, c := range files {
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	tmp := tb.TempDir()
	repo, err := store.Init(filepath.Join(tmp, "w.git"), "main", m, sig, "init")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { repo.Close() })
	l, err := site.NewLoader(repo, render.New(render.Config{}), "")
	if err != nil {
		tb.Fatal(err)
	}
	w := &wiki{tb: tb, repo: repo, loader: l, dir: filepath.Join(tmp, "search")}
	w.open()
	return w
}

func (w *wiki) open() {
	w.tb.Helper()
	ix, err := Open(w.dir, Options{})
	if err != nil {
		w.tb.Fatalf("Open: %v", err)
	}
	w.ix = ix
	w.tb.Cleanup(func() { ix.Close() })
}

func (w *wiki) head() store.Hash {
	w.tb.Helper()
	h, err := w.repo.Head(ctx)
	if err != nil {
		w.tb.Fatal(err)
	}
	return h
}

// sync brings the index to the head of main.
func (w *wiki) sync() {
	w.tb.Helper()
	if err := w.ix.Sync(ctx, w.loader, w.head()); err != nil {
		w.tb.Fatalf("Sync: %v", err)
	}
}

// commit applies writes to main (a nil content deletes the file).
func (w *wiki) commit(writes map[string]*string) store.Hash {
	w.tb.Helper()
	head := w.head()
	var fw []store.FileWrite
	for p, c := range writes {
		if c == nil {
			fw = append(fw, store.FileWrite{Path: p, Delete: true})
		} else {
			fw = append(fw, store.FileWrite{Path: p, Content: []byte(*c)})
		}
	}
	h, err := w.repo.WriteCommit(ctx, head, fw, store.CommitInfo{Author: sig, Committer: sig, Message: "change"})
	if err != nil {
		w.tb.Fatal(err)
	}
	if err := w.repo.UpdateRef(ctx, "refs/heads/main", h, head); err != nil {
		w.tb.Fatal(err)
	}
	return h
}

func ptr(s string) *string { return &s }

func (w *wiki) search(q string) *Results {
	w.tb.Helper()
	r, err := w.ix.Search(ctx, Query{Text: q})
	if err != nil {
		w.tb.Fatalf("Search(%q): %v", q, err)
	}
	return r
}

func names(r *Results) []string {
	out := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		out[i] = string(h.Page)
	}
	return out
}

// memIndex is an index of docs given directly, without a repository, for
// tests of analysis and snippets.
func memIndex(tb testing.TB, docs ...Doc) *Index {
	tb.Helper()
	ix, err := Open(filepath.Join(tb.TempDir(), "search"), Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	putDocs(tb, ix, docs...)
	return ix
}

// putDocs indexes docs and records a made-up commit, so the index is ready.
func putDocs(tb testing.TB, ix *Index, docs ...Doc) {
	tb.Helper()
	b := ix.bleve.NewBatch()
	for _, d := range docs {
		if err := b.Index(idPrefix+string(d.Page), ix.an.fields(clean(d))); err != nil {
			tb.Fatal(err)
		}
	}
	commit := store.Hash{1}
	b.SetInternal(keyCommit, commit[:])
	b.SetPersistedCallback(ix.persisted.add())
	if err := ix.bleve.Batch(b); err != nil {
		tb.Fatal(err)
	}
	ix.indexed.Store(&commit)
	ix.present.Store(ix.familiesPresent(ctx))
}

func mustSearch(tb testing.TB, ix *Index, q Query) *Results {
	tb.Helper()
	r, err := ix.Search(ctx, q)
	if err != nil {
		tb.Fatalf("Search(%+v): %v", q, err)
	}
	return r
}
