package site

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"maps"
	"path"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/gitwiki/gitwiki/internal/parallel"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// A commit's read model is derived from another loaded model (the
// previous head, usually the new commit's parent) and the tree diff
// between the two: only the pages whose files changed are read, and of
// what depends on the whole wiki (links, backlinks, lookups, navigation,
// translations) only the parts those pages touch are redone. A model
// built from nothing is the same derivation from an empty model, with
// every file added. Pages that did not change are the same *Page in both
// models: a Page is immutable once made, and what varies from model to
// model (resolved links) is kept in the Site.

// scratchShare: a diff touching more than this share of the pages is
// applied to an empty model instead, which is no slower.
const scratchShare = 2

func emptySite(l *Loader) *Site {
	return &Site{
		Settings:  DefaultSettings(),
		loader:    l,
		pages:     newLayer[wikipath.Page, *Page](),
		files:     newLayer[string, store.Entry](),
		folders:   map[wikipath.Page]int{},
		tops:      map[string]int{},
		links:     newLayer[*Page, []wikipath.Page](),
		backlinks: newLayer[wikipath.Page, []*Page](),
		tags:      map[string][]*Page{},
		cats:      map[string][]*Page{},
		aliases:   map[string]wikipath.Page{},
		byKey:     map[string][]wikipath.Page{},
		byPath:    map[string][]wikipath.Page{},
		l10n:      &l10n{languages: []Language{{Code: DefaultSettings().Language}}, pages: newLayer[*Page, *pageLang](), status: map[*group]*groupStatus{}},
		empty:     true,
	}
}

// load builds the model of commit, from prev when it is near enough.
func (l *Loader) load(ctx context.Context, commit store.Hash, prev *Site) (*Site, error) {
	var changes []store.EntryChange
	if prev != nil {
		var err error
		if changes, err = l.repo.DiffEntries(ctx, prev.Commit, commit); err != nil {
			return nil, err
		}
		if len(changes) > 64 && len(changes)*scratchShare > prev.files.len() {
			prev = nil
		}
	}
	if prev == nil {
		tree, err := l.repo.Tree(ctx, commit)
		if err != nil {
			return nil, err
		}
		changes = make([]store.EntryChange, 0, tree.Len())
		for _, e := range tree.Entries() {
			changes = append(changes, store.EntryChange{Path: e.Path, New: e})
		}
		prev = emptySite(l)
	}
	return l.derive(ctx, commit, prev, changes)
}

// delta is what changed between the previous model and the new one.
type delta struct {
	prev, s  *Site
	names    map[wikipath.Page]bool // pages whose files changed
	replaced []pagePair             // old and new of each such name; either may be nil
	// structural: pages came or went, or a title changed, so lookups and
	// links elsewhere may resolve differently.
	structural bool
	settings   bool // wiki.yaml changed
	tops       bool // the set of top-level folders changed
}

type pagePair struct{ old, new *Page }

func (l *Loader) derive(ctx context.Context, commit store.Hash, prev *Site, changes []store.EntryChange) (*Site, error) {
	s := &Site{Commit: commit, loader: l, Settings: prev.Settings, Problems: prev.Problems, settingsBlob: prev.settingsBlob, provisional: prev.provisional}
	d := &delta{prev: prev, s: s, names: map[wikipath.Page]bool{}}
	if err := d.files(ctx, changes); err != nil {
		return nil, err
	}
	if err := d.pages(ctx); err != nil {
		return nil, err
	}
	d.order()
	d.lookups()
	d.resolve()
	d.tagsAndAliases()
	d.nav()
	d.languages()
	return s, nil
}

