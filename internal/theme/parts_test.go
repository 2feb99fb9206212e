package theme

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestCachedPartials: with a Parts, a partial marked cached is executed
// once per view and language and its first output reused; without one it
// is executed for every view.
func TestCachedPartials(t *testing.T) {
	m := fstest.MapFS{
		"templates/layout.html": {Data: []byte(`{{define "layout"}}{{cached "head" .}}|{{template "content" .}}{{end}}{{define "head"}}<b>{{.Title}}</b>{{end}}`)},
		"i18n/en.toml":          {Data: []byte("[edit]\nsave = \"Save\"\n")},
	}
	for _, v := range requiredViews {
		m["templates/"+v+".html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{.Title}}{{end}}`)}
	}
	th, err := Load(m)
	if err != nil {
		t.Fatal(err)
	}
	render := func(view, title string, parts *Parts) string {
		t.Helper()
		var b strings.Builder
		if err := th.Execute(&b, view, &SearchView{Base: Base{Title: title, Parts: parts}}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	if got := render("search", "One", nil) + " " + render("search", "Two", nil); got != "<b>One</b>|One <b>Two</b>|Two" {
		t.Errorf("without Parts: %q", got)
	}
	parts := NewParts()
	if got := render("search", "One", parts) + " " + render("search", "Two", parts); got != "<b>One</b>|One <b>One</b>|Two" {
		t.Errorf("with Parts: %q; want the partial rendered once", got)
	}
	if got := render("pages", "Three", parts); got != "<b>Three</b>|Three" {
		t.Errorf("another view shared the partial: %q", got)
	}
}
