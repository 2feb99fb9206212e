package site

import (
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

var provWiki = map[string]string{
	"wiki.yaml":            "title: T\n",
	"index.md":             "# Home\n[[Guides/Backups]]\n",
	"Guides/Backups.md":    "---\ntags: [safety]\n---\n# Keeping copies\n[Home](../index.md) and [[Guides/Phones]]\n",
	"Guides/Phones.md":     "# Phones and SIMs\n[[Guides/Backups]]\n",
	"es/Guides/Backups.md": "# Copias\n",
}

// provLoader is a loader of a real repository holding files, with nothing
// loaded yet, and the files it has read and parsed.
func provLoader(t *testing.T, files map[string]string, cache string) (*Loader, store.Hash, func() []string) {
	t.Helper()
	m := fstest.MapFS{}
	for p, c := range files {
		m[p] = &fstest.MapFile{Data: []byte(c)}
	}
	dir := filepath.Join(t.TempDir(), "w.git")
	repo, err := store.Init(dir, "main", m, store.Signature{Name: "t", Email: "t@x", When: time.Now()}, "init")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	head, _ := repo.Head(ctx)
	l := newProvLoader(t, repo, cache)
	var mu sync.Mutex
	var read []string
	l.summarizeHook = func(file string) {
		mu.Lock()
		read = append(read, file)
		mu.Unlock()
	}
	return l, head, func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := slices.Clone(read)
		slices.Sort(out)
		return out
	}
}

func newProvLoader(t *testing.T, repo *store.Repo, cache string) *Loader {
	t.Helper()
	l, err := NewLoader(repo, render.New(render.Config{}), "")
	if err != nil {
		t.Fatal(err)
	}
	if cache != "" {
		if err := l.UseCache(cache); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(l.Close)
	return l
}

// TestProvisional: a provisional model reads the tree and the page asked
// for, nothing else; other pages are titled by name, links resolve by
// name, there are no backlinks, and the full model replaces it.
func TestProvisional(t *testing.T) {
	l, head, read := provLoader(t, provWiki, "")
	st, err := l.Provisional(ctx, head, "Guides/Backups")
	if err != nil {
		t.Fatal(err)
	}
	if !st.Provisional() {
		t.Fatal("not provisional")
	}
	if got := read(); !slices.Equal(got, []string{"Guides/Backups.md"}) {
		t.Errorf("read %q, want only the page asked for", got)
	}
	p, ok := st.Page("Guides/Backups")
	if !ok || p.Title != "Keeping copies" || !slices.Equal(p.FrontMatter().Tags, []string{"safety"}) {
		t.Fatalf("the page asked for: %+v", p)
	}
	if q, ok := st.Page("Guides/Phones"); !ok || q.Title != "Phones" {
		t.Errorf("another page: %+v, want titled from its name", q)
	}
	if got := st.Tagged("tag", "safety"); len(got) != 1 || got[0] != p {
		t.Errorf("tagged: %v", got)
	}
	if n, ok := st.FindWiki("Guides/Backups", "Guides/Phones"); !ok || n != "Guides/Phones" {
		t.Errorf("a link by name resolves to %q %v", n, ok)
	}
	if b := st.Backlinks("Guides/Backups"); len(b) != 0 {
		t.Errorf("backlinks in a provisional model: %v", b)
	}
	if len(st.Nav()) == 0 || !st.IsFolder("Guides") {
		t.Error("no navigation from the tree")
	}
	// Asking again reads nothing more; another page is read into it.
	again, _ := l.Provisional(ctx, head, "Guides/Backups")
	if again != st || len(read()) != 1 {
		t.Error("the page was read again")
	}
	st2, err := l.Provisional(ctx, head, "Guides/Phones")
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := st2.Page("Guides/Phones"); q.Title != "Phones and SIMs" {
		t.Errorf("second page: %q", q.Title)
	}
	if q, _ := st2.Page("Guides/Backups"); q.Title != "Keeping copies" {
		t.Error("the first reading was lost")
	}
	if _, ok := l.Loaded(head); ok {
		t.Fatal("a provisional model counts as loaded")
	}

	full, err := l.At(ctx, head)
	if err != nil {
		t.Fatal(err)
	}
	// The pages read into the provisional model are taken as they are.
	if n := len(slices.DeleteFunc(read(), func(f string) bool { return f != "Guides/Backups.md" })); n != 1 {
		t.Errorf("the page read into the provisional model was read %d times", n)
	}
	if a, _ := st2.Page("Guides/Backups"); a != mustPage(t, full, "Guides/Backups") {
		t.Error("the full model did not take the page read into the provisional one")
	}
	if full.Provisional() || full.Fingerprint() == st2.Fingerprint() {
		t.Error("the full model is provisional or shares its fingerprint")
	}
	if b := full.Backlinks("Guides/Backups"); len(b) != 2 {
		t.Errorf("full backlinks: %v", b)
	}
	fp, _ := full.Page("Guides/Backups")
	if a, b := names(st.Translations(p)), names(full.Translations(fp)); !slices.Equal(a, b) {
		t.Errorf("translations: provisional %v, full %v", a, b)
	}
	if q, _ := full.Page("Guides/Phones"); q.placeholder {
		t.Error("a placeholder page in the full model")
	}
	if got, _ := l.Provisional(ctx, head, "index"); got != full {
		t.Error("Provisional after the full load is not the full model")
	}
	if l.prov.cur.Load() != nil {
		t.Error("the provisional model was kept after the full load")
	}
}

// TestProvisionalFromCache: with the facts of an earlier run, a
// provisional model titles every page it has facts for, and reads none.
func TestProvisionalFromCache(t *testing.T) {
	cache := t.TempDir()
	l, head, _ := provLoader(t, provWiki, cache)
	if _, err := l.At(ctx, head); err != nil {
		t.Fatal(err)
	}
	l.Close()
	l2 := newProvLoader(t, l.Repo(), cache)
	var reads int
	l2.summarizeHook = func(string) { reads++ }
	st, err := l2.Provisional(ctx, head, wikipath.Page("Guides/Phones"))
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := st.Page("Guides/Backups"); q.Title != "Keeping copies" || q.placeholder {
		t.Errorf("a cached page: %+v", q)
	}
	if reads != 0 {
		t.Errorf("%d pages read with every fact cached", reads)
	}
}

func names(ps []*Page) []wikipath.Page {
	var out []wikipath.Page
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}