// files applies the diff to the file listing and settings.
func (d *delta) files(ctx context.Context, changes []store.EntryChange) error {
	s, l := d.s, d.s.loader
	s.files, s.tops = d.prev.files.next(), maps.Clone(d.prev.tops)
	for _, ch := range changes {
		rel, ok := l.ContentFile(ch.Path)
		if !ok {
			continue
		}
		// Names git accepts but the wiki never serves (dotfiles, odd bytes).
		if clean, err := wikipath.CleanFile(rel); err != nil || clean != rel {
			continue
		}
		if rel == SettingsFile {
			d.settings = true // settings, not content: never served or exported
			s.settingsBlob = ch.New.Blob
			continue
		}
		had := s.files.has(rel)
		if ch.New.Blob.IsZero() {
			s.files.del(rel)
		} else {
			s.files.set(rel, ch.New)
		}
		if top, _, ok := strings.Cut(rel, "/"); ok && had != !ch.New.Blob.IsZero() {
			n := s.tops[top]
			if had {
				n--
			} else {
				n++
			}
			if (n > 0) != (s.tops[top] > 0) {
				d.tops = true
			}
			if n > 0 {
				s.tops[top] = n
			} else {
				delete(s.tops, top)
			}
		}
		if name, ok := wikipath.FromFile(rel); ok {
			d.names[name] = true
		}
	}
	if d.prev.empty {
		d.settings, d.tops = true, true
	}
	if d.settings {
		s.Settings, s.Problems = DefaultSettings(), nil
		if !s.settingsBlob.IsZero() {
			b, err := l.repo.ReadBlob(ctx, s.settingsBlob, 256<<10)
			if err == nil {
				s.Settings, err = ParseSettings(b)
			}
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				s.Problems = append(s.Problems, err.Error())
			}
		}
	}
	return nil
}

// winner is the file that holds page name: "x.md" beats "x/index.md", and
// folder page names follow FolderPageNames order.
func (s *Site) winner(name wikipath.Page) (string, store.Entry, bool) {
	for _, f := range name.Files() {
		if e, ok := s.files.get(f); ok {
			return f, e, true
		}
	}
	return "", store.Entry{}, false
}

// pages makes the new page set: the previous pages, and new ones for the
// names whose files changed, summarized from the facts cache or the blob.
func (d *delta) pages(ctx context.Context) error {
	s, prev := d.s, d.prev
	s.pages = prev.pages.next()
	var todo []*Page
	var prov *Site // the provisional model, whose pages a full load takes
	if !s.provisional {
		if prov = s.loader.prov.cur.Load(); prov != nil && prov.Commit != s.Commit {
			prov = nil
		}
	}
	for name := range d.names {
		old := prev.pages.at(name)
		file, e, ok := s.winner(name)
		var p *Page
		switch {
		case !ok:
			s.pages.del(name)
		case old != nil && old.File == file && old.Blob == e.Blob && !old.placeholder:
			p = old
		case prov != nil && sameRead(prov.pages.at(name), file, e.Blob):
			p = prov.pages.at(name)
			s.pages.set(name, p)
		default:
			p = &Page{Name: name, File: file, Blob: e.Blob, Hidden: hidden(name)}
			s.pages.set(name, p)
			todo = append(todo, p)
		}
		if p != old {
			d.replaced = append(d.replaced, pagePair{old, p})
		}
	}
	slices.SortFunc(d.replaced, func(a, b pagePair) int { return strings.Compare(string(a.name()), string(b.name())) })
	// A provisional model from the tree reads no blob (provisional.go).
	if err := s.summarize(ctx, todo, s.provisional && prev.empty); err != nil {
		return err
	}
	for _, r := range d.replaced {
		if r.old == nil || r.new == nil || r.old.Title != r.new.Title {
			d.structural = true
		}
	}
	return nil
}

func (r pagePair) name() wikipath.Page {
	if r.new != nil {
		return r.new.Name
	}
	return r.old.Name
}

// summarize fills the summaries of new pages: from the facts cache when it
// has them, else by reading and parsing the blob, on all cores; with
// placeholders, leaving them empty instead.
func (s *Site) summarize(ctx context.Context, todo []*Page, placeholders bool) error {
	l := s.loader
	var read []*Page
	for _, p := range todo {
		switch sum, ok := l.facts.get(p.Blob, p.File); {
		case ok:
			p.Summary, p.textOnDisk = sum, true
		case placeholders:
			p.Summary, p.placeholder = placeholderSummary(), true
		default:
			read = append(read, p)
		}
	}
	// In base name order: git packs a blob as a delta against blobs of the
	// same base name (its delta search sorts by a hash of the name's last
	// characters), in chains up to 50 deep, so reading those together
	// finds the bases in go-git's object cache instead of undoing each
	// chain again. A first load of the 10k corpus: 27% less CPU.
	slices.SortFunc(read, func(a, b *Page) int {
		if c := strings.Compare(path.Base(a.File), path.Base(b.File)); c != 0 {
			return c
		}
		return strings.Compare(a.File, b.File)
	})
	if err := parallel.For(ctx, runtime.GOMAXPROCS(0), len(read), func(i int) error {
		return s.summarizePage(ctx, read[i])
	}); err != nil {
		return err
	}
	l.facts.put(read)
	for _, p := range read {
		p.leaveText(l.facts)
	}
	for _, p := range todo {
		p.settle()
	}
	return nil
}

