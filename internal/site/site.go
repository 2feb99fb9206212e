// Package site is the read model of one commit: which pages exist, their
// titles, the navigation tree, backlinks, tags and translations. Everything
// here is derived from git and cached per commit; deleting it loses nothing.
package site

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// MaxPageBytes bounds a page source read from git; larger pages are listed
// but not rendered.
const MaxPageBytes = 4 << 20

// Files with a role besides being content.
const (
	TemplatesDir = "_templates"
	CatalogDir   = "_i18n" // extra interface catalogs, one per language
	SidebarPage  = wikipath.Page("_Sidebar")
	FooterPage   = wikipath.Page("_Footer")
)

// Errors. ErrNotFound is store's, so a missing page, file or commit is one
// kind of error wherever it comes from.
var (
	ErrNotFound = store.ErrNotFound
	// ErrLoadPanic: loading a commit's read model panicked; the commit
	// cannot be shown until the cause is fixed.
	ErrLoadPanic = errors.New("reading the wiki failed")

	// Starting a translation (translate.go): a bad request, or one that
	// conflicts with a page that exists.
	ErrBadLanguage          = errors.New("not a language tag such as es or pt-BR")
	ErrNotTranslatable      = errors.New("this page is not translated")
	ErrSameLanguage         = errors.New("the page is already in that language")
	ErrTranslationExists    = errors.New("a translation into that language exists")
	ErrTranslationPathTaken = errors.New("the translation's page name is taken by another page")
)

// Page is one page of the site at a commit.
type Page struct {
	Name    wikipath.Page
	File    string // relative to the content root
	Blob    store.Hash
	Title   string
	Summary *render.Summary
	Hidden  bool // templates, sidebar and footer: not listed
	// textOnDisk: Summary.Text was left in the facts cache (PageText).
	textOnDisk bool
	// placeholder: a provisional model's page whose blob was not read;
	// its summary is empty (provisional.go).
	placeholder bool

	// Derived once from the name and summary (see settle).
	lower   string   // Title in lower case, for ordering
	pathKey string   // key(Name)
	keys    []string // lookupKeys, for listed pages
	probes  []uint64 // the lookups its links make; under Loader.probeMu
}

// FrontMatter is shorthand for the page's parsed front matter.
func (p *Page) FrontMatter() *render.FrontMatter { return &p.Summary.FrontMatter }

// Site is one commit's read model. It is immutable once loaded and safe to
// share between requests.
type Site struct {
	Commit   store.Hash
	Settings Settings
	// Problems are site-wide issues to show maintainers, such as a wiki.yaml
	// that does not parse.
	Problems []string

	loader       *Loader
	settingsBlob store.Hash
	pages        layer[wikipath.Page, *Page]
	sorted       []*Page // by name
	files        layer[string, store.Entry]
	tops         map[string]int        // top-level folder → files in it
	folders      map[wikipath.Page]int // every folder that holds a page → pages below it
	links        layer[*Page, []wikipath.Page]
	backlinks    layer[wikipath.Page, []*Page]
	tags         map[string][]*Page
	cats         map[string][]*Page
	aliases      map[string]wikipath.Page
	byKey        map[string][]wikipath.Page // normalised name, base name or title → pages, by name
	byPath       map[string][]wikipath.Page // normalised name → pages, hidden ones too
	nav          []*Node
	fingerprint  string
	report       report // Check's, made once
	l10n         *l10n  // languages and translations (lang.go, translations.go)
	empty        bool   // the model of no commit, which derivations start from
	// provisional: made from the tree while the full model loads; models
	// derived from it are provisional too (provisional.go).
	provisional bool
}

// Loader builds Sites from commits and keeps the few most recent ones.
type Loader struct {
	repo     *store.Repo
	renderer *render.Renderer
	dir      string // content root inside the repository, "" for the root

	mu      sync.Mutex
	recent  []*Site                  // most recent first
	look    atomic.Pointer[headLook] // the branch as last read (HeadWithin)
	flight  singleflight.Group
	last    lastChanges
	steps   changeSteps    // history facts for translation status (translations.go)
	facts   *facts         // summaries by blob, kept in DATA (facts.go); nil: none
	prov    provisionals   // the model served while the first loads (provisional.go)
	probeMu sync.Mutex     // guards Page.probes
	bg      sync.WaitGroup // the cache's upkeep after the first load
	// loadHook, when set by a test, runs at the start of every load;
	// summarizeHook before each blob is read and parsed.
	loadHook      func(store.Hash)
	summarizeHook func(file string)
}

// keepSites is how many commits' read models stay in memory: the head, and
// a few past revisions people are looking at.
const keepSites = 4

