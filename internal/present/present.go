// Package present assembles the views the theme renders from one commit's
// read model and one link scheme. It is the one place a view is built: the
// server and the static export both call it, and only choose the links and
// write the result, so the two can never drift apart.
package present

import (
	"context"
	"html/template"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gitwiki/gitwiki/internal/i18n"
	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// fullNavLimit is the wiki size up to which the sidebar lists every page;
// past it, only the path to the current page is expanded, so a page of a
// large wiki stays small on a slow link.
const fullNavLimit = 300

// Model is one commit's read model as one output publishes it. It is built
// once per commit and output and is safe for concurrent use by every view.
type Model struct {
	Site      *site.Site
	theme     *theme.Theme
	catalog   *i18n.Catalog // the theme's, with the content's _i18n/ over it
	published func(*site.Page) bool
	count     int // published pages
	nav       []*navNode
	navs      *navCache // shared with later models of the same navigation (NewFrom)
	// anyListed: published is the default, every listed page.
	anyListed bool
	// parts holds, per link scheme, the partials static views share
	// (theme.Parts): never shared with another commit's model, since the
	// footer shows the commit.
	parts partsByKey
}

// partsByKey hands out one theme.Parts per key, made on first use.
type partsByKey struct {
	mu sync.Mutex
	m  map[string]*theme.Parts
}

func (p *partsByKey) get(key string) *theme.Parts {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]*theme.Parts{}
	}
	if p.m[key] == nil {
		p.m[key] = theme.NewParts()
	}
	return p.m[key]
}

// New makes the model of st. published says which pages the output
// publishes (the static export leaves out drafts); nil publishes every
// listed page. With a theme, sidebar trees are rendered once per open folder
// and shared by the views that show them.
func New(st *site.Site, th *theme.Theme, published func(*site.Page) bool) *Model {
	m := newModel(st, th, published)
	m.nav, m.navs = m.buildNav(st.Nav()), &navCache{}
	return m
}

// NewFrom is New for the server's output (every listed page published),
// sharing with prev, a model of an earlier commit, the navigation tree and
// the sidebars rendered from it when st's navigation lists the same
// entries: after an edit that changed no title and moved no page, building
// the tree again (it walks every page) and rendering each sidebar again
// were most of the cost of the next view. prev may be nil.
func NewFrom(prev *Model, st *site.Site, th *theme.Theme) *Model {
	m := newModel(st, th, nil)
	if prev != nil && prev.anyListed && prev.theme == th && prev.count == m.count &&
		slices.Equal(prev.Site.Languages(), st.Languages()) && sameNav(prev.Site.Nav(), st.Nav()) {
		m.nav, m.navs = prev.nav, prev.navs
		return m
	}
	m.nav, m.navs = m.buildNav(st.Nav()), &navCache{}
	return m
}

// newModel is a model without its navigation.
func newModel(st *site.Site, th *theme.Theme, published func(*site.Page) bool) *Model {
	m := &Model{Site: st, theme: th, published: published, catalog: catalogOf(st, th), anyListed: published == nil}
	if published == nil {
		m.published = func(p *site.Page) bool { return !p.Hidden }
	}
	for _, p := range st.Pages() {
		if m.published(p) {
			m.count++
		}
	}
	return m
}

// catalogOf is the theme's catalog with the content's _i18n/ files over it.
// A content catalog that does not parse is left out, and reported in
// gitwiki check: the interface still speaks every other language.
func catalogOf(st *site.Site, th *theme.Theme) *i18n.Catalog {
	var base *i18n.Catalog
	if th != nil {
		base = th.Catalog()
	}
	if base == nil {
		return nil
	}
	files, err := st.CatalogFiles(context.Background())
	if err != nil || len(files) == 0 {
		return base
	}
	if c, err := base.With(files); err == nil {
		return c
	}
	return base
}

// Catalog is the interface catalog of this commit.
func (m *Model) Catalog() *i18n.Catalog { return m.catalog }

