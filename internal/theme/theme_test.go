package theme

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gitwiki/gitwiki/themes"
)

var update = flag.Bool("update", false, "rewrite golden files and the generated chroma.css")

var (
	urlAttr     = regexp.MustCompile(`\s(?:href|src|action)="([^"]*)"`)
	styleAttr   = regexp.MustCompile(`(?i)<[^>]*\sstyle\s*=`)
	handlerAttr = regexp.MustCompile(`(?i)<[^>]*\son[a-z]+\s*=`)
	scriptTag   = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	focusable   = regexp.MustCompile(`<(?:a|button|input|select|textarea|summary)\b[^>]*>`)
)

func MustLoadDefault(tb testing.TB) *Theme {
	tb.Helper()
	sub, err := fs.Sub(themes.FS, "default")
	if err != nil {
		tb.Fatal(err)
	}
	th, err := Load(sub)
	if err != nil {
		tb.Fatalf("Load default theme: %v", err)
	}
	return th
}

func mustExecute(tb testing.TB, th *Theme, view string, data any) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := th.Execute(&buf, view, data); err != nil {
		tb.Fatalf("Execute %s: %v", view, err)
	}
	return buf.String()
}

// TestEveryView renders each view in each kind of Links and checks what every
// page must have: landmarks, a skip link first, no inline style or script,
// and no URL that did not come from Links.
func TestEveryView(t *testing.T) {
	th := MustLoadDefault(t)
	docURLs := map[string]bool{licenseURL: true}
	for _, u := range hrefs(string(sampleHTML(t))) {
		docURLs[u] = true
	}
	for _, mode := range []string{"server", "static", "readonly"} {
		l := newFakeLinks(mode)
		cases := sampleCases(t, l)
		names := make([]string, 0, len(cases))
		for name := range cases {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			t.Run(mode+"/"+name, func(t *testing.T) {
				out := mustExecute(t, th, cases[name].view, cases[name].data)
				for _, want := range []string{
					`<html lang="en" dir="ltr">`,
					`<meta name="viewport"`,
					`<header class="site-header">`,
					`<main id="content"`,
					`<footer class="site-footer">`,
					`<nav class="sidebar" aria-label="Wiki">`,
					` · Safer Together</title>`,
					`href="` + licenseURL + `"`,
				} {
					if !strings.Contains(out, want) {
						t.Errorf("output lacks %q", want)
					}
				}
				if first := focusable.FindString(out); !strings.Contains(first, `class="skip-link" href="#content"`) {
					t.Errorf("first focusable element is %q, want the skip link", first)
				}
				if m := styleAttr.FindString(out); m != "" {
					t.Errorf("inline style attribute: %q", m)
				}
				if m := handlerAttr.FindString(out); m != "" {
					t.Errorf("inline event handler: %q", m)
				}
				for _, tag := range scriptTag.FindAllString(out, -1) {
					if !strings.Contains(tag, " src=") {
						t.Errorf("inline script: %q", tag)
					}
				}
				for _, u := range hrefs(out) {
					if !strings.HasPrefix(u, "#") && !l.urls[u] && !docURLs[u] {
						t.Errorf("URL %q did not come from Links", u)
					}
				}
				hasSearch := l.Action("search", "") != ""
				if got := strings.Contains(out, `<form class="site-search"`); got != hasSearch {
					t.Errorf("search form shown = %v, want %v", got, hasSearch)
				}
				hasFeed := l.Action("feed", "") != ""
				if got := strings.Contains(out, `type="application/atom+xml" title=`); got != hasFeed {
					t.Errorf("feed <link> shown = %v, want %v", got, hasFeed)
				}
			})
		}
		for name := range l.assets {
			if _, ok := th.AssetName(name); !ok {
				t.Errorf("templates link asset %q, which the theme does not have", name)
			}
		}
	}
}