// NewLoader reads pages under dir ("" for the repository root).
func NewLoader(repo *store.Repo, r *render.Renderer, dir string) (*Loader, error) {
	clean, err := wikipath.CleanFile(dir)
	if err != nil {
		return nil, fmt.Errorf("content dir: %w", err)
	}
	return &Loader{repo: repo, renderer: r, dir: clean}, nil
}

// UseCache keeps what the loader learns of each page in dir (in DATA), so
// that a restart reads only the pages that changed. It is a cache:
// deleting dir loses nothing. An error leaves the cache off (every start
// reads every page) and is worth a warning, not a failure.
func (l *Loader) UseCache(dir string) error {
	fc, err := openFacts(dir)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.facts != nil {
		l.facts.close()
	}
	l.facts = fc
	return err
}

// Close writes nothing more to the cache and closes it.
func (l *Loader) Close() {
	l.bg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.facts.close()
}

// Repo is the repository the loader reads.
func (l *Loader) Repo() *store.Repo { return l.repo }

// Renderer is the renderer pages are rendered with.
func (l *Loader) Renderer() *render.Renderer { return l.renderer }

// Dir is the content root inside the repository.
func (l *Loader) Dir() string { return l.dir }

// RepoPath maps a content-root-relative file to its repository path.
func (l *Loader) RepoPath(file string) string {
	if l.dir == "" {
		return file
	}
	return l.dir + "/" + file
}

// Head loads the read model of the served branch's head.
func (l *Loader) Head(ctx context.Context) (*Site, error) {
	h, err := l.repo.Head(ctx)
	if err != nil {
		return nil, err
	}
	return l.At(ctx, h)
}

// headLook is one reading of the served branch: what it named, when, and
// the ref generation of the repository then.
type headLook struct {
	hash store.Hash
	at   time.Time
	gen  uint64
}

// HeadWithin is Head, but from the branch as read by an earlier HeadWithin
// at most maxAge ago, when no ref was updated through this process since.
// Busy readers share one look at the ref files (three stat calls, most of
// what a cached page view costs) instead of each making their own. A change
// made by another process (git on disk) is seen maxAge later at most; one
// made through this process at once. maxAge 0 is Head.
func (l *Loader) HeadWithin(ctx context.Context, maxAge time.Duration) (*Site, error) {
	if maxAge <= 0 {
		return l.Head(ctx)
	}
	if h := l.look.Load(); h != nil && h.gen == l.repo.RefGeneration() && time.Since(h.at) < maxAge {
		return l.At(ctx, h.hash)
	}
	gen, at := l.repo.RefGeneration(), time.Now()
	h, err := l.repo.Head(ctx)
	if err != nil {
		return nil, err
	}
	l.look.Store(&headLook{hash: h, at: at, gen: gen})
	return l.At(ctx, h)
}

