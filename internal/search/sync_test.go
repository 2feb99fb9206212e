package search

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// TestIncremental: edits, moves, deletions and commits made outside the
// server (a push) are followed, re-indexing only what changed.
func TestIncremental(t *testing.T) {
	t.Parallel()
	w := newWiki(t, fixtureWiki)
	w.sync()
	if s, _ := w.ix.LastSync(); !s.Full || s.Indexed != 23 {
		t.Fatalf("first sync = %+v, want a full build of 23 pages", s)
	}
	if n := w.ix.segments(); n != 1 {
		t.Errorf("after a full build: %d segments, want 1", n)
	}
	steps := []struct {
		name    string
		writes  map[string]*string
		indexed int               // pages indexed again
		finds   map[string]string // query → page that must be found
		misses  []string          // queries that must find nothing
	}{
		{
			name:    "edit",
			writes:  map[string]*string{"Guides/Backups.md": ptr("# Backups\nKeep three copies, one offsite, of everything.\n")},
			indexed: 1,
			finds:   map[string]string{"offsite": "Guides/Backups"},
			misses:  []string{"ransomware"},
		},
		{
			name: "move",
			writes: map[string]*string{
				"Guides/Phishing.md":          nil,
				"Guides/Accounts/Phishing.md": ptr("---\ntitle: Recognising phishing\ntags: [accounts]\n---\nPhishing messages imitate a service to steal your password.\n"),
			},
			indexed: 1,
			finds:   map[string]string{"phishing in:guides/accounts": "Guides/Accounts/Phishing"},
		},
		{
			name:   "delete",
			writes: map[string]*string{"Guides/Travel.md": nil},
			misses: []string{"borders", "travl"},
		},
		{
			name:    "new page in a new language",
			writes:  map[string]*string{"de/passwort.md": ptr("---\nlang: de\n---\n# Passwörter\nStarke Passwörter schützen Konten.\n")},
			indexed: 1,
			finds:   map[string]string{"passwort": "de/passwort", "konto": "de/passwort"},
		},
		{
			name:    "several pages at once, as a push",
			writes:  map[string]*string{"es/copias.md": ptr("# Copias\nUna copia externa.\n"), "fr/sauvegardes.md": nil, "Guides/New.md": ptr("# Brand new\nzebra\n")},
			indexed: 2,
			finds:   map[string]string{"zebra": "Guides/New", "externa": "es/copias"},
			misses:  []string{"sauvegarde"},
		},
		{
			name:    "a language folder declared",
			writes:  map[string]*string{"wiki.yaml": ptr("title: Fixture\nlanguage: en\nlanguages: [en, es, fr, pt]\n"), "pt/senhas.md": ptr("# Senhas\nAs senhas seguras.\n")},
			indexed: -1, // every page
			finds:   map[string]string{"senha ": "pt/senhas"},
		},
		{
			name:   "attachment only",
			writes: map[string]*string{"Guides/diagram.txt": ptr("not a page")},
		},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			w.commit(st.writes)
			w.sync()
			s, _ := w.ix.LastSync()
			switch {
			case st.indexed < 0 && !s.Full:
				t.Errorf("sync = %+v, want a full build", s)
			case st.indexed >= 0 && (s.Full || s.Indexed != st.indexed || s.To != w.head()):
				t.Errorf("sync = %+v, want %d pages indexed again, not a full build", s, st.indexed)
			}
			for q, page := range st.finds {
				if got := names(w.search(q)); !slices.Contains(got, page) {
					t.Errorf("Search(%q) = %q, want %s", q, got, page)
				}
			}
			for _, q := range st.misses {
				if r := w.search(q); r.Total != 0 {
					t.Errorf("Search(%q) = %q, want nothing", q, names(r))
				}
			}
		})
	}
	if got := names(w.search("phishing")); slices.Contains(got, "Guides/Phishing") {
		t.Errorf("the moved page is still found at its old name: %q", got)
	}

	// The index survives a restart and catches up from its commit.
	w.ix.Close()
	w.commit(map[string]*string{"Guides/Later.md": ptr("# Later\nquokka\n")})
	w.open()
	if !w.ix.Ready() || w.ix.State().Rebuilt {
		t.Fatalf("reopened index: %+v, want ready without a rebuild", w.ix.State())
	}
	if r := w.search("zebra"); r.Total != 1 {
		t.Errorf("after reopening, zebra: %q", names(r))
	}
	w.sync()
	if s, _ := w.ix.LastSync(); s.Full || s.Indexed != 1 {
		t.Errorf("sync after restart = %+v, want one page", s)
	}
	if r := w.search("quokka"); r.Total != 1 {
		t.Errorf("after catching up, quokka: %q", names(r))
	}
}

