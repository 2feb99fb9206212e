package theme

import (
	"testing"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// TestMarkCurrentMatchesTemplate: a tree rendered once and marked after
// must be byte for byte what the template writes for an item with Current.
func TestMarkCurrentMatchesTemplate(t *testing.T) {
	th := MustLoadDefault(t)
	links := newFakeLinks("server")
	tree := func(current wikipath.Page) []*NavItem {
		return []*NavItem{
			{Title: "Guides", Page: "Guides", Open: current != "Guides", Current: current == "Guides", Children: []*NavItem{
				{Title: "Café & co", Page: "Guides/Café & co", Current: current == "Guides/Café & co"},
				{Title: "Backups", Page: "Guides/Backups", Current: current == "Guides/Backups"},
			}},
			{Title: "About", Page: "About", Current: current == "About"},
		}
	}
	for _, cur := range []wikipath.Page{"Guides/Café & co", "Guides/Backups", "Guides"} {
		want, err := th.RenderNav(nil, links, tree(cur), nil)
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := th.RenderNav(nil, links, tree(""), nil)
		got, ok := MarkCurrent(plain, links.Page(cur))
		if !ok || got != want {
			t.Errorf("current %q:\ngot  %s\nwant %s", cur, got, want)
		}
	}
}

// TestRenderNavKeepsLeaves: a tree rendered with kept leaves is byte for
// byte the tree rendered without, and the next tree reuses the leaves.
func TestRenderNavKeepsLeaves(t *testing.T) {
	th := MustLoadDefault(t)
	links := newFakeLinks("export")
	tree := func(current wikipath.Page, open bool) []*NavItem {
		guides := &NavItem{Title: "Guides", Page: "Guides"}
		if open {
			guides.Open = true
			guides.Children = []*NavItem{
				{Title: "Café & <co>", Page: "Guides/Café & co", Current: current == "Guides/Café & co"},
				{Title: "Backups", Page: "Guides/Backups", Current: current == "Guides/Backups"},
				{Title: "Guides", Page: "Guides", More: 12},
			}
		}
		return []*NavItem{guides, {Title: "About", Page: "About", Current: current == "About"}, {Page: "", More: 3}}
	}
	leaves := NewParts()
	for _, tc := range []struct {
		current wikipath.Page
		open    bool
	}{{"", true}, {"Guides/Backups", true}, {"About", false}, {"", false}} {
		want, err := th.RenderNav(nil, links, tree(tc.current, tc.open), nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := th.RenderNav(nil, links, tree(tc.current, tc.open), leaves)
		if err != nil || got != want {
			t.Errorf("current %q, open %v: with kept leaves (%v)\n%s\nwant\n%s", tc.current, tc.open, err, got, want)
		}
	}
	// Café, Backups, About; Guides closed: four leaves, each rendered once.
	if n := len(leaves.m); n != 4 {
		t.Errorf("%d leaves kept, want 4", n)
	}
}
