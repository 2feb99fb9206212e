// Package present assembles the views the theme renders from one commit's
// read model and one link scheme. It is the one place a view is built: the
// server and the static export both call it, and only choose the links and
// write the result, so the two can never drift apart.
package present

import (
	"html/template"
	"sync"
	"time"

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
	published func(*site.Page) bool
	count     int // published pages
	nav       []*navNode
	navs      navCache
}

// New makes the model of st. published says which pages the output
// publishes (the static export leaves out drafts); nil publishes every
// listed page. With a theme, sidebar trees are rendered once per open folder
// and shared by the views that show them.
func New(st *site.Site, th *theme.Theme, published func(*site.Page) bool) *Model {
	if published == nil {
		published = func(p *site.Page) bool { return !p.Hidden }
	}
	m := &Model{Site: st, theme: th, published: published}
	for _, p := range st.Pages() {
		if published(p) {
			m.count++
		}
	}
	m.nav = m.buildNav(st.Nav())
	return m
}

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
}

// Base fills what every view shows; current is the page being shown, if any.
func (m *Model) Base(o Output, title string, current wikipath.Page) theme.Base {
	st := m.Site
	return theme.Base{
		Site: theme.Site{
			Title:       st.Settings.Title,
			Description: st.Settings.Description,
			Language:    st.Settings.Language,
			License:     st.Settings.License,
			LicenseURL:  st.Settings.LicenseURL,
			Footer:      st.Settings.Footer,
			Revision:    st.Commit.Short(),
		},
		Links:   o.Links,
		Title:   title,
		Nav:     m.Nav(current),
		NavHTML: m.navHTML(o, current),
		Sidebar: o.Sidebar,
		Footer:  o.Footer,
		Static:  o.Static,
	}
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

// Crumbs leads from the home page down to name's folder. A folder whose own
// page is not published is named after the folder.
func (m *Model) Crumbs(name wikipath.Page) []theme.PageRef {
	if name == wikipath.Root {
		return nil
	}
	var out []theme.PageRef
	for _, n := range m.Site.Breadcrumbs(name) {
		t := n.Title
		switch {
		case n.Name == wikipath.Root:
			t = "Home"
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
	v := &theme.PageView{
		Base:        m.Base(o, doc.Title, p.Name),
		Page:        p.Name,
		Doc:         doc,
		TOC:         theme.NestTOC(doc.TOC),
		Breadcrumbs: m.Crumbs(p.Name),
		LastChange:  Change(last),
		Backlinks:   m.Refs(st.Backlinks(p.Name)),
		Children:    m.children(p.Name),
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
	v := &theme.PageView{
		Base:        m.Base(o, title, name),
		Page:        name,
		Doc:         &render.Document{Summary: render.Summary{Title: title}},
		Breadcrumbs: m.Crumbs(name),
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
	return &theme.PagesView{Base: m.Base(o, "All pages", ""), Tree: navItems(m.nav, "", "", true), Count: m.count}
}

// Tags lists every category and tag with its published pages' count.
func (m *Model) Tags(o Output) *theme.TagView {
	v := &theme.TagView{Base: m.Base(o, "Tags and categories", "")}
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
	title := "Tag: " + name
	if kind == "category" {
		title = "Category: " + name
	}
	return &theme.TagView{Base: m.Base(o, title, ""), Kind: kind, Tag: name, Pages: refs}, true
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
	return &theme.RecentView{Base: m.Base(o, "Recent changes", ""), Entries: m.Changes(changes)}
}

// navCache holds rendered sidebar trees by link scheme and open folder.
type navCache struct {
	mu sync.Mutex
	m  map[string]template.HTML
}

// epoch is the feed date of a wiki with no changes.
var epoch = time.Unix(0, 0).UTC()