// Lang is the language of a view of current ("" for none): the page's,
// else its folder's, else the reader's choice.
func (m *Model) Lang(o Output, current wikipath.Page) *i18n.Lang {
	l, _ := m.langOf(o, current)
	return l
}

// FollowsReader reports whether a view of current speaks the reader's
// language (their pick, else their browser's) rather than a page's or a
// folder's own: such a view varies with the reader, and offers the picker.
func (m *Model) FollowsReader(current wikipath.Page) bool {
	_, reader := m.langOf(Output{}, current)
	return reader
}

// langOf is Lang, and whether the language is the reader's choice rather
// than the page's, so the view offers the picker.
func (m *Model) langOf(o Output, current wikipath.Page) (*i18n.Lang, bool) {
	if m.catalog == nil {
		return nil, false
	}
	st := m.Site
	if p, ok := st.Page(current); ok && current != "" {
		return m.catalog.Lang(st.Lang(p)), false
	}
	if l, ok := st.FolderLang(current); ok && current != "" {
		return m.catalog.Lang(l), false
	}
	return m.catalog.Lang(m.catalog.Choose(o.Choice, o.Accept, st.Settings.Language)), true
}

// picker is the interface-language picker of a view that follows the
// reader: every language the catalog speaks, the reader's choice marked.
func (m *Model) picker(o Output) ([]theme.LangOption, string) {
	langs := m.catalog.Languages()
	if len(langs) < 2 || o.Static {
		return nil, ""
	}
	chosen := ""
	if o.Choice != "" && m.catalog.Has(o.Choice) {
		chosen = m.catalog.Choose(o.Choice, "", "")
	}
	out := make([]theme.LangOption, 0, len(langs))
	for _, tag := range langs {
		out = append(out, theme.LangOption{Tag: tag, Selected: tag == chosen})
	}
	return out, chosen
}

// siteLang is the site's language, for what has no reader to speak to: the
// feeds, which feed readers fetch without saying what they read.
func (m *Model) siteLang() *i18n.Lang { return m.catalog.Lang(m.Site.Settings.Language) }

// Published reports whether the output publishes the page called name.
func (m *Model) Published(name wikipath.Page) bool {
	p, ok := m.Site.Page(name)
	return ok && m.published(p)
}

// Count is the number of published pages.
func (m *Model) Count() int { return m.count }

// listed is every published page.
func (m *Model) listed() []*site.Page {
	out := make([]*site.Page, 0, m.count)
	for _, p := range m.Site.Pages() {
		if m.published(p) {
			out = append(out, p)
		}
	}
	return out
}

// Output is what differs between outputs for one view: the links, and the
// sidebar and footer pages rendered with them.
type Output struct {
	Links theme.Links
	// Key names the link scheme in caches: two Outputs with the same Key
	// write the same URLs.
	Key     string
	Sidebar template.HTML
	Footer  template.HTML
	Static  bool
	// Choice and Accept are the reader's language choice (the picker's
	// cookie) and their browser's Accept-Language, for views that have no
	// language of their own.
	Choice, Accept string
}

// BaseT is Base with a title from the catalog: key and its arguments.
func (m *Model) BaseT(o Output, current wikipath.Page, key string, args ...any) theme.Base {
	b := m.Base(o, "", current)
	b.Title = b.I18n.T(key, args...)
	return b
}

// Base fills what every view shows; current is the page being shown, if any.
func (m *Model) Base(o Output, title string, current wikipath.Page) theme.Base {
	st := m.Site
	l, reader := m.langOf(o, current)
	b := theme.Base{
		I18n: l,
		Site: theme.Site{
			Title:       st.Settings.Title,
			Description: st.Settings.Description,
			Language:    st.Settings.Language,
			License:     st.Settings.License,
			LicenseURL:  st.Settings.LicenseURL,
			Footer:      st.Settings.Footer,
			Revision:    st.Commit.Short(),
			// The report is worth a link once a second language is in use.
			Multilingual: len(st.Languages()) > 1,
		},
		Links:   o.Links,
		Title:   title,
		Nav:     m.Nav(current),
		NavHTML: m.navHTML(o, l, current),
		Sidebar: o.Sidebar,
		Footer:  o.Footer,
		Static:  o.Static,
	}
	if reader {
		b.Picker, b.Chosen = m.picker(o)
	}
	if o.Static && o.Key != "" {
		// No reader, query or notice: the header and footer are the same
		// on every view of this link scheme and language.
		b.Parts = m.parts.get(o.Key)
	}
	return b
}