// leaveText drops the text of a new page's summary once the facts cache
// holds it: only search needs it (PageText), and the text of every page
// was a fifth of the server's memory.
func (p *Page) leaveText(fc *facts) {
	if p.Summary.Text == "" || !fc.holds(p.Blob, p.File) {
		return
	}
	sum := *p.Summary
	sum.Text = ""
	p.Summary, p.textOnDisk = &sum, true
}

func (s *Site) summarizePage(ctx context.Context, p *Page) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("read %s: %w: %v", p.File, ErrLoadPanic, v)
		}
	}()
	if h := s.loader.summarizeHook; h != nil {
		h(p.File)
	}
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

// settle fills what a new page derives from its summary once.
func (p *Page) settle() {
	p.Title = p.Summary.Title
	if p.Title == "" {
		p.Title = p.Name.Title()
	}
	p.lower = strings.ToLower(p.Title)
	p.pathKey = key(string(p.Name))
	if !p.Hidden {
		p.keys = lookupKeys(p)
	}
}

// order updates the sorted page list, the folders and the fingerprint.
func (d *delta) order() {
	s, prev := d.s, d.prev
	if len(d.replaced) == 0 {
		s.sorted, s.folders, s.fingerprint = prev.sorted, prev.folders, prev.fingerprint
		return
	}
	// Merge the previous list, without the replaced names, with the new
	// pages; both are in name order.
	s.sorted = make([]*Page, 0, s.pages.len())
	i := 0
	for _, r := range d.replaced {
		n := r.name()
		for i < len(prev.sorted) && prev.sorted[i].Name < n {
			s.sorted = append(s.sorted, prev.sorted[i])
			i++
		}
		if i < len(prev.sorted) && prev.sorted[i].Name == n {
			i++
		}
		if r.new != nil {
			s.sorted = append(s.sorted, r.new)
		}
	}
	s.sorted = append(s.sorted, prev.sorted[i:]...)
	s.folders = prev.folders
	cloned := false
	for _, r := range d.replaced {
		if (r.old == nil) == (r.new == nil) {
			continue
		}
		if !cloned {
			s.folders, cloned = maps.Clone(prev.folders), true
		}
		step := 1
		if r.new == nil {
			step = -1
		}
		for f := r.name().Dir(); ; f = f.Dir() {
			if s.folders[f] += step; s.folders[f] <= 0 {
				delete(s.folders, f)
			}
			if f == wikipath.Root {
				break
			}
		}
	}
	if !d.structural {
		s.fingerprint = prev.fingerprint
		return
	}
	h := sha256.New()
	for _, p := range s.sorted {
		fmt.Fprintf(h, "%s\x00%s\x00", p.Name, p.Title)
	}
	s.fingerprint = hex.EncodeToString(h.Sum(nil))[:16]
	if s.provisional {
		// Never a full model's: HTML rendered with a provisional model is
		// cached under a key of its own.
		s.fingerprint = "provisional-" + s.fingerprint
	}
}

// lookups updates the name, base name and title lookups of FindWiki. An
// edit that keeps a page's title leaves them as they were.
func (d *delta) lookups() {
	s, prev := d.s, d.prev
	var todo []pagePair
	for _, r := range d.replaced {
		if r.old == nil || r.new == nil || !slices.Equal(r.old.keys, r.new.keys) || r.old.pathKey != r.new.pathKey {
			todo = append(todo, r)
		}
	}
	if len(todo) == 0 {
		s.byKey, s.byPath = prev.byKey, prev.byPath
		return
	}
	s.byKey, s.byPath = maps.Clone(prev.byKey), maps.Clone(prev.byPath)
	for _, r := range todo {
		if o := r.old; o != nil {
			removeName(s.byPath, o.pathKey, o.Name)
			for _, k := range o.keys {
				removeName(s.byKey, k, o.Name)
			}
		}
		if p := r.new; p != nil {
			insertName(s.byPath, p.pathKey, p.Name)
			for _, k := range p.keys {
				insertName(s.byKey, k, p.Name)
			}
		}
	}
}

// removeName drops n from m[k], copying the list (the previous model's
// maps share it).
func removeName(m map[string][]wikipath.Page, k string, n wikipath.Page) {
	list := m[k]
	i := slices.Index(list, n)
	if i < 0 {
		return
	}
	if len(list) == 1 {
		delete(m, k)
		return
	}
	m[k] = slices.Delete(slices.Clone(list), i, i+1)
}