func TestPageView(t *testing.T) {
	th := MustLoadDefault(t)
	l := newFakeLinks("server")
	out := mustExecute(t, th, "page", samplePageView(t, l))
	for _, want := range []string{
		`<a href="/Facilitation/Activities/Mapping%20information%20assets" aria-current="page">Mapping information assets</a>`,
		`<nav class="breadcrumbs" aria-label="Breadcrumb">`,
		`<span aria-current="page">Mapping information assets</span>`,
		`<aside class="doc-toc">`,
		`<a href="#step-2-draw-where-it-lives">Step 2: draw where it lives</a>`,
		`<h1>Mapping information assets</h1>`,
		`<meta name="description" content="A participatory activity`,
		`href="/-/edit/Facilitation/Activities/Mapping%20information%20assets"`,
		`>Edit this page</a>`,
		`>View source</a>`,
		`Last changed <time datetime="2025-03-14T16:17:00Z">14 March 2025</time> by Amina Yusuf`,
		`href="/-/history/Facilitation/Activities/Mapping%20information%20assets">History</a>`,
		`<a class="tag" href="/-/tags/tag/risk-assessment">risk-assessment</a>`,
		`<a class="tag tag-category" href="/-/tags/category/Activities">Activities</a>`,
		`Pages that link here`,
		`hreflang="es" lang="es">Español</a>`,
		`<link rel="alternate" hreflang="ar"`,
		`<a class="anchor" href="#before-the-session"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Open folders contain the current page; closed ones do not.
	if !strings.Contains(out, `<a href="/Facilitation/Activities">Activities</a>`+"\n<details open>") {
		t.Error("folder holding the current page is not open")
	}
	if !strings.Contains(out, `<a href="/Guides">Guides</a>`+"\n<details>") {
		t.Error("folder without the current page is open")
	}
	for _, unwanted := range []string{`old revision`, `callout-warning`, `robots`} {
		if strings.Contains(out, unwanted) {
			t.Errorf("page unexpectedly contains %q", unwanted)
		}
	}
}

func TestPageVariants(t *testing.T) {
	th := MustLoadDefault(t)
	tests := []struct {
		name    string
		mode    string
		edit    func(*PageView)
		want    []string
		notWant []string
	}{
		{
			name:    "readonly hides edit and source",
			mode:    "readonly",
			want:    []string{`>History</a>`},
			notWant: []string{`Edit this page`, `View source`, `href="/-/edit/Facilitation/Activities`, `/-/raw/`, `Suggest a change`},
		},
		{
			name:    "static links edit to the live wiki",
			mode:    "static",
			edit:    func(v *PageView) { v.Static = true },
			want:    []string{`href="https://wiki.example.org/-/edit/Facilitation/Activities/Mapping%20information%20assets"`, `Edit on the live wiki`},
			notWant: []string{`View source`, `>History</a>`, `Edit this page`},
		},
		{
			name: "old revision",
			mode: "server",
			edit: func(v *PageView) { v.Rev = sampleHashB; v.NoIndex = true },
			want: []string{`You are reading an old revision of this page`, `See the current version</a>`, `<meta name="robots" content="noindex">`},
		},
		{
			name: "warnings",
			mode: "server",
			edit: func(v *PageView) { v.Doc.Warnings = []string{"The front matter is not valid YAML: line 3"} },
			want: []string{`class="callout callout-warning" role="note"`, `<li>The front matter is not valid YAML: line 3</li>`},
		},
		{
			name: "folder page with children and sidebar",
			mode: "server",
			edit: func(v *PageView) {
				v.Children = []PageRef{{Title: "Circles of trust", Page: "Facilitation/Activities/Circles of trust"}}
				v.Sidebar = "<p>Start with <a href=\"/-/pages\">All pages</a></p>"
			},
			want: []string{`In this section`, `<span>Circles of trust</span>`, `<div class="sidebar-html"><p>Start with`},
		},
		{
			name:    "no toc",
			mode:    "server",
			edit:    func(v *PageView) { v.TOC = nil },
			notWant: []string{`doc-toc`, `has-toc`},
		},
		{
			name:    "home page title is not repeated",
			mode:    "server",
			edit:    func(v *PageView) { v.Title = v.Site.Title; v.Breadcrumbs = nil },
			want:    []string{`<title>Safer Together</title>`},
			notWant: []string{`Breadcrumb`},
		},
		{
			name: "success notice at the top of main",
			mode: "server",
			edit: func(v *PageView) { v.Notice = "Your change was published." },
			want: []string{"<main id=\"content\" class=\"main\" tabindex=\"-1\">\n<div class=\"callout callout-success site-notice\" role=\"status\">\n" +
				`<svg class="icon"`, `<p>Your change was published.</p>`},
		},
		{
			name:    "no notice",
			mode:    "server",
			notWant: []string{`site-notice`},
		},
		{
			name: "right-to-left page",
			mode: "server",
			edit: func(v *PageView) { v.I18n = defaultLang(t, "ar") },
			want: []string{`<html lang="ar" dir="rtl">`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := samplePageView(t, newFakeLinks(tc.mode))
			if tc.edit != nil {
				tc.edit(v)
			}
			out := mustExecute(t, th, "page", v)
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out, w) {
					t.Errorf("output contains %q", w)
				}
			}
		})
	}
}