// TestSiteLanguage: a new site language is every inheriting page's, so it
// re-indexes them all.
func TestSiteLanguage(t *testing.T) {
	t.Parallel()
	w := newWiki(t, map[string]string{
		"wiki.yaml": "title: T\nlanguage: en\n",
		"Notes.md":  "# Notes\nLas perras duermen.\n",
		"Dog.md":    "# Dog\nUn perro.\n",
	})
	w.sync()
	// The Spanish stemmer conflates "perro" and "perras"; the English one
	// does not.
	if got := names(w.search("perro ")); !slices.Equal(got, []string{"Dog"}) {
		t.Fatalf("English pages: %q, want Dog only", got)
	}
	w.commit(map[string]*string{"wiki.yaml": ptr("title: T\nlanguage: es\n")})
	w.sync()
	if s, _ := w.ix.LastSync(); !s.Full {
		t.Errorf("sync after a language change = %+v, want a full build", s)
	}
	r := w.search("perro ")
	if r.Total != 2 || r.Hits[0].Lang != "es" {
		t.Errorf("after the language change: %+v", r.Hits)
	}
}

// TestCorruption: a damaged index folder is rebuilt by Open, and the index
// serves again after a Sync.
func TestCorruption(t *testing.T) {
	t.Parallel()
	damage := map[string]func(path string, size int64){
		"truncate half": func(p string, n int64) { os.Truncate(p, n/2) },
		"truncate all":  func(p string, n int64) { os.Truncate(p, 0) },
		"garbage":       func(p string, n int64) { os.WriteFile(p, []byte("not an index"), 0o600) },
	}
	for name, fn := range damage {
		for _, which := range []string{".zap", ".bolt", ".json"} {
			t.Run(name+" "+which, func(t *testing.T) {
				w := newWiki(t, map[string]string{"a.md": "# Alpha\nquokka\n", "b.md": "# Beta\nwombat\n"})
				w.sync()
				w.ix.Close()
				n := 0
				filepath.Walk(w.dir, func(p string, info os.FileInfo, err error) error {
					if err == nil && !info.IsDir() && filepath.Ext(p) == which {
						fn(p, info.Size())
						n++
					}
					return nil
				})
				if n == 0 {
					t.Fatalf("no %s file in %s", which, w.dir)
				}
				w.open()
				// Damage the index does not depend on (a bolt file's unused
				// pages) may leave it whole; otherwise it is rebuilt.
				st := w.ix.State()
				if st.Rebuilt == st.Ready {
					t.Fatalf("state after damage: %+v, want rebuilt and not ready, or whole", st)
				}
				if _, err := w.ix.Search(ctx, Query{Text: "quokka"}); st.Rebuilt && !errors.Is(err, ErrNotReady) {
					t.Errorf("Search before the rebuild: %v, want ErrNotReady", err)
				}
				w.sync()
				if r := w.search("quokka"); r.Total != 1 {
					t.Errorf("after the rebuild: %q", names(r))
				}
			})
		}
	}
}

// TestSchemaChange: an index of another schema version is rebuilt.
func TestSchemaChange(t *testing.T) {
	t.Parallel()
	w := newWiki(t, map[string]string{"a.md": "# Alpha\nquokka\n"})
	w.sync()
	b := w.ix.bleve.NewBatch()
	b.SetInternal(keySchema, []byte("gitwiki-search-0"))
	b.SetPersistedCallback(w.ix.persisted.add())
	if err := w.ix.bleve.Batch(b); err != nil {
		t.Fatal(err)
	}
	w.ix.Close()
	w.open()
	if st := w.ix.State(); !st.Rebuilt {
		t.Errorf("old schema not rebuilt: %+v", st)
	}
}