// Refs lists the published pages of ps as links, in the order given.
func (m *Model) Refs(ps []*site.Page) []theme.PageRef {
	out := make([]theme.PageRef, 0, len(ps))
	for _, p := range ps {
		if m.published(p) {
			out = append(out, theme.PageRef{Title: p.Title, Page: p.Name})
		}
	}
	return out
}

// Crumbs leads from the home page down to name's folder, in l's words. A
// folder whose own page is not published is named after the folder.
func (m *Model) Crumbs(l *i18n.Lang, name wikipath.Page) []theme.PageRef {
	if name == wikipath.Root {
		return nil
	}
	var out []theme.PageRef
	for _, n := range m.Site.Breadcrumbs(name) {
		t := n.Title
		lt, isLang := m.langFolderTitle(n.Name)
		switch {
		case n.Name == wikipath.Root:
			t = l.T("nav.home")
		case isLang:
			t = lt
		case n.Page == nil || !m.published(n.Page):
			t = n.Name.Title()
		}
		out = append(out, theme.PageRef{Title: t, Page: n.Name})
	}
	return out
}

// Page is the view of one page. last is its newest change, if known.
func (m *Model) Page(o Output, p *site.Page, doc *render.Document, last *store.Commit) *theme.PageView {
	st := m.Site
	b := m.Base(o, doc.Title, p.Name)
	v := &theme.PageView{
		Base:        b,
		Page:        p.Name,
		Doc:         doc,
		TOC:         theme.NestTOC(doc.TOC),
		Breadcrumbs: m.Crumbs(b.I18n, p.Name),
		LastChange:  Change(last),
		Backlinks:   m.Refs(st.Backlinks(p.Name)),
		Children:    m.children(p.Name),
		// A provisional model has not read the other pages' links yet.
		BacklinksPending: st.Provisional(),
	}
	if p.Name == wikipath.Root {
		v.Title = st.Settings.Title
		v.Breadcrumbs = nil
	}
	for _, t := range st.Translations(p) {
		if m.published(t) {
			v.Translations = append(v.Translations, theme.Translation{Lang: st.Lang(t), Page: t.Name})
		}
	}
	return v
}

// Folder is the listing of a folder that has published pages but no page of
// its own, subfolders included, in navigation order.
func (m *Model) Folder(o Output, name wikipath.Page) *theme.PageView {
	title := name.Title()
	if name == wikipath.Root {
		title = m.Site.Settings.Title
	}
	b := m.Base(o, title, name)
	v := &theme.PageView{
		Base:        b,
		Page:        name,
		Doc:         &render.Document{Summary: render.Summary{Title: title}},
		Breadcrumbs: m.Crumbs(b.I18n, name),
		Children:    m.children(name),
	}
	return v
}

// children are the entries of a folder as the sidebar lists them: its
// published pages and the subfolders that hold some.
func (m *Model) children(name wikipath.Page) []theme.PageRef {
	nodes := m.nav
	if name != wikipath.Root {
		n := findNav(m.nav, name)
		if n == nil {
			return nil
		}
		nodes = n.children
	}
	var out []theme.PageRef
	for _, n := range nodes {
		out = append(out, theme.PageRef{Title: n.title, Page: n.name})
	}
	return out
}

