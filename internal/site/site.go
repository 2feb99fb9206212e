// Package site is the read model of one commit: which pages exist, their
// titles, the navigation tree, backlinks, tags and translations. Everything
// here is derived from git and cached per commit; deleting it loses nothing.
package site

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
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
	Links   []wikipath.Page // resolved outgoing page links, without duplicates
	Hidden  bool            // templates, sidebar and footer: not listed
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

	loader      *Loader
	pages       map[wikipath.Page]*Page
	sorted      []*Page // by name
	files       map[string]store.Entry
	folders     map[wikipath.Page]bool // every folder that holds a page
	backlinks   map[wikipath.Page][]*Page
	tags        map[string][]*Page
	cats        map[string][]*Page
	aliases     map[string]wikipath.Page
	byKey       map[string][]*Page // normalised name, base name or title → pages
	byPath      map[string][]*Page // normalised name → pages, hidden ones too
	nav         []*Node
	fingerprint string
	report      report // Check's, made once
	l10n        *l10n  // languages and translations (lang.go, translations.go)
}

// Loader builds Sites from commits and keeps the few most recent ones.
type Loader struct {
	repo     *store.Repo
	renderer *render.Renderer
	dir      string // content root inside the repository, "" for the root

	mu     sync.Mutex
	recent []*Site // most recent first
	flight singleflight.Group
	last   lastChanges
	steps  changeSteps // history facts for translation status (translations.go)
	// loadHook, when set by a test, runs at the start of every load.
	loadHook func(store.Hash)
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
	l.recent = append([]*Site{st}, l.recent...)
	if len(l.recent) > keepSites {
		l.recent = l.recent[:keepSites]
	}
	l.mu.Unlock()
	return st, nil
}

func (l *Loader) load(ctx context.Context, commit store.Hash, prev *Site) (*Site, error) {
	tree, err := l.repo.Tree(ctx, commit)
	if err != nil {
		return nil, err
	}
	s := &Site{
		Commit:    commit,
		Settings:  DefaultSettings(),
		loader:    l,
		pages:     map[wikipath.Page]*Page{},
		files:     map[string]store.Entry{},
		folders:   map[wikipath.Page]bool{},
		backlinks: map[wikipath.Page][]*Page{},
		tags:      map[string][]*Page{},
		cats:      map[string][]*Page{},
		aliases:   map[string]wikipath.Page{},
		byKey:     map[string][]*Page{},
		byPath:    map[string][]*Page{},
	}
	var settings store.Entry
	for _, e := range tree.Entries() {
		rel, ok := l.ContentFile(e.Path)
		if !ok {
			continue
		}
		// Names git accepts but the wiki never serves (dotfiles, odd bytes).
		if clean, err := wikipath.CleanFile(rel); err != nil || clean != rel {
			continue
		}
		if rel == SettingsFile {
			settings = e // settings, not content: never served or exported
			continue
		}
		s.files[rel] = e
		name, ok := wikipath.FromFile(rel)
		if !ok {
			continue
		}
		if old, dup := s.pages[name]; dup && preferred(old.File, rel) {
			continue
		}
		s.pages[name] = &Page{Name: name, File: rel, Blob: e.Blob, Hidden: hidden(name)}
	}
	if e := settings; !e.Blob.IsZero() {
		b, err := l.repo.ReadBlob(ctx, e.Blob, 256<<10)
		if err == nil {
			s.Settings, err = ParseSettings(b)
		}
		if err != nil {
			s.Problems = append(s.Problems, err.Error())
		}
	}
	if err := s.summarize(ctx, prev); err != nil {
		return nil, err
	}
	s.index()
	return s, nil
}

// preferred reports whether file a wins over b for the same page: "x.md"
// beats "x/index.md", and folder page names follow FolderPageNames order.
func preferred(a, b string) bool {
	rank := func(f string) int {
		base := path.Base(f)
		for i, n := range wikipath.FolderPageNames {
			if base == n {
				return i + 1
			}
		}
		return 0
	}
	return rank(a) <= rank(b)
}

func hidden(p wikipath.Page) bool {
	return p == SidebarPage || p == FooterPage || p == TemplatesDir || strings.HasPrefix(string(p), TemplatesDir+"/")
}

