package site

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	st, _ := MustSite(t, map[string]string{
		"wiki.yaml":        "edit_policy: sometimes\n",
		"index.md":         "# Home\n\n[[Gone]] [[Idea]] ![x](pic.png) [ok](files/report.txt)\n\n[[Setup#Install steps]] [[Setup#Nowhere]] [s](Setup.md#install-steps)\n",
		"Idea.md":          "---\ndraft: true\n---\n# Idea\n",
		"Bad.md":           "---\ntitle: [unclosed\n---\nBody\n",
		"Setup.md":         "---\naliases: [Idea, old-setup]\n---\n# Setup\n\n## Install steps\n\nGo.\n\n![p](https://tracker.example.com/p.gif)\n",
		"Other.md":         "---\naliases: [old-setup]\n---\n# Other\n\n[[Gone]]\n",
		"_Sidebar.md":      "[[Nope]] [[Other]]",
		"files/report.txt": "r",
		"_templates/T.md":  "# T\n\n[[PLACEHOLDER]]\n",
	})
	got, err := st.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range got {
		lines = append(lines, f.String())
	}
	want := []string{
		"Bad.md: The front matter",
		"Other.md:6: link to [[Gone]]: no such page",
		"Setup.md: alias \"Idea\" is the name of a page",
		"Setup.md: alias \"old-setup\" is also an alias of Other.md",
		"_Sidebar.md:1: link to [[Nope]]: no such page",
		"index.md: link to pic.png: no such file",
		"index.md:3: link to [[Gone]]: no such page",
		"index.md:5: link to Setup#Nowhere: that page has no such heading",
		"wiki.yaml: edit_policy",
		"Bad.md: warning: no title",
		"Bad.md: warning: no page links here",
		"Gone.md: warning: wanted page: 2 pages link to it (Other.md, index.md)",
		"Nope.md: warning: wanted page: 1 page links to it (_Sidebar.md)",
		"Setup.md: warning: loads from other hosts (tracker.example.com)",
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d findings, want %d:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("finding %d: got %q, want it to start with %q", i, lines[i], want[i])
		}
	}
}
