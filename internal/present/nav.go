package present

import (
	"html/template"
	"slices"
	"strconv"
	"strings"

	"github.com/gitwiki/gitwiki/internal/i18n"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// navNode is one published entry of the sidebar. Its NavItems are built once
// and shared by every view they are not on the path to, since those are the
// same everywhere; only the path to the current page is built per view.
type navNode struct {
	name     wikipath.Page
	title    string
	children []*navNode
	full     *theme.NavItem // with every descendant, closed
	bare     *theme.NavItem // without children
}

// buildNav keeps the published entries of the read model's tree, and the
// folders that hold some. A folder whose own page is not published is named
// after the folder.
func (m *Model) buildNav(nodes []*site.Node) []*navNode {
	var out []*navNode
	for _, n := range nodes {
		kids := m.buildNav(n.Children)
		published := n.Page != nil && m.published(n.Page)
		if !published && len(kids) == 0 {
			continue
		}
		title := n.Title
		if lt, ok := m.langFolderTitle(n.Name); ok {
			title = lt // each language's home is often titled "Home": name it after its language
		} else if !published {
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

// langFolderTitle names a language's folder (en/, es/) after the language,
// as wiki.yaml names it or as it calls itself; ok is false for any other.
func (m *Model) langFolderTitle(name wikipath.Page) (string, bool) {
	for _, l := range m.Site.Languages() {
		if l.Folder != "" && l.Folder == name {
			if l.Name != "" {
				return l.Name, true
			}
			return i18n.SelfName(l.Code), true
		}
	}
	return "", false
}

// Nav is the sidebar tree for a view of current ("" for none): the folders
// down to it open, it marked, and everything else closed.
func (m *Model) Nav(current wikipath.Page) []*theme.NavItem {
	return navWalk{open: m.open(current), current: current, keep: current, full: m.count <= fullNavLimit}.items(nil, m.nav)
}

// open is the folder the sidebar opens for current: its own folder, or
// itself when it is a folder with entries of its own.
func (m *Model) open(current wikipath.Page) wikipath.Page {
	if current == wikipath.Root || current == "" {
		return current
	}
	if n := findNav(m.nav, current); n != nil && len(n.children) > 0 {
		return current
	}
	return current.Dir()
}

// navFolderLimit is how many entries of one folder the sidebar of a large
// wiki lists (theme.NavItem.More links to the rest): a folder of 260 pages
// made every page of a 10,000-page wiki carry 25 KB of sidebar, two
// thirds of the page, and a phone's menu a list to scroll through.
const navFolderLimit = 50

// navWalk says how to build a sidebar tree: the folders down to open
// expanded and current marked ("" marks nothing). A folder of more than
// navFolderLimit entries lists one window of them: the one holding the
// entry on the path to keep (the page being shown), so that the sidebar
// says where the reader is and shows its neighbours; links to the folder's
// page stand for the entries before and after. Off the path, a full tree
// lists every descendant and a small one none; a full tree is never cut
// (it is for a wiki of at most fullNavLimit pages).
type navWalk struct {
	open, current, keep wikipath.Page
	full                bool
}

func (w navWalk) onPath(n *navNode) bool {
	return w.open != "" && inFolder(w.open, n.name)
}

// inFolder reports whether name is folder or under it, without building
// strings: the sidebar asks it of every entry on the way to a page.
func inFolder(name, folder wikipath.Page) bool {
	n, f := string(name), string(folder)
	return strings.HasPrefix(n, f) && (len(n) == len(f) || n[len(f)] == '/')
}

// items builds the entries of parent (nil for the top level), nodes.
func (w navWalk) items(parent *navNode, nodes []*navNode) []*theme.NavItem {
	start, end := 0, len(nodes)
	if !w.full && len(nodes) > navFolderLimit {
		for i, n := range nodes {
			if w.onPath(n) || n.name == w.keep {
				start = i / navFolderLimit * navFolderLimit
				break
			}
		}
		end = min(start+navFolderLimit, len(nodes))
	}
	out := make([]*theme.NavItem, 0, end-start+2)
	if start > 0 {
		out = append(out, moreItem(parent, start, true))
	}
	for _, n := range nodes[start:end] {
		switch onPath := w.onPath(n); {
		case onPath || n.name == w.current:
			it := &theme.NavItem{Title: n.title, Page: n.name, Current: n.name == w.current, Open: onPath && n.name != w.current}
			it.Children = w.items(n, n.children)
			out = append(out, it)
		case w.full:
			out = append(out, n.full)
		default:
			out = append(out, n.bare)
		}
	}
	if end < len(nodes) {
		out = append(out, moreItem(parent, len(nodes)-end, false))
	}
	return out
}

// moreItem stands for n entries of parent's list left out, before the
// listed ones when earlier; titled after the folder for a theme that does
// not know More.
func moreItem(parent *navNode, n int, earlier bool) *theme.NavItem {
	it := &theme.NavItem{Page: wikipath.Root, More: n, Earlier: earlier}
	if parent != nil {
		it.Title, it.Page = parent.title, parent.name
	}
	return it
}

// navWindow is which window of its folder's entries the sidebar of current
// lists (see navWalk), 0 when the folder is not cut: the rendered tree is
// shared by the views that open the same folder and window.
func (m *Model) navWindow(open, current wikipath.Page) int {
	if current == "" || current == wikipath.Root || m.count <= fullNavLimit || current == open {
		return 0
	}
	siblings := m.nav
	if open != wikipath.Root {
		n := findNav(m.nav, open)
		if n == nil {
			return 0
		}
		siblings = n.children
	}
	if i := slices.IndexFunc(siblings, func(n *navNode) bool { return n.name == current }); i >= 0 {
		return i / navFolderLimit
	}
	return 0
}

// navHTML is the rendered sidebar tree for a view of current, "" without a
// theme. The tree is the same for every view that opens the same folder but
// for which link is marked, so it is rendered once per link scheme and open
// folder (and window of a folder cut at navFolderLimit) and the current
// link is marked in the copy: executing the tree's templates for every
// page was a third of an export's time.
func (m *Model) navHTML(o Output, l *i18n.Lang, current wikipath.Page) template.HTML {
	if m.theme == nil || o.Key == "" {
		return ""
	}
	open := m.open(current)
	key := o.Key + "\x00" + string(open) + "\x00" + strconv.Itoa(m.navWindow(open, current))
	if l != nil {
		key += "\x00" + l.ID()
	}
	m.navs.mu.Lock()
	html, ok := m.navs.m[key]
	m.navs.mu.Unlock()
	if !ok {
		var err error
		html, err = m.theme.RenderNav(l, o.Links, navWalk{open: open, keep: current, full: m.count <= fullNavLimit}.items(nil, m.nav), m.navs.leavesFor(o.Key, l))
		if err != nil {
			return "" // the layout renders Nav itself, and reports the error
		}
		m.navs.mu.Lock()
		if m.navs.m == nil {
			m.navs.m = map[string]template.HTML{}
		}
		m.navs.m[key] = html
		m.navs.mu.Unlock()
	}
	if current != "" && current != wikipath.Root {
		html, _ = theme.MarkCurrent(html, o.Links.Page(current))
	}
	return html
}

// sameNav reports whether two navigation trees list the same entries,
// titled alike and in the same order, each with or without a listed page
// of its own. Nodes and lists two commits' models share are the same and
// not walked, so the comparison follows only what changed.
func sameNav(a, b []*site.Node) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) > 0 && &a[0] == &b[0] {
		return true
	}
	for i, x := range a {
		y := b[i]
		if x == y {
			continue
		}
		if x.Name != y.Name || x.Title != y.Title || listed(x.Page) != listed(y.Page) || !sameNav(x.Children, y.Children) {
			return false
		}
	}
	return true
}

func listed(p *site.Page) bool { return p != nil && !p.Hidden }

// findNav finds the published nav entry of a page or folder, nil for the
// root and for what the sidebar does not list.
func findNav(nodes []*navNode, name wikipath.Page) *navNode {
	for _, n := range nodes {
		if n.name == name {
			return n
		}
		if inFolder(name, n.name) {
			return findNav(n.children, name)
		}
	}
	return nil
}
