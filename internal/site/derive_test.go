package site

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// dump writes a model as data: everything its methods answer, in order,
// so two models can be compared whatever maps and pointers they use.
func dump(s *Site) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	names := func(ps []*Page) []wikipath.Page {
		var out []wikipath.Page
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	w("commit %s fingerprint %s", s.Commit, s.Fingerprint())
	w("settings %+v problems %q", s.Settings, s.Problems)
	w("files %q", s.Files())
	var folders []string
	for _, f := range s.Files() {
		for d := path.Dir(f); ; d = path.Dir(d) {
			if d == "." {
				d = ""
			}
			if s.IsFolder(wikipath.Page(d)) && !slices.Contains(folders, d) {
				folders = append(folders, d)
			}
			if d == "" {
				break
			}
		}
	}
	sort.Strings(folders)
	w("folders %q", folders)
	for _, p := range s.Pages() {
		w("page %s file=%s blob=%s title=%q hidden=%v lang=%s", p.Name, p.File, p.Blob.Short(), p.Title, p.Hidden, s.Lang(p))
		w("  links %q backlinks %q translations %q", s.Links(p), names(s.Backlinks(p.Name)), names(s.Translations(p)))
		w("  children %q crumbs %d", names(s.Children(p.Name)), len(s.Breadcrumbs(p.Name)))
		if pl := s.pageLang(p); pl != nil && pl.group != nil {
			src := wikipath.Page("-")
			if pl.group.source != nil {
				src = pl.group.source.Name
			}
			w("  group %q source %s key %q", pl.group.key, src, pl.key)
		}
	}
	for _, tc := range s.AllTags() {
		w("tag %+v %q", tc, names(s.Tagged(tc.Kind, tc.Name)))
	}
	var aliases []string
	for a, p := range s.Aliases() {
		aliases = append(aliases, a+"→"+string(p))
	}
	sort.Strings(aliases)
	w("aliases %q", aliases)
	var nav func(ns []*Node, depth int)
	nav = func(ns []*Node, depth int) {
		for _, n := range ns {
			pn := wikipath.Page("-")
			if n.Page != nil {
				pn = n.Page.Name
			}
			w("%snav %s %q %s", strings.Repeat(" ", depth), n.Name, n.Title, pn)
			nav(n.Children, depth+1)
		}
	}
	nav(s.Nav(), 0)
	for _, k := range sortedKeys(s.byKey) {
		w("key %q %q", k, s.byKey[k])
	}
	for _, k := range sortedKeys(s.byPath) {
		w("path %q %q", k, s.byPath[k])
	}
	w("languages %+v", s.Languages())
	for _, f := range s.LanguageFindings() {
		w("finding %s", f)
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// wikiGen makes random commits of a small wiki: pages added, deleted,
// moved, retitled, relinked; folder pages and their duplicates; hidden
// pages; tags, aliases, weights, languages and translations; wiki.yaml.
type wikiGen struct {
	r     *rand.Rand
	files map[string]string
	n     int
}

var genFolders = []string{"", "", "a", "a/b", "a/b/c", "d", "en", "es", "_templates"}

func (g *wikiGen) title() string {
	ws := []string{"Alpha", "Beta", "Backups", "Passwords", "Zeta", "Guide", "Plan", "Risk"}
	return ws[g.r.IntN(len(ws))] + " " + ws[g.r.IntN(len(ws))]
}

func (g *wikiGen) pageFiles() []string {
	var out []string
	for f := range g.files {
		if strings.HasSuffix(f, ".md") {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

func (g *wikiGen) body() string {
	var b strings.Builder
	fm := []string{}
	if g.r.IntN(2) == 0 {
		fm = append(fm, fmt.Sprintf("title: %q", g.title()))
	}
	if g.r.IntN(3) == 0 {
		fm = append(fm, fmt.Sprintf("tags: [t%d, t%d]", g.r.IntN(3), g.r.IntN(3)))
	}
	if g.r.IntN(4) == 0 {
		fm = append(fm, fmt.Sprintf("weight: %d", g.r.IntN(3)))
	}
	if g.r.IntN(6) == 0 {
		fm = append(fm, fmt.Sprintf("aliases: [old/p%d]", g.r.IntN(5)))
	}
	if g.r.IntN(6) == 0 {
		fm = append(fm, fmt.Sprintf("lang: %s", []string{"es", "en", "fr", "xx-bad"}[g.r.IntN(4)]))
	}
	if g.r.IntN(6) == 0 {
		fm = append(fm, fmt.Sprintf("translationKey: k%d", g.r.IntN(3)))
	}
	if g.r.IntN(8) == 0 {
		fm = append(fm, "category: c1")
	}
	if len(fm) > 0 {
		b.WriteString("---\n" + strings.Join(fm, "\n") + "\n---\n")
	}
	if g.r.IntN(2) == 0 {
		b.WriteString("# " + g.title() + "\n\n")
	}
	files := g.pageFiles()
	for range g.r.IntN(5) {
		switch k := g.r.IntN(5); {
		case k == 0 && len(files) > 0:
			fmt.Fprintf(&b, "[x](/%s) ", files[g.r.IntN(len(files))])
		case k == 1 && len(files) > 0:
			fmt.Fprintf(&b, "[[%s]] ", strings.TrimSuffix(files[g.r.IntN(len(files))], ".md"))
		case k == 2:
			fmt.Fprintf(&b, "[[%s]] ", g.title())
		case k == 3:
			fmt.Fprintf(&b, "[[p%d]] [y](p%d.md) ", g.r.IntN(12), g.r.IntN(12))
		default:
			fmt.Fprintf(&b, "[[a/b/p%d]] [[Guide/p%d]] ", g.r.IntN(12), g.r.IntN(12))
		}
	}
	b.WriteString("\n")
	return b.String()
}

func (g *wikiGen) newFile() string {
	g.n++
	dir := genFolders[g.r.IntN(len(genFolders))]
	var name string
	switch g.r.IntN(8) {
	case 0:
		name = "index.md"
	case 1:
		name = "README.md"
	case 2:
		return "_Sidebar.md"
	default:
		name = fmt.Sprintf("p%d.md", g.r.IntN(12))
	}
	if g.r.IntN(10) == 0 && dir != "" { // a duplicate of a folder page: "a.md" beside "a/index.md"
		return dir + ".md"
	}
	return path.Join(dir, name)
}

// step changes the wiki a little and returns the writes.
func (g *wikiGen) step() []store.FileWrite {
	var ws []store.FileWrite
	set := func(f, c string) {
		g.files[f] = c
		ws = append(ws, store.FileWrite{Path: f, Content: []byte(c)})
	}
	del := func(f string) {
		delete(g.files, f)
		ws = append(ws, store.FileWrite{Path: f, Delete: true})
	}
	for range 1 + g.r.IntN(3) {
		files := g.pageFiles()
		switch k := g.r.IntN(10); {
		case k < 3 || len(files) < 3:
			set(g.newFile(), g.body())
		case k < 5: // edit: new links, maybe a new title
			set(files[g.r.IntN(len(files))], g.body())
		case k == 5:
			del(files[g.r.IntN(len(files))])
		case k == 6: // move
			f := files[g.r.IntN(len(files))]
			c := g.files[f]
			del(f)
			set(g.newFile(), c)
		case k == 7: // the same text again: no change to the blob
			f := files[g.r.IntN(len(files))]
			set(f, g.files[f])
		case k == 8:
			y := []string{
				"title: W\n",
				"title: W\nnav: [d, a]\nedit_policy: open\n",
				"title: W\nlanguage: en\nlanguages: [en, es]\n",
				"title: W\nlanguages: [{code: es, folder: es}, en]\n",
				"title: [broken\n",
			}[g.r.IntN(5)]
			set(SettingsFile, y)
		default: // an attachment, which makes a top-level folder
			set(fmt.Sprintf("%s/file%d.txt", []string{"files", "es", "z"}[g.r.IntN(3)], g.r.IntN(3)), "data")
		}
	}
	return ws
}

// TestDeriveEqualsScratch: the model of each commit derived from the
// previous one equals the model built from nothing, over random commits;
// so does one derived across many commits, back and forth.
func TestDeriveEqualsScratch(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			g := &wikiGen{r: rand.New(rand.NewPCG(seed, 99)), files: map[string]string{"index.md": "# Home\n[[Alpha Beta]]\n", "wiki.yaml": "title: W\n"}}
			for range 10 {
				g.files[g.newFile()] = g.body()
			}
			_, inc := MustSite(t, g.files)
			commits := []store.Hash{}
			for i := range 40 {
				c := commitFiles(t, inc, fmt.Sprintf("step %d", i), g.step()...)
				commits = append(commits, c)
				checkDerived(t, inc, c)
			}
			// Back to an old commit and forward again: derived across many changes.
			for _, i := range []int{3, 39, 20, 21, 0} {
				checkDerived(t, inc, commits[i])
			}
		})
	}
}

func checkDerived(t *testing.T, inc *Loader, c store.Hash) {
	t.Helper()
	got, err := inc.At(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	scratch, err := NewLoader(inc.Repo(), render.New(render.Config{}), "")
	if err != nil {
		t.Fatal(err)
	}
	want, err := scratch.At(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := dump(got), dump(want); g != w {
		t.Fatalf("commit %s derived differs from scratch:\n%s", c.Short(), firstDiff(g, w))
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			lo := max(0, i-3)
			return fmt.Sprintf("line %d:\nderived: %s\nscratch: %s\ncontext (scratch):\n%s", i, x, y, strings.Join(bl[lo:min(len(bl), i+3)], "\n"))
		}
	}
	return ""
}

// TestFactsCache: a restart reads only the pages that changed since the
// cache saw them; a cache of another version, or a damaged one, is
// rebuilt, and the model is the same either way.
func TestFactsCache(t *testing.T) {
	files := map[string]string{"index.md": "# Home\n", "a.md": "---\ntitle: A\ntags: [x]\nn: {deep: [1, 2.5, true, null]}\n---\n[[b]]\n", "b.md": "# B\n[a](a.md)\n", "c/index.md": "# C\n"}
	_, l := MustSite(t, files)
	dir := t.TempDir()
	load := func() (*Loader, *Site, []string) {
		t.Helper()
		nl, err := NewLoader(l.Repo(), render.New(render.Config{}), "")
		if err != nil {
			t.Fatal(err)
		}
		if err := nl.UseCache(dir); err != nil {
			t.Fatal(err)
		}
		var read []string
		var mu sync.Mutex
		nl.summarizeHook = func(f string) {
			mu.Lock()
			read = append(read, f)
			mu.Unlock()
		}
		st, err := nl.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		nl.Close()
		sort.Strings(read)
		return nl, st, read
	}
	_, first, read := load()
	if len(read) != 4 {
		t.Fatalf("first start read %q, want every page", read)
	}
	_, again, read := load()
	if len(read) != 0 {
		t.Fatalf("restart read %q, want nothing", read)
	}
	if dump(again) != dump(first) {
		t.Fatalf("model from the cache differs:\n%s", firstDiff(dump(again), dump(first)))
	}
	a1, _ := first.Page("a")
	a2, _ := again.Page("a")
	if fmt.Sprint(a1.Summary) != fmt.Sprint(a2.Summary) {
		t.Fatalf("summary from the cache:\n%+v\nwant\n%+v", a2.Summary, a1.Summary)
	}
	commitFiles(t, l, "edit b", store.FileWrite{Path: "b.md", Content: []byte("# B2\n")})
	if _, _, read = load(); !slices.Equal(read, []string{"b.md"}) {
		t.Fatalf("restart after an edit read %q, want b.md", read)
	}
	name := filepath.Join(dir, factsFile)
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	// Damage: a flipped byte in the last record. The records before it
	// are kept, the damaged one read again.
	b[len(b)-10] ^= 0xff
	os.WriteFile(name, b, 0o600)
	if _, st, read := load(); len(read) != 1 || dump(st) == "" {
		t.Fatalf("damaged cache: read %q, want one page again", read)
	}
	if _, _, read := load(); len(read) != 0 {
		t.Fatalf("after repair read %q, want nothing", read)
	}
	// Another version's cache, or garbage: read everything, once.
	os.WriteFile(name, []byte("gitwiki site facts\n\x07other"), 0o600)
	if _, _, read := load(); len(read) != 4 {
		t.Fatalf("foreign cache: read %q, want every page", read)
	}
	if _, _, read := load(); len(read) != 0 {
		t.Fatalf("after rebuild read %q, want nothing", read)
	}
}
