package e2e

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/themes"
)

// dataPage replaces the default theme's page view with one that writes the
// view's data, not its HTML: the navigation tree (with the current and open
// marks), the breadcrumbs, the table of contents, backlinks, children and
// translations, each by page name and title. Links are left out: the server
// writes absolute ones and the export relative ones.
const dataPage = `{{define "content"}}{{end}}
{{define "data"}}page={{.Page}}
title={{.Doc.Title}}
crumbs={{range .Breadcrumbs}}[{{.Page}}|{{.Title}}]{{end}}
toc={{template "tocd" .TOC}}
backlinks={{range .Backlinks}}[{{.Page}}|{{.Title}}]{{end}}
children={{range .Children}}[{{.Page}}|{{.Title}}]{{end}}
translations={{range .Translations}}[{{.Page}}|{{.Lang}}]{{end}}
nav={{template "navd" .Nav}}
{{end}}
{{define "tocd"}}{{range .}}({{.ID}}|{{.Text}}{{template "tocd" .Children}}){{end}}{{end}}
{{define "navd"}}{{range .}}({{.Page}}|{{.Title}}{{if .Current}}|current{{end}}{{if .Open}}|open{{end}}{{template "navd" .Children}}){{end}}{{end}}
`

// dataTheme writes the default theme with the data page view and a layout
// that shows only the data block.
func dataTheme(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "theme")
	err := fs.WalkDir(themes.FS, "default", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		out := filepath.Join(dir, strings.TrimPrefix(name, "default"))
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		b, err := fs.ReadFile(themes.FS, name)
		if err != nil {
			return err
		}
		switch name {
		case "default/templates/layout.html":
			b = []byte(`{{define "layout"}}{{block "data" .}}{{end}}{{end}}`)
		case "default/templates/page.html":
			b = []byte(dataPage)
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// TestServerAndExportShareViews: for the same page, the server and the
// static export show the same navigation tree, breadcrumbs, table of
// contents, backlinks, children and translations, compared as data.
func TestServerAndExportShareViews(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	repo := filepath.Join(tmp, "wiki.git")
	if stdout, stderr, code := runGitwiki(t, "init", repo); code != 0 {
		t.Fatalf("gitwiki init: exit %d\n%s%s", code, stdout, stderr)
	}
	th := dataTheme(t)
	out := filepath.Join(tmp, "site")
	if stdout, stderr, code := runGitwiki(t, "build", "--repo", repo, "--theme", th, "--out", out); code != 0 {
		t.Fatalf("gitwiki build: exit %d\n%s%s", code, stdout, stderr)
	}
	s := StartServer(t, "--repo", repo, "--theme", th)
	pages := []string{"", "Guides", "Guides/Backups", "Facilitation", "Facilitation/Threat-modelling-with-a-timeline", "Glossary"}
	for _, p := range pages {
		file := filepath.Join(out, filepath.FromSlash(p), "index.html")
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got := s.mustGet(t, "/"+p, 200).String()
		if got != string(want) {
			t.Errorf("/%s: the server's view differs from the export's\nserver:\n%s\nexport:\n%s", p, got, want)
		}
		if !strings.Contains(got, "nav=(") || !strings.Contains(got, "page="+p) {
			t.Errorf("/%s: no view data:\n%s", p, got)
		}
	}
}
