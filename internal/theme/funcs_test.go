package theme

import (
	"html/template"
	"testing"
	"time"

	"github.com/gitwiki/gitwiki/internal/i18n"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/themes"
)

// defaultLang is the default theme's catalog in one language.
func defaultLang(tb testing.TB, tag string) *i18n.Lang {
	tb.Helper()
	c, err := i18n.Load(themes.FS, "default/i18n")
	if err != nil {
		tb.Fatal(err)
	}
	return c.Lang(tag)
}

func TestDates(t *testing.T) {
	// A commit made late in the evening west of UTC is shown on its UTC day.
	d := time.Date(2025, time.March, 1, 22, 30, 0, 0, time.FixedZone("", -5*3600))
	en := defaultLang(t, "en")
	if got, want := en.Date(d), "2 March 2025"; got != want {
		t.Errorf("Date = %q, want %q", got, want)
	}
	if got, want := isoTime(d), "2025-03-02T03:30:00Z"; got != want {
		t.Errorf("isoTime = %q, want %q", got, want)
	}
	if got, want := clock(d), "03:30 UTC"; got != want {
		t.Errorf("clock = %q, want %q", got, want)
	}
	if en.Date(time.Time{}) != "" || isoTime(time.Time{}) != "" {
		t.Error("a zero time must format as empty")
	}
}

func TestGroupByDay(t *testing.T) {
	days := groupByDay(sampleChanges())
	if len(days) != 2 || len(days[0].Changes) != 2 || len(days[1].Changes) != 1 {
		t.Fatalf("got %d days, want 2 (2 changes, then 1)", len(days))
	}
	if got := defaultLang(t, "en").Date(days[1].Date); got != "2 March 2025" {
		t.Errorf("second day = %q", got)
	}
}

func TestLanguages(t *testing.T) {
	tests := []struct{ tag, name, dir string }{
		{"es", "Español", "ltr"},
		{"pt-BR", "Português (Brasil)", "ltr"},
		{"fa-IR", "فارسی (ایران)", "rtl"},
		{"ar", "العربية", "rtl"},
		{"xx", "xx", "ltr"},
	}
	for _, tc := range tests {
		if got := i18n.SelfName(tc.tag); got != tc.name {
			t.Errorf("SelfName(%q) = %q, want %q", tc.tag, got, tc.name)
		}
		if got := i18n.Dir(tc.tag); got != tc.dir {
			t.Errorf("Dir(%q) = %q, want %q", tc.tag, got, tc.dir)
		}
	}
}

func TestBodyDropsRepeatedTitle(t *testing.T) {
	doc := func(html string, toc ...render.Heading) *render.Document {
		return &render.Document{Summary: render.Summary{Title: "Intro"}, HTML: template.HTML(html), TOC: toc}
	}
	tests := []struct {
		name string
		doc  *render.Document
		want template.HTML
	}{
		{"repeated h1", doc("<h1 id=\"intro\">Intro</h1>\n<p>x</p>", render.Heading{Level: 1, ID: "intro", Text: "Intro"}), "<p>x</p>"},
		{"different h1", doc("<h1>Other</h1><p>x</p>", render.Heading{Level: 1, Text: "Other"}), "<h1>Other</h1><p>x</p>"},
		{"h1 later", doc("<p>x</p><h1>Intro</h1>", render.Heading{Level: 1, Text: "Intro"}), "<p>x</p><h1>Intro</h1>"},
		{"no headings", doc("<p>x</p>"), "<p>x</p>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := body(tc.doc); got != tc.want {
				t.Errorf("body = %q, want %q", got, tc.want)
			}
		})
	}
	if body(nil) != "" {
		t.Error("body(nil) must be empty")
	}
}

func TestByteSize(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{1, "1 byte"}, {900, "900 bytes"}, {1536, "1.5 KB"}, {200 << 10, "200 KB"},
		{5 << 20, "5 MB"}, {5<<20 + 300<<10, "5.3 MB"}, {25 << 20, "25 MB"},
	}
	en := defaultLang(t, "en")
	for _, tc := range tests {
		if got := byteSize(en, tc.n); got != tc.want {
			t.Errorf("byteSize(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestFieldAria(t *testing.T) {
	tests := []struct {
		problem, field string
		help           []string
		want           template.HTMLAttr
	}{
		{"", "title", nil, ""},
		{"content", "title", []string{"title-help"}, `aria-describedby="title-help"`},
		{"title", "title", nil, `aria-describedby="form-problem" aria-invalid="true"`},
		{"path", "path", []string{"path-help"}, `aria-describedby="path-help form-problem" aria-invalid="true"`},
		{"", "", nil, ""},
	}
	for _, tc := range tests {
		if got := fieldAria(tc.problem, tc.field, tc.help...); got != tc.want {
			t.Errorf("fieldAria(%q, %q, %q) = %q, want %q", tc.problem, tc.field, tc.help, got, tc.want)
		}
	}
}
