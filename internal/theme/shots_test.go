package theme

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteShots writes every sample view and the hashed assets to the
// directory in $THEMESHOTS, for looking at the theme in a browser:
//
//	THEMESHOTS=/tmp/themeshots go test ./internal/theme -run WriteShots
func TestWriteShots(t *testing.T) {
	dir := os.Getenv("THEMESHOTS")
	if dir == "" {
		t.Skip("set THEMESHOTS to a directory to write sample pages")
	}
	th := MustLoadDefault(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, a := range th.Assets() {
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(a.Hashed)), a.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, mode := range []string{"server", "static"} {
		l := newFakeLinks(mode)
		l.asset = func(name string) string { h, _ := th.AssetName(name); return h }
		cases := sampleCases(t, l)
		if mode == "static" {
			l.index = "search-index.js"
			p := cases["page"].data.(*PageView)
			p.Static = true
			s := cases["search"].data.(*SearchView)
			s.Static, s.Query, s.Results = true, "", nil
			cases = map[string]sampleVariant{
				"page-static":      {"page", p},
				"search-static":    {"search", s},
				"proposals-static": cases["proposals"],
				"proposal-static":  cases["proposal"],
			}
		}
		for name, c := range cases {
			f, err := os.Create(filepath.Join(dir, name+".html"))
			if err != nil {
				t.Fatal(err)
			}
			if err := th.Execute(f, c.view, c.data); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
	}
	index := `window.gitwikiSearch = [
{"title": "Mapping information assets", "url": "mapping.html", "text": "This activity helps a group see what information it holds, where that information lives and who can reach it."},
{"title": "Glossary", "url": "glossary.html", "text": "Information asset: anything of value to the organisation. Threat: something that could harm an asset."},
{"title": "Incident response first steps", "url": "incident.html", "text": "What to do in the first hour when an account is taken over."}
];
`
	if err := os.WriteFile(filepath.Join(dir, "search-index.js"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	// Variants worth looking at.
	l := newFakeLinks("server")
	l.asset = func(name string) string { h, _ := th.AssetName(name); return h }
	old := samplePageView(t, l)
	old.Rev = sampleHashB
	old.Doc.Warnings = []string{"The front matter is not valid YAML (line 3): mapping values are not allowed here"}
	old.Children = []PageRef{{Title: "Circles of trust", Page: "a"}, {Title: "Threat modelling with a timeline", Page: "b"}, {Title: "Mapping information assets", Page: "c"}}
	// With accounts on: the Log in link, a maintainer signed in who has just
	// published an edit, and the editor and a proposal as that maintainer.
	acc := accountLinks{l}
	login := samplePageView(t, acc)
	saved := samplePageView(t, acc)
	saved.User, saved.Maintainer = "maria", true
	saved.Notice = "Your change was published."
	edit := sampleEditViews(t, acc)["edit"].(*EditView)
	edit.User, edit.Maintainer = "maria", true
	edit.Base.Maintainer = true
	variants := map[string]sampleVariant{
		"page-old":   {"page", old},
		"page-login": {"page", login},
		"page-saved": {"page", saved},
		"edit-user":  {"edit", edit},
	}
	for name, c := range variants {
		f, err := os.Create(filepath.Join(dir, name+".html"))
		if err != nil {
			t.Fatal(err)
		}
		if err := th.Execute(f, c.view, c.data); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}