// insertName adds n to m[k], kept in name order, copying the list.
func insertName(m map[string][]wikipath.Page, k string, n wikipath.Page) {
	list := m[k]
	i, found := slices.BinarySearch(list, n)
	if found {
		return
	}
	m[k] = slices.Insert(slices.Clone(list), i, n)
}

// resolve resolves the outgoing links of new pages, and, when lookups
// changed, of every page one of whose links could resolve differently
// now, then updates the backlinks of every target that gained or lost one.
func (d *delta) resolve() {
	s, prev := d.s, d.prev
	// A provisional model knows no page's links but the one shown, which
	// its rendering resolves: no backlinks until the full model.
	if len(d.replaced) == 0 || s.provisional {
		s.links, s.backlinks = prev.links, prev.backlinks
		return
	}
	s.links = prev.links.next()
	var sources []source
	isNew := map[*Page]bool{}
	for _, r := range d.replaced {
		sources = append(sources, source(r))
		if r.old != nil {
			s.links.del(r.old)
		}
		if r.new != nil {
			isNew[r.new] = true
		}
	}
	if d.structural && !prev.empty {
		for _, p := range s.dependents(d.probeKeys()) {
			if !isNew[p] {
				sources = append(sources, source{p, p})
			}
		}
	}
	resolved := s.resolveAll(sources)
	targets := map[wikipath.Page]bool{}
	for i, src := range sources {
		if src.old != nil {
			for _, t := range prev.links.at(src.old) {
				targets[t] = true
			}
		}
		if src.new != nil {
			if ls := resolved[i]; len(ls) > 0 {
				s.links.set(src.new, ls)
			} else {
				s.links.del(src.new)
			}
			for _, t := range resolved[i] {
				targets[t] = true
			}
		}
	}
	d.backlinks(sources, targets)
}

// source is a page whose links were resolved again: its previous version
// (nil when new) and its version now (nil when gone).
type source struct{ old, new *Page }

// backlinks redoes the backlinks of every target a redone source linked
// to before or links to now.
func (d *delta) backlinks(sources []source, targets map[wikipath.Page]bool) {
	s, prev := d.s, d.prev
	s.backlinks = prev.backlinks.next()
	redone := map[wikipath.Page]bool{}
	added := map[wikipath.Page][]*Page{}
	for _, src := range sources {
		if src.old != nil {
			redone[src.old.Name] = true
		}
		if src.new == nil {
			continue
		}
		redone[src.new.Name] = true
		if !src.new.Hidden {
			for _, t := range s.links.at(src.new) {
				added[t] = append(added[t], src.new)
			}
		}
	}
	for t := range targets {
		var list []*Page
		for _, p := range prev.backlinks.at(t) {
			if !redone[p.Name] {
				list = append(list, p)
			}
		}
		list = append(list, added[t]...)
		if len(list) == 0 {
			s.backlinks.del(t)
			continue
		}
		sortByTitle(list)
		s.backlinks.set(t, list)
	}
}

// resolveAll resolves the links of every source that still exists, on
// all cores when there are many: the model is only read meanwhile.
func (s *Site) resolveAll(sources []source) [][]wikipath.Page {
	out := make([][]wikipath.Page, len(sources))
	workers := min(runtime.GOMAXPROCS(0), 1+len(sources)/256)
	var g errgroup.Group
	for w := range workers {
		g.Go(func() error {
			for i := w; i < len(sources); i += workers {
				if p := sources[i].new; p != nil {
					out[i] = s.resolveLinks(p)
				}
			}
			return nil
		})
	}
	g.Wait()
	return out
}