// At loads the read model of a commit. Concurrent calls for the same commit
// share one load, which outlives a cancelled request: others may be waiting
// for it.
func (l *Loader) At(ctx context.Context, commit store.Hash) (*Site, error) {
	l.mu.Lock()
	for _, s := range l.recent {
		if s.Commit == commit {
			l.mu.Unlock()
			return s, nil
		}
	}
	l.mu.Unlock()
	ch := l.flight.DoChan(commit.String(), func() (any, error) {
		return l.loadAndKeep(context.WithoutCancel(ctx), commit)
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*Site), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// loadAndKeep loads a commit and keeps it among the recent ones. A panic
// while loading (a bug, or a page that trips a library) becomes an error for
// every waiter instead of taking the process down.
func (l *Loader) loadAndKeep(ctx context.Context, commit store.Hash) (st *Site, err error) {
	defer func() {
		if v := recover(); v != nil {
			st, err = nil, fmt.Errorf("load commit %s: %w: %v", commit.Short(), ErrLoadPanic, v)
		}
	}()
	l.mu.Lock()
	var prev *Site
	if len(l.recent) > 0 {
		prev = l.recent[0]
	}
	l.mu.Unlock()
	if l.loadHook != nil {
		l.loadHook(commit)
	}
	st, err = l.load(ctx, commit, prev)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	first := len(l.recent) == 0
	l.recent = append([]*Site{st}, l.recent...)
	if len(l.recent) > keepSites {
		l.recent = l.recent[:keepSites]
	}
	fc := l.facts
	l.mu.Unlock()
	l.dropProvisional()
	if first && fc != nil {
		l.bg.Go(func() { fc.settle(st.sorted) })
	}
	return st, nil
}

func hidden(p wikipath.Page) bool {
	return p == SidebarPage || p == FooterPage || p == TemplatesDir || strings.HasPrefix(string(p), TemplatesDir+"/")
}

// Fingerprint changes whenever the set of pages or their titles changes,
// which is everything besides a page's own source that its HTML depends on.
func (s *Site) Fingerprint() string { return s.fingerprint }

// Loader is the loader that built the site.
func (s *Site) Loader() *Loader { return s.loader }

// Page finds a page by name.
func (s *Site) Page(name wikipath.Page) (*Page, bool) {
	return s.pages.get(name)
}

// Exists implements render.Resolver.
func (s *Site) Exists(name wikipath.Page) bool { return s.pages.has(name) }

// IsFolder reports whether pages live under name.
func (s *Site) IsFolder(name wikipath.Page) bool { return s.folders[name] > 0 }

// Links lists the pages p links to that exist, resolved in this model,
// without duplicates or p itself.
func (s *Site) Links(p *Page) []wikipath.Page {
	if q, ok := s.pages.get(p.Name); ok && q == p {
		return s.links.at(p)
	}
	return nil
}

// File finds any file (page source or attachment) by content-relative path.
func (s *Site) File(p string) (store.Entry, bool) {
	return s.files.get(p)
}

// Files lists every content file, sorted by path.
func (s *Site) Files() []string {
	out := make([]string, 0, s.files.len())
	for p := range s.files.all() {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Pages lists every page, hidden ones included, sorted by name.
func (s *Site) Pages() []*Page { return s.sorted }

// Alias finds the page that lists name among its aliases.
func (s *Site) Alias(name wikipath.Page) (wikipath.Page, bool) {
	p, ok := s.aliases[string(name)]
	return p, ok
}

// Aliases maps every old name to its page, for redirects.
func (s *Site) Aliases() map[string]wikipath.Page { return s.aliases }

// Backlinks lists the pages that link to name, by title.
func (s *Site) Backlinks(name wikipath.Page) []*Page { return s.backlinks.at(name) }

// Tagged lists pages by tag ("tag") or category ("category").
func (s *Site) Tagged(kind, name string) []*Page {
	var list []*Page
	if kind == "category" {
		list = s.cats[name]
	} else {
		list = s.tags[name]
	}
	out := append([]*Page(nil), list...)
	sortByTitle(out)
	return out
}

// TagCount is a tag or category with the number of pages carrying it.
type TagCount struct {
	Kind, Name string
	Count      int
}

// AllTags lists categories, then tags, each by name.
func (s *Site) AllTags() []TagCount {
	var out []TagCount
	for _, kind := range []string{"category", "tag"} {
		m := s.tags
		if kind == "category" {
			m = s.cats
		}
		var names []string
		for n := range m {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			out = append(out, TagCount{kind, n, len(m[n])})
		}
	}
	return out
}

// Children lists the listed pages directly inside folder name.
func (s *Site) Children(name wikipath.Page) []*Page {
	var out []*Page
	for _, p := range s.sorted {
		if !p.Hidden && p.Name != name && p.Name.Dir() == name && p.Name != wikipath.Root {
			out = append(out, p)
		}
	}
	sortPages(out)
	return out
}

// Translations lists the same page in other languages, one page per
// language, sorted by language tag: pages sharing its translationKey, else
// at the same path under another language folder ("en/intro" and
// "es/intro"; see lang.go for how folders map to languages).
func (s *Site) Translations(p *Page) []*Page { return s.translations(p) }

// Lang is a page's language as a canonical BCP 47 tag: front matter, then
// its language folder, then the site's.
func (s *Site) Lang(p *Page) string { return s.lang(p) }

func sortByTitle(ps []*Page) {
	slices.SortStableFunc(ps, func(a, b *Page) int {
		if c := strings.Compare(a.lowerTitle(), b.lowerTitle()); c != 0 {
			return c
		}
		return strings.Compare(string(a.Name), string(b.Name))
	})
}

// lowerTitle is the title in lower case, as sorted; pages made outside the
// loader have it computed here.
func (p *Page) lowerTitle() string {
	if p.lower == "" && p.Title != "" {
		return strings.ToLower(p.Title)
	}
	return p.lower
}

// sortPages orders siblings by weight, then title, as the navigation does.
func sortPages(ps []*Page) {
	sort.SliceStable(ps, func(i, j int) bool {
		wi, wj := ps[i].FrontMatter().Weight, ps[j].FrontMatter().Weight
		if wi != wj {
			// Pages without a weight (0) come after weighted ones.
			if wi == 0 || wj == 0 {
				return wj == 0
			}
			return wi < wj
		}
		a, b := ps[i].lowerTitle(), ps[j].lowerTitle()
		if a != b {
			return a < b
		}
		return ps[i].Name < ps[j].Name
	})
}
