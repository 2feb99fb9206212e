package export

import (
	"context"
	"html/template"
	"path"
	"strings"
	"sync"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// fullNavLimit is the server's: up to this many pages the sidebar lists
// every page; past it, only the path to the current page is expanded.
const fullNavLimit = 300

// navNode is one published entry of the sidebar. Its NavItems are built once
// and shared by every page they are not on the path to, since those are the
// same everywhere; only the path to the current page is built per page.
type navNode struct {
	name     wikipath.Page
	title    string
	children []*navNode
	full     *theme.NavItem // with every descendant, closed
	bare     *theme.NavItem // without children
}

func (b *build) buildNav(nodes []*site.Node) []*navNode {
	var out []*navNode
	for _, n := range nodes {
		kids := b.buildNav(n.Children)
		published := b.plan.pages[n.Name] != nil
		if !published && len(kids) == 0 {
			continue
		}
		title := n.Title
		if !published {
			title = n.Name.Title()
		}
		nn := &navNode{name: n.Name, title: title, children: kids}
		nn.bare = &theme.NavItem{Title: title, Page: n.Name}
		nn.full = &theme.NavItem{Title: title, Page: n.Name}
		for _, k := range kids {
			nn.full.Children = append(nn.full.Children, k.full)
		}
		out = append(out, nn)
	}
	return out
}

// navItems is the sidebar as the server builds it for the current page.
func navItems(nodes []*navNode, current wikipath.Page, full bool) []*theme.NavItem {
	return navItemsOpen(nodes, current, current, full)
}

// navItemsOpen builds the sidebar with the folders down to open expanded
// and current marked; current "" marks nothing.
func navItemsOpen(nodes []*navNode, open, current wikipath.Page, full bool) []*theme.NavItem {
	out := make([]*theme.NavItem, len(nodes))
	for i, n := range nodes {
		onPath := n.name == open || strings.HasPrefix(string(open)+"/", string(n.name)+"/")
		switch {
		case onPath:
			it := &theme.NavItem{Title: n.title, Page: n.name, Current: n.name == current, Open: n.name != current}
			it.Children = navItemsOpen(n.children, open, current, full)
			out[i] = it
		case full:
			out[i] = n.full
		default:
			out[i] = n.bare
		}
	}
	return out
}

// navHTML is the rendered sidebar tree for the current page. The tree is
// the same for every page that opens the same folders at the same depth,
// but for which link is marked current, so it is rendered once per folder
// and depth and the current link is marked in the copy: the templates ran
// for every page were a third of an export's time.
func (b *build) navHTML(sc scheme, current wikipath.Page) template.HTML {
	open := current.Dir()
	if current == wikipath.Root {
		open = wikipath.Root
	} else if n := findNav(b.nav, current); n != nil && len(n.children) > 0 {
		open = current // a folder page shows its own pages
	}
	key := sc.prefix + "\x00" + string(open)
	b.navs.mu.Lock()
	html, ok := b.navs.m[key]
	b.navs.mu.Unlock()
	if !ok {
		items := navItemsOpen(b.nav, open, "", len(b.plan.list) <= fullNavLimit)
		var err error
		if html, err = b.opts.Theme.RenderNav(links{sc}, items); err != nil {
			return ""
		}
		b.navs.mu.Lock()
		if b.navs.m == nil {
			b.navs.m = map[string]template.HTML{}
		}
		b.navs.m[key] = html
		b.navs.mu.Unlock()
	}
	if current != wikipath.Root {
		html, _ = theme.MarkCurrent(html, links{sc}.Page(current))
	}
	return html
}

// navCache holds rendered sidebar trees by URL prefix and open folder.
type navCache struct {
	mu sync.Mutex
	m  map[string]template.HTML
}

// findNav finds the published nav entry of a folder, nil for the root.
func findNav(nodes []*navNode, name wikipath.Page) *navNode {
	for _, n := range nodes {
		if n.name == name {
			return n
		}
		if strings.HasPrefix(string(name)+"/", string(n.name)+"/") {
			return findNav(n.children, name)
		}
	}
	return nil
}

// chrome is the rendered sidebar and footer for one URL prefix. Their links
// depend only on how deep the page is, so each is rendered once per depth
// rather than once per page.
type chrome struct {
	sidebar, footer template.HTML
}

type chromeCache struct {
	mu      sync.Mutex
	byPre   map[string]chrome
	checked bool
}

func (b *build) chrome(ctx context.Context, sc scheme) chrome {
	b.chromes.mu.Lock()
	defer b.chromes.mu.Unlock()
	if c, ok := b.chromes.byPre[sc.prefix]; ok {
		return c
	}
	var c chrome
	for _, name := range []wikipath.Page{site.SidebarPage, site.FooterPage} {
		p, ok := b.plan.st.Page(name)
		if !ok {
			continue
		}
		doc, missing, err := b.render(ctx, p, sc)
		if err != nil {
			continue
		}
		if !b.chromes.checked {
			b.linkProblems(p, missing)
		}
		if name == site.SidebarPage {
			c.sidebar = doc.HTML
		} else {
			c.footer = doc.HTML
		}
	}
	b.chromes.checked = true
	b.chromes.byPre[sc.prefix] = c
	return c
}

// render renders a page with URLs relative to the output file sc is for.
// Pages are rendered once per build, so the render cache is not used.
func (b *build) render(ctx context.Context, p *site.Page, sc scheme) (*render.Document, []string, error) {
	src, err := b.plan.st.Source(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	urls := &contentURLs{scheme: sc}
	raw := hasRawURL(src)
	if raw {
		urls.made = map[string]bool{}
	}
	doc := b.renderer.Render(src, render.Context{Page: p.Name, File: p.File, Resolver: b.res, URLs: urls})
	if raw {
		dir := path.Dir(p.File)
		if dir == "." {
			dir = ""
		}
		doc.HTML = fixRawURLs(doc.HTML, urls, urls.made, dir)
	}
	return doc, urls.missing, nil
}

// base fills what every view shows, as the server's base does.
func (b *build) base(ctx context.Context, sc scheme, title string, current wikipath.Page) theme.Base {
	st := b.plan.st
	c := b.chrome(ctx, sc)
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
		Links:   links{sc},
		Title:   title,
		NavHTML: b.navHTML(sc, current),
		Sidebar: c.sidebar,
		Footer:  c.footer,
		Static:  true,
	}
}

// refs keeps the published pages, by title.
func (b *build) refs(ps []*site.Page) []theme.PageRef {
	out := make([]theme.PageRef, 0, len(ps))
	for _, p := range ps {
		if b.plan.pages[p.Name] != nil {
			out = append(out, theme.PageRef{Title: p.Title, Page: p.Name})
		}
	}
	return out
}

func (b *build) crumbs(name wikipath.Page) []theme.PageRef {
	if name == wikipath.Root {
		return nil
	}
	var out []theme.PageRef
	for _, n := range b.plan.st.Breadcrumbs(name) {
		t := n.Title
		switch {
		case n.Name == wikipath.Root:
			t = "Home"
		case b.plan.pages[n.Name] == nil:
			t = n.Name.Title()
		}
		out = append(out, theme.PageRef{Title: t, Page: n.Name})
	}
	return out
}

// pageView is the page as the server shows it at the head.
func (b *build) pageView(ctx context.Context, p *site.Page, sc scheme, doc *render.Document) *theme.PageView {
	st := b.plan.st
	v := &theme.PageView{
		Base:        b.base(ctx, sc, doc.Title, p.Name),
		Page:        p.Name,
		Doc:         doc,
		TOC:         theme.NestTOC(doc.TOC),
		Breadcrumbs: b.crumbs(p.Name),
		LastChange:  change(b.hist.lastChange(p)),
		Backlinks:   b.refs(st.Backlinks(p.Name)),
	}
	if st.IsFolder(p.Name) {
		// Children walks every page: only folder pages have any.
		v.Children = b.refs(st.Children(p.Name))
	}
	if p.Name == wikipath.Root {
		v.Title = st.Settings.Title
		v.Breadcrumbs = nil
	}
	for _, t := range st.Translations(p) {
		if b.plan.pages[t.Name] != nil {
			v.Translations = append(v.Translations, theme.Translation{Lang: st.Lang(t), Page: t.Name})
		}
	}
	return v
}

// folderView lists a folder that has published pages but no page of its own,
// subfolders included, in navigation order.
func (b *build) folderView(ctx context.Context, name wikipath.Page, sc scheme) *theme.PageView {
	title := name.Title()
	v := &theme.PageView{
		Base:        b.base(ctx, sc, title, name),
		Page:        name,
		Doc:         &render.Document{Summary: render.Summary{Title: title}},
		Breadcrumbs: b.crumbs(name),
	}
	nodes := b.nav
	if name != wikipath.Root {
		if n := findNav(b.nav, name); n != nil {
			nodes = n.children
		} else {
			nodes = nil
		}
	}
	for _, n := range nodes {
		v.Children = append(v.Children, theme.PageRef{Title: n.title, Page: n.name})
	}
	if name == wikipath.Root {
		v.Title = b.plan.st.Settings.Title
		v.Doc.Title = b.plan.st.Settings.Title
	}
	return v
}
