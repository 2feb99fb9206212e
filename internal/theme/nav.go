package theme

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/gitwiki/gitwiki/internal/i18n"
)

// RenderNav renders the sidebar navigation tree on its own, exactly as the
// layout does, so a caller that shows one tree on many pages (the static
// export) renders it once and sets Base.NavHTML. The theme must have the
// "page" view; "nav-tree" is a partial every view shares.
//
// leaves, when not nil, keeps each leaf's rendered item (a page, or a
// closed folder) for the next trees of the same link scheme and language:
// the trees of one wiki list mostly the same leaves, and executing
// "nav-item" for each of them again was most of rendering a tree.
func (t *Theme) RenderNav(l *i18n.Lang, links Links, items []*NavItem, leaves *Parts) (template.HTML, error) {
	if l == nil {
		l = t.catalog.Lang(i18n.Source)
	}
	tmpl, err := t.view(l, "page")
	if err != nil {
		return "", err
	}
	if leaves != nil {
		if err := renderLeaves(tmpl, links, items, leaves); err != nil {
			return "", fmt.Errorf("theme: render nav: %w", err)
		}
		links = leafLinks{Links: links, leaves: leaves}
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "nav-tree", tree(links, items)); err != nil {
		return "", fmt.Errorf("theme: render nav: %w", err)
	}
	return template.HTML(buf.String()), nil
}

// leafLinks carries the rendered leaves down the tree (see tree).
type leafLinks struct {
	Links
	leaves *Parts
}

func isLeaf(it *NavItem) bool { return len(it.Children) == 0 && !it.Current && it.More == 0 }

func leafKey(it *NavItem) string { return string(it.Page) + "\x00" + it.Title }

// renderLeaves renders, with "nav-item", the leaves of items not yet kept.
func renderLeaves(tmpl *template.Template, links Links, items []*NavItem, leaves *Parts) error {
	var buf bytes.Buffer
	for _, it := range items {
		if !isLeaf(it) {
			if err := renderLeaves(tmpl, links, it.Children, leaves); err != nil {
				return err
			}
			continue
		}
		if _, ok := leaves.get(leafKey(it)); ok {
			continue
		}
		buf.Reset()
		if err := tmpl.ExecuteTemplate(&buf, "nav-item", NavNode{Links: links, Item: it}); err != nil {
			return err
		}
		leaves.put(leafKey(it), template.HTML(buf.String()))
	}
	return nil
}

// hrefTmpl writes a link's opening tag as the nav templates do, so MarkCurrent
// finds it byte for byte, escaping included.
var hrefTmpl = template.Must(template.New("a").Parse(`<a href="{{.}}">`))

// MarkCurrent marks the link to href in a tree from RenderNav as the current
// page, as the template does for an item with Current set. It reports false
// when the tree has no such link.
func MarkCurrent(nav template.HTML, href string) (template.HTML, bool) {
	var b strings.Builder
	if err := hrefTmpl.Execute(&b, href); err != nil {
		return nav, false
	}
	open := b.String()
	i := strings.Index(string(nav), open)
	if i < 0 {
		return nav, false
	}
	marked := strings.TrimSuffix(open, ">") + ` aria-current="page">`
	return template.HTML(string(nav)[:i] + marked + string(nav)[i+len(open):]), true
}