// resolveLinks is a page's outgoing page links, resolved in this model,
// without duplicates or the page itself.
func (s *Site) resolveLinks(p *Page) []wikipath.Page {
	var out []wikipath.Page
	for _, l := range p.Summary.Links {
		t, ok := render.ResolveLink(s, p.Name, p.File, l)
		if !ok || t == p.Name || slices.Contains(out, t) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// Probes. Whether a link resolves, and to what, depends only on the pages
// its lookups find: exact names, and the folded keys of names and titles
// (see FindWiki and render.ResolveLink). A page's probes hash every
// lookup its links make; when pages come, go or change title, the pages
// whose probes meet the lookups those pages answer are resolved again.

var probeSeed = maphash.MakeSeed()

func probeName(n wikipath.Page) uint64 { return maphash.String(probeSeed, "n\x00"+string(n)) }
func probeKey(k string) uint64         { return maphash.String(probeSeed, "k\x00"+k) }
func probePath(k string) uint64        { return maphash.String(probeSeed, "p\x00"+k) }

// probeKeys are the lookups the replaced pages answer, before and after.
func (d *delta) probeKeys() map[uint64]bool {
	out := map[uint64]bool{}
	for _, r := range d.replaced {
		for _, p := range []*Page{r.old, r.new} {
			if p == nil {
				continue
			}
			out[probeName(p.Name)] = true
			out[probePath(p.pathKey)] = true
			for _, k := range p.keys {
				out[probeKey(k)] = true
			}
		}
	}
	return out
}

// dependents are the pages some of whose links make one of the lookups.
func (s *Site) dependents(keys map[uint64]bool) []*Page {
	l := s.loader
	l.probeMu.Lock()
	defer l.probeMu.Unlock()
	var out []*Page
	for _, p := range s.sorted {
		if p.probes == nil {
			p.probes = probesOf(p)
		}
		for _, h := range p.probes {
			if keys[h] {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// probesOf lists the lookups p's links make; never nil once computed.
func probesOf(p *Page) []uint64 {
	out := []uint64{}
	for _, l := range p.Summary.Links {
		switch l.Kind {
		case render.LinkMarkdown:
			dir := ""
			if i := strings.LastIndex(p.File, "/"); i >= 0 {
				dir = p.File[:i]
			}
			if j, err := wikipath.Join(dir, l.Target); err == nil {
				if n, ok := wikipath.FromFile(j); ok {
					out = append(out, probeName(n))
				}
			}
		case render.LinkWiki:
			target := strings.TrimSpace(l.Target)
			if j, err := wikipath.Join(string(p.Name.Dir()), target); err == nil {
				out = append(out, probeName(wikipath.Page(j)))
			}
			if c, err := wikipath.Parse(target); err == nil {
				out = append(out, probeName(c))
			}
			out = append(out, probeKey(key(target)), probePath(key(target)))
			if strings.Contains(target, "/") {
				out = append(out, probeKey(key(strings.ReplaceAll(target, "/", "\x00"))))
			}
		}
	}
	return out
}

// tagsAndAliases updates tags and categories for the replaced pages, and
// aliases, which depend on every page's name.
func (d *delta) tagsAndAliases() {
	s, prev := d.s, d.prev
	if len(d.replaced) == 0 {
		s.tags, s.cats, s.aliases = prev.tags, prev.cats, prev.aliases
		return
	}
	s.tags, s.cats = maps.Clone(prev.tags), maps.Clone(prev.cats)
	for _, r := range d.replaced {
		if o := r.old; o != nil && !o.Hidden {
			for _, t := range o.FrontMatter().Tags {
				removeAll(s.tags, strings.TrimSpace(t), o)
			}
			removeAll(s.cats, strings.TrimSpace(o.FrontMatter().Category), o)
		}
		if p := r.new; p != nil && !p.Hidden {
			fm := p.FrontMatter()
			for _, t := range fm.Tags {
				if t = strings.TrimSpace(t); t != "" {
					insertByName(s.tags, t, p)
				}
			}
			if c := strings.TrimSpace(fm.Category); c != "" {
				insertByName(s.cats, c, p)
			}
		}
	}
	if !d.aliasesChanged() {
		s.aliases = prev.aliases
		return
	}
	s.aliases = map[string]wikipath.Page{}
	for _, p := range s.sorted {
		if p.Hidden {
			continue
		}
		for _, a := range p.FrontMatter().Aliases {
			if clean, err := wikipath.Parse(strings.TrimSuffix(strings.TrimSuffix(a, "/"), ".md")); err == nil && clean != "" {
				if !s.pages.has(wikipath.Page(clean)) {
					s.aliases[string(clean)] = p.Name
				}
			}
		}
	}
}

// aliasesChanged reports whether the aliases may differ from the previous
// model's: pages came or went (a page takes an alias's name), or a
// replaced page's aliases changed. Working them out walks every page.
func (d *delta) aliasesChanged() bool {
	if d.structural || d.prev.empty {
		return true
	}
	for _, r := range d.replaced {
		if r.old == nil || r.new == nil || r.old.Hidden != r.new.Hidden || !slices.Equal(r.old.FrontMatter().Aliases, r.new.FrontMatter().Aliases) {
			return true
		}
	}
	return false
}

func removeAll(m map[string][]*Page, k string, p *Page) {
	if k == "" || !slices.Contains(m[k], p) {
		return
	}
	list := slices.DeleteFunc(slices.Clone(m[k]), func(q *Page) bool { return q == p })
	if len(list) == 0 {
		delete(m, k)
		return
	}
	m[k] = list
}

// nav rebuilds the navigation when its shape or order may have changed,
// else puts the new pages in the previous tree, copying only the nodes on
// their paths.
func (d *delta) nav() {
	s, prev := d.s, d.prev
	if len(d.replaced) == 0 && !d.settings {
		s.nav = prev.nav
		return
	}
	rebuild := d.structural || d.settings
	for _, r := range d.replaced {
		if !rebuild && r.old.FrontMatter().Weight != r.new.FrontMatter().Weight {
			rebuild = true
		}
	}
	if rebuild {
		s.nav = s.buildNav()
		return
	}
	s.nav = prev.nav
	for _, r := range d.replaced {
		if !r.new.Hidden && r.new.Name != wikipath.Root {
			s.nav = replaceNode(s.nav, r.new)
		}
	}
}

// replaceNode copies the path to p's node with p in it.
func replaceNode(nodes []*Node, p *Page) []*Node {
	for i, n := range nodes {
		if n.Name != p.Name && !inFolder(p.Name, n.Name) {
			continue
		}
		c := *n
		if n.Name == p.Name {
			c.Page, c.Title = p, p.Title
		} else {
			c.Children = replaceNode(n.Children, p)
		}
		out := slices.Clone(nodes)
		out[i] = &c
		return out
	}
	return nodes
}

// languages redoes languages and translations when anything they depend
// on changed, else moves the new pages into the previous groups.
func (d *delta) languages() {
	s, prev := d.s, d.prev
	if len(d.replaced) == 0 && !d.settings && !d.tops {
		s.l10n = prev.l10n.fresh()
		return
	}
	redo := d.structural || d.settings || d.tops
	for _, r := range d.replaced {
		if !redo && !sameLangFacts(r.old, r.new) {
			redo = true
		}
	}
	if redo {
		s.indexLanguages()
		return
	}
	x := prev.l10n.fresh()
	x.pages = prev.l10n.pages.next()
	x.groups = slices.Clone(prev.l10n.groups)
	for _, r := range d.replaced {
		pl := x.pages.at(r.old)
		x.pages.del(r.old)
		npl := *pl
		x.pages.set(r.new, &npl)
		if g := pl.group; g != nil {
			ng := &group{key: g.key, members: slices.Clone(g.members), source: g.source}
			for i, m := range ng.members {
				if m.page == r.old {
					ng.members[i].page = r.new
				}
			}
			if ng.source == r.old {
				ng.source = r.new
			}
			i, _ := slices.BinarySearchFunc(x.groups, g.key, func(a *group, k string) int { return strings.Compare(a.key, k) })
			x.groups[i] = ng
			for _, m := range ng.members {
				mpl := *x.pages.at(m.page)
				mpl.group = ng
				x.pages.set(m.page, &mpl)
			}
		}
	}
	s.l10n = x
}

// fresh is a copy of the derived facts with nothing computed from history.
func (x *l10n) fresh() *l10n {
	return &l10n{languages: x.languages, siteFolder: x.siteFolder, pages: x.pages, groups: x.groups, findings: x.findings, status: map[*group]*groupStatus{}}
}

// sameLangFacts reports whether two versions of a page agree on all the
// language and translation facts the model derives.
func sameLangFacts(a, b *Page) bool {
	fa, fb := a.FrontMatter(), b.FrontMatter()
	va, oka := translationOf(a)
	vb, okb := translationOf(b)
	return fa.Lang == fb.Lang && fa.TranslationKey == fb.TranslationKey && oka == okb && fmt.Sprint(va) == fmt.Sprint(vb) &&
		a.File == b.File && a.Title == b.Title
}

// insertByName adds p to m[k], kept in name order, copying the list.
func insertByName(m map[string][]*Page, k string, p *Page) {
	list := m[k]
	i, _ := slices.BinarySearchFunc(list, p.Name, func(q *Page, n wikipath.Page) int { return strings.Compare(string(q.Name), string(n)) })
	m[k] = slices.Insert(slices.Clone(list), i, p)
}