func TestOtherViews(t *testing.T) {
	th := MustLoadDefault(t)
	l := newFakeLinks("server")
	views := sampleViews(t, l)
	tests := []struct {
		view string
		want []string
	}{
		{"history", []string{
			`<title>History of Mapping information assets · Safer Together</title>`,
			`<h1>History of Mapping information assets</h1>`,
			`<form class="compare-form" method="get" action="/-/diff/Facilitation/Activities/Mapping%20information%20assets">`,
			`name="from" value="` + sampleHashB + `" checked`,
			`name="to" value="` + sampleHashA + `" checked`,
			`href="/-/diff/Facilitation/Activities/Mapping%20information%20assets?from=` + sampleHashB + `&amp;to=` + sampleHashA + `"`,
			`href="/Facilitation/Activities/Mapping%20information%20assets?rev=` + sampleHashC + `"`,
			`First version`,
		}},
		{"diff", []string{
			`<table class="diff diff-split">`,
			`<tr class="diff-skip"><td colspan="4">… 12 unchanged lines</td></tr>`,
			`<del>which people</del>`,
			`<ins>who</ins>`,
			`<meta name="robots" content="noindex">`,
			`<td class="num">16</td>`,
		}},
		{"pages", []string{`17 pages`, `<nav class="all-pages" aria-label="All pages">`, `<span>Example device and account policy</span>`}},
		{"recent", []string{
			`<h2 id="day-2025-03-14"><time datetime="2025-03-14T16:17:00Z">14 March 2025</time></h2>`,
			`<h2 id="day-2025-03-02">`,
			`16:17 UTC`,
			`Follow with the Atom feed`,
			`href="/Facilitation/images/session-flow.png"`,
		}},
		{"tags", []string{`Categories`, `<a class="tag" href="/-/tags/tag/workshop">workshop <span class="tag-count">7`}},
		{"search", []string{`<title>Search: information · Safer Together</title>`, `value="information"`, `2 pages match “information”.`, `<mark>information</mark>`}},
		{"error", []string{`Error 404`, `This page does not exist`, `Did you mean`, `href="/-/edit/Facilitation/Risk%20matrix"`, `Create this page`}},
	}
	for _, tc := range tests {
		t.Run(tc.view, func(t *testing.T) {
			out := mustExecute(t, th, tc.view, views[tc.view])
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q", w)
				}
			}
		})
	}

	t.Run("unified diff", func(t *testing.T) {
		d := views["diff"].(*DiffView)
		d.Unified = true
		out := mustExecute(t, th, "diff", d)
		for _, w := range []string{`<table class="diff diff-unified">`, `<tr class="diff-del"><td class="num">15</td>`, `<tr class="diff-add"><td class="num"></td><td class="num">15</td>`} {
			if !strings.Contains(out, w) {
				t.Errorf("output lacks %q", w)
			}
		}
	})
	t.Run("same diff", func(t *testing.T) {
		d := views["diff"].(*DiffView)
		d.Same = true
		if out := mustExecute(t, th, "diff", d); !strings.Contains(out, "The two revisions have the same text.") || strings.Contains(out, "<table") {
			t.Error("identical revisions should show a note and no table")
		}
	})
	t.Run("static search", func(t *testing.T) {
		sl := newFakeLinks("static")
		s := sampleViews(t, sl)["search"].(*SearchView)
		s.Static, s.Results = true, nil
		out := mustExecute(t, th, "search", s)
		for _, w := range []string{`data-static-search`, `<script src="../-/search/index.js" defer></script>`, `<script src="/-/static/search.js" defer></script>`, `<noscript>`} {
			if !strings.Contains(out, w) {
				t.Errorf("output lacks %q", w)
			}
		}
	})
	t.Run("error without create", func(t *testing.T) {
		e := sampleViews(t, newFakeLinks("readonly"))["error"].(*ErrorView)
		if out := mustExecute(t, th, "error", e); strings.Contains(out, "Create this page") {
			t.Error("create offered when edit is unavailable")
		}
	})
}

