package i18n

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func testCatalog(t *testing.T, extra map[string]string) *Catalog {
	t.Helper()
	fsys := fstest.MapFS{
		"i18n/en.toml": {Data: []byte("[edit]\nsave = \"Save\"\n[pages.count]\none = \"{{.Count}} page\"\nother = \"{{.Count}} pages\"\n[search]\nbrowse = \"Browse {link}all pages{/link} instead.\"\n[date]\nformat = \"{{.Day}} {{.Month}} {{.Year}}\"\n[month]\n12 = \"December\"\n1 = \"January\"\n[error]\nnone = \"No page {b}{{.Title}}{/b} yet.\"\n")},
		"i18n/es.toml": {Data: []byte("[edit]\nsave = \"Guardar\"\n[pages.count]\none = \"{{.Count}} página\"\nother = \"{{.Count}} páginas\"\n[date]\nformat = \"{{.Day}} de {{.Month}} de {{.Year}}\"\n[month]\n12 = \"diciembre\"\n1 = \"enero\"\n")},
		"i18n/fr.toml": {Data: []byte("[edit]\nsave = \"Enregistrer\"\n[pages.count]\none = \"{{.Count}} page\"\nother = \"{{.Count}} pages\"\n[date]\nformat = \"{{.Day}} {{.Month}} {{.Year}}\"\nfirst = \"1er\"\n[month]\n12 = \"décembre\"\n1 = \"janvier\"\n")},
	}
	for k, v := range extra {
		fsys[k] = &fstest.MapFile{Data: []byte(v)}
	}
	c, err := Load(fsys, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMessages(t *testing.T) {
	c := testCatalog(t, nil)
	es, fr, en := c.Lang("es"), c.Lang("fr-CA"), c.Lang("en")
	d := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ got, want string }{
		{es.T("edit.save"), "Guardar"},
		{es.T("pages.count", 1), "1 página"},
		{es.T("pages.count", 17), "17 páginas"},
		{es.T("pages.count", 1234), "1.234 páginas"},
		{en.T("pages.count", 1234), "1,234 pages"},
		{fr.T("edit.save"), "Enregistrer"},                                // fr-CA falls back to fr
		{es.T("search.browse"), "Browse {link}all pages{/link} instead."}, // missing in es: English
		{es.T("no.such.key"), ""},
		{es.Date(d), "1 de diciembre de 2026"},
		{fr.Date(d), "1er décembre 2026"},
		{en.Date(d), "1 December 2026"},
		{string(en.HTML("search.browse", "link", "/-/pages?a=1&b=<")), `Browse <a href="/-/pages?a=1&amp;b=&lt;">all pages</a> instead.`},
		{string(en.HTML("error.none", "Title", "<x>{b}")), `No page <strong>&lt;x&gt;{b}</strong> yet.`},
		{c.Lang("ar").Dir(), "rtl"},
		{c.Lang("ar").UI(), "en"},
		{c.Lang("ar").Tag(), "ar"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if m := c.Missing("es"); strings.Join(m, " ") != "error.none search.browse" {
		t.Errorf("missing in es: %q", m)
	}
}

func TestChoose(t *testing.T) {
	c := testCatalog(t, nil)
	for _, tc := range []struct{ choice, accept, site, want string }{
		{"", "", "en", "en"},
		{"", "", "es", "es"},
		{"fr", "es", "en", "fr"},
		{"xx", "es-MX,es;q=0.9", "en", "es"},
		{"", "de-DE,de;q=0.9,fr;q=0.5", "en", "fr"},
		{"", "de-DE", "es", "es"},
		{"", "garbage;;q", "en", "en"},
	} {
		if got := c.Choose(tc.choice, tc.accept, tc.site); got != tc.want {
			t.Errorf("Choose(%q, %q, %q) = %q, want %q", tc.choice, tc.accept, tc.site, got, tc.want)
		}
	}
}

func TestBrokenCatalog(t *testing.T) {
	for name, tc := range map[string]struct{ file, content, want string }{
		"syntax":   {"i18n/es.toml", "[edit]\nsave = \"Guardar\n", "i18n/es.toml:2"},
		"not text": {"i18n/es.toml", "[edit]\nsave = 3\n", "key edit.save is not text"},
		"no other": {"i18n/es.toml", "[pages.count]\none = \"x\"\n", "key pages.count has plural forms but no \"other\""},
		"bad name": {"i18n/spanish.toml", "a = \"b\"\n", "i18n/spanish.toml: the file name must be a language tag"},
	} {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{"i18n/en.toml": {Data: []byte("a = \"b\"\n")}, tc.file: {Data: []byte(tc.content)}}
			_, err := Load(fsys, "i18n")
			if !errors.Is(err, ErrCatalog) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an ErrCatalog naming %q", err, tc.want)
			}
		})
	}
	if _, err := Load(fstest.MapFS{"i18n/es.toml": {Data: []byte("a = \"b\"\n")}}, "i18n"); !errors.Is(err, ErrCatalog) {
		t.Errorf("a catalog without English: %v", err)
	}
}

func TestWith(t *testing.T) {
	c := testCatalog(t, nil)
	c2, err := c.With(map[string][]byte{"_i18n/pt.toml": []byte("[edit]\nsave = \"Salvar\"\n"), "_i18n/es.toml": []byte("[edit]\nsave = \"Grabar\"\n")})
	if err != nil {
		t.Fatal(err)
	}
	if got := c2.Lang("pt").T("edit.save"); got != "Salvar" {
		t.Errorf("a language added by the content: %q", got)
	}
	if got := c2.Lang("es").T("edit.save"); got != "Grabar" {
		t.Errorf("a message the content overrides: %q", got)
	}
	if got := c.Lang("es").T("edit.save"); got != "Guardar" {
		t.Errorf("the theme's catalog changed: %q", got)
	}
	if c.Lang("es").ID() == c2.Lang("es").ID() {
		t.Error("two catalogs share an id")
	}
}

func TestNames(t *testing.T) {
	c := testCatalog(t, nil)
	for _, tc := range []struct{ got, want string }{
		{c.Lang("es").Name("en"), "inglés"},
		{c.Lang("fr").Name("es"), "espagnol"},
		{c.Lang("en").Name("ar"), "Arabic"},
		{c.Lang("en").Name("pt-BR"), "Brazilian Portuguese"},
		{SelfName("es"), "Español"},
		{SelfName("ar"), "العربية"},
		{SelfName("fa"), "فارسی"},
		{SelfName("fr"), "Français"},
		{SelfName("pt-BR"), "Português (Brasil)"},
		{SelfName("zz-bad!"), "zz-bad!"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestScript(t *testing.T) {
	c := testCatalog(t, nil)
	got := c.Lang("es").Script("pages.count", "search.browse", "no.such")
	want := `{"pages.count":{"one":"{{.Count}} página","other":"{{.Count}} páginas"},"search.browse":"Browse {link}all pages{/link} instead."}`
	if got != want {
		t.Errorf("Script = %s, want %s", got, want)
	}
}