// summarize reads and parses every page, reusing the previous commit's
// summaries for blobs that did not change, on all cores.
func (s *Site) summarize(ctx context.Context, prev *Site) error {
	var todo []*Page
	for _, p := range s.pages {
		if prev != nil {
			if old, ok := prev.pages[p.Name]; ok && old.Blob == p.Blob && old.File == p.File {
				p.Summary = old.Summary
				continue
			}
		}
		todo = append(todo, p)
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, p := range todo {
		g.Go(func() error { return s.summarizePage(ctx, p) })
	}
	return g.Wait()
}

func (s *Site) summarizePage(ctx context.Context, p *Page) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("read %s: %w: %v", p.File, ErrLoadPanic, v)
		}
	}()
	b, err := s.loader.repo.ReadBlob(ctx, p.Blob, MaxPageBytes)
	if errors.Is(err, store.ErrTooLarge) {
		p.Summary = &render.Summary{Title: p.Name.Title(), Warnings: []string{"This page is larger than 4 MiB and is not shown."}}
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", p.File, err)
	}
	p.Summary = s.loader.renderer.Summarize(b, p.File)
	return nil
}

// index derives titles, lookups, backlinks, tags, aliases and navigation.
func (s *Site) index() {
	for _, p := range s.pages {
		p.Title = p.Summary.Title
		if p.Title == "" {
			p.Title = p.Name.Title()
		}
		s.sorted = append(s.sorted, p)
		for d := p.Name.Dir(); ; d = d.Dir() {
			s.folders[d] = true
			if d == wikipath.Root {
				break
			}
		}
	}
	sort.Slice(s.sorted, func(i, j int) bool { return s.sorted[i].Name < s.sorted[j].Name })
	h := sha256.New()
	for _, p := range s.sorted {
		fmt.Fprintf(h, "%s\x00%s\x00", p.Name, p.Title)
		k := key(string(p.Name))
		s.byPath[k] = append(s.byPath[k], p)
		if p.Hidden {
			continue
		}
		for _, k := range lookupKeys(p) {
			s.byKey[k] = append(s.byKey[k], p)
		}
	}
	s.fingerprint = hex.EncodeToString(h.Sum(nil))[:16]
	for _, p := range s.sorted {
		seen := map[wikipath.Page]bool{}
		for _, l := range p.Summary.Links {
			t, ok := render.ResolveLink(s, p.Name, p.File, l)
			if !ok || t == p.Name || seen[t] {
				continue
			}
			seen[t] = true
			p.Links = append(p.Links, t)
			if !p.Hidden {
				s.backlinks[t] = append(s.backlinks[t], p)
			}
		}
		if p.Hidden {
			continue
		}
		fm := p.FrontMatter()
		for _, t := range fm.Tags {
			if t = strings.TrimSpace(t); t != "" {
				s.tags[t] = append(s.tags[t], p)
			}
		}
		if c := strings.TrimSpace(fm.Category); c != "" {
			s.cats[c] = append(s.cats[c], p)
		}
		for _, a := range fm.Aliases {
			if clean, err := wikipath.Parse(strings.TrimSuffix(strings.TrimSuffix(a, "/"), ".md")); err == nil && clean != "" {
				if _, taken := s.pages[wikipath.Page(clean)]; !taken {
					s.aliases[string(clean)] = p.Name
				}
			}
		}
	}
	for _, list := range s.backlinks {
		sortByTitle(list)
	}
	s.nav = s.buildNav()
	s.indexLanguages()
}

// Fingerprint changes whenever the set of pages or their titles changes,
// which is everything besides a page's own source that its HTML depends on.
func (s *Site) Fingerprint() string { return s.fingerprint }

// Loader is the loader that built the site.
func (s *Site) Loader() *Loader { return s.loader }

// Page finds a page by name.
func (s *Site) Page(name wikipath.Page) (*Page, bool) {
	p, ok := s.pages[name]
	return p, ok
}

// Exists implements render.Resolver.
func (s *Site) Exists(name wikipath.Page) bool {
	_, ok := s.pages[name]
	return ok
}

// IsFolder reports whether pages live under name.
func (s *Site) IsFolder(name wikipath.Page) bool { return s.folders[name] }

// File finds any file (page source or attachment) by content-relative path.
func (s *Site) File(p string) (store.Entry, bool) {
	e, ok := s.files[p]
	return e, ok
}

// Files lists every content file, sorted by path.
func (s *Site) Files() []string {
	out := make([]string, 0, len(s.files))
	for p := range s.files {
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
func (s *Site) Backlinks(name wikipath.Page) []*Page { return s.backlinks[name] }

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
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := strings.ToLower(ps[i].Title), strings.ToLower(ps[j].Title)
		if a != b {
			return a < b
		}
		return ps[i].Name < ps[j].Name
	})
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
		a, b := strings.ToLower(ps[i].Title), strings.ToLower(ps[j].Title)
		if a != b {
			return a < b
		}
		return ps[i].Name < ps[j].Name
	})
}