// TestGolden keeps a reviewable copy of each view's markup.
func TestGolden(t *testing.T) {
	th := MustLoadDefault(t)
	cases := sampleCases(t, newFakeLinks("server"))
	static := samplePageView(t, newFakeLinks("static"))
	static.Static = true
	cases["page-static"] = sampleVariant{"page", static}
	// A Spanish translation behind its English source, seen by a maintainer
	// (translationOf set aside), with a language still to translate into.
	outdated := samplePageView(t, newFakeLinks("server"))
	outdated.I18n = defaultLang(t, "es")
	outdated.Maintainer = true
	outdated.Translation = &TranslationState{Source: PageRef{Title: "Mapping information assets", Page: samplePage}, SourceLang: "en", Outdated: true,
		DiffURL: outdated.Links.Diff(samplePage, "1111111", "2222222"), Commits: 3, Added: 12, Deleted: 4, Problem: `translationOf "abc" names no commit`}
	outdated.Untranslated = []string{"fr", "ar"}
	cases["page-translation-outdated"] = sampleVariant{"page", outdated}
	// A page with proposals waiting, seen by a maintainer with the count
	// in the header.
	waiting := samplePageView(t, accountLinks{newFakeLinks("server")})
	waiting.User, waiting.Maintainer, waiting.Waiting = "maria", true, 3
	waiting.Proposals = sampleWaiting()
	cases["page-proposals"] = sampleVariant{"page", waiting}
	edit := sampleEditViews(t, newFakeLinks("server"))["edit"].(*EditView)
	edit.Proposals = sampleWaiting()[:1]
	cases["edit-proposals"] = sampleVariant{"edit", edit}
	// In the static export proposal links are "", and so is every action
	// but edit, which leads to the live wiki.
	for name, data := range sampleEditViews(t, newFakeLinks("static")) {
		if name == "proposals" || name == "proposal" || name == "edit" {
			cases[name+"-static"] = sampleVariant{name, data}
		}
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got := mustExecute(t, th, c.view, c.data)
			file := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s; run go test ./internal/theme -update and review the diff", name, file)
			}
		})
	}
}

func TestExecuteFailsWhole(t *testing.T) {
	th := MustLoadDefault(t)
	var buf bytes.Buffer
	// A PageView without Links fails part-way through the layout.
	if err := th.Execute(&buf, "page", &PageView{}); err == nil {
		t.Fatal("want an error for a view without Links")
	}
	if buf.Len() != 0 {
		t.Errorf("a failed render wrote %d bytes", buf.Len())
	}
	if err := th.Execute(&buf, "nope", nil); err == nil {
		t.Error("want an error for an unknown view")
	}
}

