package site

import (
	"sort"
	"strings"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Node is one entry of the navigation tree: a page, a folder, or both.
type Node struct {
	Name     wikipath.Page
	Title    string
	Page     *Page // nil for a folder without a page of its own
	Children []*Node
}

// Nav is the navigation tree below the home page. Top-level entries follow
// wiki.yaml's nav list first; everything else sorts by weight, then title.
func (s *Site) Nav() []*Node { return s.nav }

func (s *Site) buildNav() []*Node {
	root := &Node{Name: wikipath.Root}
	nodes := map[wikipath.Page]*Node{wikipath.Root: root}
	var get func(name wikipath.Page) *Node
	get = func(name wikipath.Page) *Node {
		if n, ok := nodes[name]; ok {
			return n
		}
		n := &Node{Name: name, Title: name.Title()}
		nodes[name] = n
		parent := get(name.Dir())
		parent.Children = append(parent.Children, n)
		return n
	}
	for _, p := range s.sorted {
		if p.Hidden || p.Name == wikipath.Root {
			continue
		}
		n := get(p.Name)
		n.Page, n.Title = p, p.Title
	}
	var order func(n *Node)
	order = func(n *Node) {
		sort.SliceStable(n.Children, func(i, j int) bool { return lessNode(n.Children[i], n.Children[j]) })
		for _, c := range n.Children {
			order(c)
		}
	}
	order(root)
	if len(s.Settings.Nav) > 0 {
		rank := map[string]int{}
		for i, name := range s.Settings.Nav {
			rank[strings.Trim(strings.TrimSuffix(name, ".md"), "/")] = i + 1
		}
		sort.SliceStable(root.Children, func(i, j int) bool {
			ri, rj := rank[string(root.Children[i].Name)], rank[string(root.Children[j].Name)]
			if ri == 0 || rj == 0 {
				return ri != 0 && rj == 0
			}
			return ri < rj
		})
	}
	return root.Children
}

func lessNode(a, b *Node) bool {
	wa, wb := 0, 0
	if a.Page != nil {
		wa = a.Page.FrontMatter().Weight
	}
	if b.Page != nil {
		wb = b.Page.FrontMatter().Weight
	}
	if wa != wb {
		if wa == 0 || wb == 0 {
			return wb == 0
		}
		return wa < wb
	}
	ta, tb := nodeLower(a), nodeLower(b)
	if ta != tb {
		return ta < tb
	}
	return a.Name < b.Name
}

// Breadcrumbs lists the pages and folders above name, from the home page down.
func (s *Site) Breadcrumbs(name wikipath.Page) []*Node {
	var out []*Node
	for d := name.Dir(); ; d = d.Dir() {
		if d == name {
			break
		}
		n := &Node{Name: d, Title: d.Title()}
		if p, ok := s.pages.get(d); ok {
			n.Page, n.Title = p, p.Title
		}
		out = append(out, n)
		if d == wikipath.Root {
			break
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func nodeLower(n *Node) string {
	if n.Page != nil {
		return n.Page.lowerTitle()
	}
	return strings.ToLower(n.Title)
}