// Pages lists every published page by folder.
func (m *Model) Pages(o Output) *theme.PagesView {
	tree := navWalk{full: true}.items(nil, m.nav)
	// The count includes the home page, so the list shows it first; the
	// sidebar leaves it out, as the site's name links to it.
	if home, ok := m.Site.Page(wikipath.Root); ok && m.published(home) && !slices.ContainsFunc(tree, func(it *theme.NavItem) bool { return it.Page == wikipath.Root }) {
		tree = append([]*theme.NavItem{{Title: home.Title, Page: wikipath.Root}}, tree...)
	}
	return &theme.PagesView{Base: m.BaseT(o, "", "title.pages"), Tree: tree, Count: m.count}
}

// Tags lists every category and tag with its published pages' count.
func (m *Model) Tags(o Output) *theme.TagView {
	v := &theme.TagView{Base: m.BaseT(o, "", "title.tags")}
	for _, t := range m.Site.AllTags() {
		if n := len(m.Refs(m.Site.Tagged(t.Kind, t.Name))); n > 0 {
			v.All = append(v.All, theme.TagCount{Kind: t.Kind, Name: t.Name, Count: n})
		}
	}
	return v
}

// Tag lists the published pages of one tag or category; ok is false when
// there are none.
func (m *Model) Tag(o Output, kind, name string) (v *theme.TagView, ok bool) {
	refs := m.Refs(m.Site.Tagged(kind, name))
	if len(refs) == 0 {
		return nil, false
	}
	key := "title.tag"
	if kind == "category" {
		key = "title.category"
	}
	return &theme.TagView{Base: m.BaseT(o, "", key, "Name", name), Kind: kind, Tag: name, Pages: refs}, true
}

// Change is a commit as readers see it.
func Change(c *store.Commit) *theme.Change {
	if c == nil {
		return nil
	}
	ch := &theme.Change{
		Hash:       c.Hash.String(),
		Short:      c.Hash.Short(),
		Author:     c.Author.Name,
		Unverified: !pages.Verified(c.Author, c.Committer),
		Date:       c.Author.When,
		Summary:    c.Subject(),
	}
	// A merged proposal is its authors' change, reviewed by whoever merged it.
	if co := c.CoAuthors(); len(co) > 0 && len(c.Parents) > 1 {
		names := make([]string, 0, len(co))
		ch.Unverified = false
		for _, a := range co {
			names = append(names, a.Name)
			ch.Unverified = ch.Unverified || !pages.IsAccountEmail(a.Email)
		}
		ch.Author, ch.Reviewer = strings.Join(names, ", "), c.Author.Name
	}
	if len(c.Parents) > 0 {
		ch.Parent = c.Parents[0].String()
	}
	return ch
}

// Changes are recent changes as readers see them: the published pages each
// one touched (and pages since deleted, which still name what changed), and
// its other files.
func (m *Model) Changes(changes []site.Change) []theme.Change {
	out := make([]theme.Change, 0, len(changes))
	for _, sc := range changes {
		c := Change(sc.Commit)
		for _, p := range sc.Pages {
			if p.Page != nil && !m.published(p.Page) {
				continue
			}
			c.Pages = append(c.Pages, theme.PageRef{Title: p.Title(), Page: p.Name})
		}
		c.Files = sc.Files
		if len(c.Pages)+len(c.Files) > 0 {
			out = append(out, *c)
		}
	}
	return out
}

// Recent is the recent-changes view.
func (m *Model) Recent(o Output, changes []site.Change) *theme.RecentView {
	return &theme.RecentView{Base: m.BaseT(o, "", "title.recent"), Entries: m.Changes(changes)}
}

// navCache holds rendered sidebar trees by link scheme and open folder.
type navCache struct {
	mu sync.Mutex
	m  map[string]template.HTML
	// leaves are the sidebar's rendered leaves per link scheme and
	// language (theme.RenderNav), shared by every tree rendered for them.
	leaves partsByKey
}

func (c *navCache) leavesFor(key string, l *i18n.Lang) *theme.Parts {
	if l != nil {
		key += "\x00" + l.ID()
	}
	return c.leaves.get(key)
}

// epoch is the feed date of a wiki with no changes.
var epoch = time.Unix(0, 0).UTC()