func TestAssets(t *testing.T) {
	a, b := MustLoadDefault(t), MustLoadDefault(t)
	hashed := regexp.MustCompile(`^style\.[0-9a-f]{10}\.css$`)
	name, ok := a.AssetName("style.css")
	if !ok || !hashed.MatchString(name) {
		t.Fatalf("AssetName(style.css) = %q, %v", name, ok)
	}
	if other, _ := b.AssetName("style.css"); other != name {
		t.Errorf("hash not stable: %q then %q", name, other)
	}
	asset, ok := a.Asset(name)
	if !ok || asset.Name != "style.css" || asset.ContentType != "text/css; charset=utf-8" || len(asset.Data) == 0 {
		t.Errorf("Asset(%q) = %+v, %v", name, asset.Name, ok)
	}
	if _, ok := a.Asset("style.css"); ok {
		t.Error("an asset must only be served under its hashed name")
	}
	list := a.Assets()
	if !sort.SliceIsSorted(list, func(i, j int) bool { return list[i].Name < list[j].Name }) {
		t.Error("Assets not sorted by name")
	}
	for _, want := range []string{"app.js", "chroma.css", "favicon.svg", "search.js", "style.css"} {
		if _, ok := a.AssetName(want); !ok {
			t.Errorf("missing asset %s", want)
		}
	}
}

func TestHashedName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"style.css", "style.0123456789.css"},
		{"img/logo.png", "img/logo.0123456789.png"},
		{"vendor/a.min.js", "vendor/a.min.0123456789.js"},
		{"LICENSE", "LICENSE.0123456789"},
	}
	for _, tc := range tests {
		if got := hashedName(tc.in, "0123456789"); got != tc.want {
			t.Errorf("hashedName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLoadRejectsBrokenThemes(t *testing.T) {
	good := func() fstest.MapFS {
		m := fstest.MapFS{
			"templates/layout.html":        {Data: []byte(`{{define "layout"}}<main>{{template "content" .}}</main>{{end}}`)},
			"templates/partials/bits.html": {Data: []byte(`{{define "bit"}}x{{end}}`)},
			"static/style.css":             {Data: []byte(`body{}`)},
			"static/.DS_Store":             {Data: []byte(`junk`)},
			"i18n/en.toml":                 {Data: []byte("[edit]\nsave = \"Save\"\n")},
		}
		for _, v := range requiredViews {
			m["templates/"+v+".html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{template "bit"}}{{end}}`)}
		}
		return m
	}
	th, err := Load(good())
	if err != nil {
		t.Fatalf("minimal theme: %v", err)
	}
	if len(th.Assets()) != 1 {
		t.Errorf("dotfiles must not become assets: %d assets", len(th.Assets()))
	}

	tests := []struct {
		name   string
		change func(fstest.MapFS)
		want   string
	}{
		{"missing view", func(m fstest.MapFS) { delete(m, "templates/diff.html") }, "templates/diff.html"},
		{"missing layout", func(m fstest.MapFS) { delete(m, "templates/layout.html") }, "layout"},
		{"syntax error", func(m fstest.MapFS) { m["templates/page.html"].Data = []byte(`{{define "content"}}{{if}}{{end}}`) }, "page.html"},
		{"no content", func(m fstest.MapFS) { m["templates/search.html"].Data = []byte(`hello`) }, `does not define "content"`},
		{"unknown function", func(m fstest.MapFS) { m["templates/partials/bits.html"].Data = []byte(`{{nope}}`) }, "nope"},
		{"broken catalog", func(m fstest.MapFS) {
			m["i18n/es.toml"] = &fstest.MapFile{Data: []byte("[edit]\nsave = \"Guardar\"\ncancel = \n")}
		}, "i18n/es.toml:3"},
		{"catalog named badly", func(m fstest.MapFS) { m["i18n/spanish.toml"] = &fstest.MapFile{Data: []byte("")} }, "spanish.toml"},
		{"no English catalog", func(m fstest.MapFS) { delete(m, "i18n/en.toml"); m["i18n/es.toml"] = &fstest.MapFile{Data: []byte("")} }, "en.toml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := good()
			tc.change(m)
			_, err := Load(m)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load error = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	if _, err := Load(fstest.MapFS{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("empty theme: %v, want fs.ErrNotExist", err)
	}
}

func sampleWaiting() []ProposalItem {
	return []ProposalItem{
		{ID: 11, Title: "Shorter checklist", Author: "Quiet Otter", State: "open", Created: sampleDate(14, 9)},
		{ID: 12, Title: "Add a note on phones", State: "open", Created: sampleDate(15, 11)},
	}
}