// TestLocked: a second Open of a folder in use fails instead of waiting or
// wiping it.
func TestLocked(t *testing.T) {
	t.Parallel()
	w := newWiki(t, map[string]string{"a.md": "# Alpha\nquokka\n"})
	w.sync()
	if _, err := Open(w.dir, Options{LockWait: 50 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if r := w.search("quokka"); r.Total != 1 {
		t.Errorf("the first index lost its pages: %q", names(r))
	}
}

// TestSyncCancel: a cancelled Sync keeps the index serving, and the next
// one finishes the work.
func TestSyncCancel(t *testing.T) {
	t.Parallel()
	w := newWiki(t, fixtureWiki)
	w.sync()
	w.commit(map[string]*string{"Guides/New.md": ptr("# New\nzebra\n")})
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := w.ix.Sync(cctx, w.loader, w.head()); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Sync: %v", err)
	}
	if st := w.ix.State(); !st.Ready || !st.CatchingUp || st.Err == nil {
		t.Errorf("state after a cancelled Sync: %+v, want ready, catching up, with the error", st)
	}
	if r := w.search("password"); r.Total != 5 {
		t.Errorf("after a cancelled Sync: %d results", r.Total)
	}
	w.sync()
	if st := w.ix.State(); st.CatchingUp || st.Err != nil {
		t.Errorf("state after Sync: %+v", st)
	}
	if r := w.search("zebra"); r.Total != 1 {
		t.Errorf("zebra: %q", names(r))
	}
}

// TestConcurrent: searches run while syncs follow commits, from several
// goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	t.Parallel()
	w := newWiki(t, fixtureWiki)
	w.sync()
	cctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for cctx.Err() == nil {
				r, err := w.ix.Search(cctx, Query{Text: "password"})
				if err != nil && cctx.Err() == nil {
					t.Errorf("Search: %v", err)
					return
				}
				if err == nil && r.Total < 5 {
					t.Errorf("Search during syncs: %d results", r.Total)
					return
				}
				if _, err := w.ix.Suggest(cctx, "pass", 5); err != nil && cctx.Err() == nil {
					t.Errorf("Suggest: %v", err)
					return
				}
			}
		})
	}
	for i := range 6 {
		w.commit(map[string]*string{"Guides/Churn.md": ptr("# Churn\npassword " + string(rune('a'+i)) + "\n")})
		var sw sync.WaitGroup
		for range 2 { // two callers for the same head: serialised
			sw.Go(func() {
				if err := w.ix.Sync(ctx, w.loader, w.head()); err != nil {
					t.Errorf("Sync: %v", err)
				}
			})
		}
		sw.Wait()
	}
	cancel()
	wg.Wait()
	if r := w.search("password"); r.Total != 6 {
		t.Errorf("after the syncs: %d results, want 6", r.Total)
	}
}

func TestClose(t *testing.T) {
	t.Parallel()
	w := newWiki(t, map[string]string{"a.md": "# A\nalpha\n"})
	w.sync()
	if err := w.ix.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := w.ix.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := w.ix.Search(ctx, Query{Text: "alpha"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Search after Close: %v, want ErrClosed", err)
	}
	if err := w.ix.Sync(ctx, w.loader, w.head()); err != nil && !errors.Is(err, ErrClosed) {
		t.Errorf("Sync after Close: %v, want nil or ErrClosed", err)
	}
}

// TestDamagedWhileOpen: a read that panics on a damaged index is an error,
// and the next Sync builds the index again.
func TestDamagedWhileOpen(t *testing.T) {
	t.Parallel()
	w := newWiki(t, map[string]string{"a.md": "# Alpha\nquokka\n"})
	w.sync()
	err := w.ix.reader(func(bleve.Index) error { panic("damaged segment") })
	if !errors.Is(err, ErrDamaged) {
		t.Fatalf("reader: %v, want ErrDamaged", err)
	}
	w.sync()
	if st := w.ix.State(); !st.Ready || !st.Rebuilt {
		t.Errorf("state after the rebuild: %+v", st)
	}
	if r := w.search("quokka"); r.Total != 1 {
		t.Errorf("after the rebuild: %q", names(r))
	}
}
