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
		want, err := th.RenderNav(nil, links, tree(cur))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := th.RenderNav(nil, links, tree(""))
		got, ok := MarkCurrent(plain, links.Page(cur))
		if !ok || got != want {
			t.Errorf("current %q:\ngot  %s\nwant %s", cur, got, want)
		}
	}
}
