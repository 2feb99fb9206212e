package site

import (
	"slices"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

func TestNormalizeLang(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"es", "es", true},
		{"pt-br", "pt-BR", true},
		{"PT_br", "pt-BR", true},
		{"zh-hans", "zh-Hans", true},
		{"en-Latn", "en", true}, // the script English is always written in
		{"iw", "he", true},      // deprecated tag
		{"tl", "tl", true},      // not rewritten to fil: BCP 47, not CLDR
		{"es-419", "es-419", true},
		{" fr ", "fr", true},
		{"xx", "", false},
		{"english", "", false},
		{"und", "", false},
		{"x-private", "", false},
		{"", "", false},
		{strings.Repeat("a", 100), "", false},
	} {
		got, ok := NormalizeLang(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("NormalizeLang(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDir(t *testing.T) {
	for _, tc := range []struct{ tag, want string }{
		{"ar", "rtl"}, {"ar-EG", "rtl"}, {"fa", "rtl"}, {"fa-IR", "rtl"}, {"he", "rtl"}, {"iw", "rtl"},
		{"ur", "rtl"}, {"ps", "rtl"}, {"yi", "rtl"}, {"dv", "rtl"}, {"ckb", "rtl"}, {"sd", "rtl"}, {"ug", "rtl"},
		{"ku-Arab", "rtl"}, {"pa-Arab", "rtl"}, {"az-Arab", "rtl"},
		{"ar-Latn", "ltr"}, {"ku", "ltr"}, {"en", "ltr"}, {"es", "ltr"}, {"pt-BR", "ltr"}, {"zh-Hant", "ltr"},
		{"xx", "ltr"}, {"", "ltr"}, {"ar_private!", "rtl"},
	} {
		if got := Dir(tc.tag); got != tc.want {
			t.Errorf("Dir(%q) = %q, want %q", tc.tag, got, tc.want)
		}
	}
}

func TestLanguageSettings(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		site       string
		want       []Language
		problem    string // a part of the reported error, "" for none
	}{
		{name: "none", yaml: "title: x\n", site: "en"},
		{name: "site tag normalised", yaml: "language: pt-br\n", site: "pt-BR"},
		{name: "bad site tag", yaml: "language: klingonese\n", site: "en", problem: `language "klingonese"`},
		{name: "short and long forms", yaml: "language: es\nlanguages:\n  - es\n  - {code: en, folder: english/, name: English}\n  - code: ar\n",
			site: "es", want: []Language{{Code: "es"}, {Code: "en", Folder: "english", Name: "English"}, {Code: "ar"}}},
		{name: "bad entries dropped", yaml: "languages: [xx, es, es, {code: fr, folder: ../fr}]\n",
			site: "en", want: []Language{{Code: "es"}, {Code: "fr"}}, problem: "listed twice"},
		{name: "overlapping folders", yaml: "languages: [{code: es, folder: docs}, {code: fr, folder: docs/fr}]\n",
			site: "en", want: []Language{{Code: "es", Folder: "docs"}, {Code: "fr"}}, problem: "overlap"},
		{name: "other errors still reported", yaml: "languages: [xx]\nedit_policy: never\n", site: "en", problem: "edit_policy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSettings([]byte(tc.yaml))
			if s.Language != tc.site || !slices.Equal(s.Languages, tc.want) {
				t.Errorf("got %q %+v, want %q %+v", s.Language, s.Languages, tc.site, tc.want)
			}
			switch {
			case tc.problem == "" && err != nil:
				t.Errorf("unexpected problem: %v", err)
			case tc.problem != "" && (err == nil || !strings.Contains(err.Error(), tc.problem)):
				t.Errorf("problem %v, want one mentioning %q", err, tc.problem)
			}
		})
	}
}

// TestPageLanguage: front matter, then the language folder, then the site
// language; what is not a language tag is reported and ignored.
func TestPageLanguage(t *testing.T) {
	folders := "language: en\nlanguages:\n  - code: en\n  - code: es\n    folder: es\n  - code: pt-br\n    folder: portugues\n  - code: ar\n"
	tests := []struct {
		name    string
		files   map[string]string
		page    wikipath.Page
		want    string
		finding bool
	}{
		{"site default", map[string]string{"a.md": "x"}, "a", "en", false},
		{"site language from wiki.yaml", map[string]string{"wiki.yaml": "language: fr\n", "a.md": "x"}, "a", "fr", false},
		{"front matter", map[string]string{"a.md": "---\nlang: es\n---\nx"}, "a", "es", false},
		{"front matter region tag", map[string]string{"a.md": "---\nlang: pt_br\n---\nx"}, "a", "pt-BR", false},
		{"front matter RTL", map[string]string{"a.md": "---\nlang: ar\n---\nx"}, "a", "ar", false},
		{"unknown value falls back to the site", map[string]string{"a.md": "---\nlang: klingon\n---\nx"}, "a", "en", true},
		{"configured folder", map[string]string{"wiki.yaml": folders, "es/a.md": "x"}, "es/a", "es", false},
		{"configured folder's own page", map[string]string{"wiki.yaml": folders, "es/index.md": "x"}, "es", "es", false},
		{"configured folder, region tag", map[string]string{"wiki.yaml": folders, "portugues/b/c.md": "x"}, "portugues/b/c", "pt-BR", false},
		{"front matter beats folder", map[string]string{"wiki.yaml": folders, "es/a.md": "---\nlang: ar\n---\n"}, "es/a", "ar", false},
		{"unknown value falls back to the folder", map[string]string{"wiki.yaml": folders, "es/a.md": "---\nlang: espanol\n---\n"}, "es/a", "es", true},
		{"folder named like a listed tag", map[string]string{"wiki.yaml": "languages: [en, fr]\n", "fr/a.md": "x"}, "fr/a", "fr", false},
		{"unlisted folder is not a language", map[string]string{"wiki.yaml": folders, "fr/a.md": "x"}, "fr/a", "en", false},
		{"SDA layout without wiki.yaml", map[string]string{"en/a.md": "x", "es/a.md": "x"}, "es/a", "es", false},
		{"SDA layout, region folder", map[string]string{"en/a.md": "x", "pt-br/a.md": "x"}, "pt-br/a", "pt-BR", false},
		{"lone folder named like a language", map[string]string{"hr/a.md": "x", "it/a.md": "x"}, "hr/a", "en", false},
		{"imported under a folder", map[string]string{"manual/en/a.md": "---\nlang: en\ntranslationKey: a\n---\n", "manual/es/a.md": "---\nlang: es\ntranslationKey: a\n---\n"}, "manual/es/a", "es", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, _ := MustSite(t, tc.files)
			p := mustPage(t, st, tc.page)
			if got := st.Lang(p); got != tc.want {
				t.Errorf("Lang(%s) = %q, want %q", tc.page, got, tc.want)
			}
			var found []Finding
			for _, f := range st.LanguageFindings() {
				if f.Kind == FindingLang && f.Page == tc.page {
					found = append(found, f)
				}
			}
			if tc.finding != (len(found) == 1) {
				t.Errorf("findings %v, want one: %v", found, tc.finding)
			}
			if tc.finding && !strings.Contains(found[0].String(), p.File+": warning: lang ") {
				t.Errorf("finding reads %q", found[0])
			}
		})
	}
}

func TestLanguages(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []Language
	}{
		{"one language", map[string]string{"a.md": "x"}, []Language{{Code: "en"}}},
		{"inferred, site language first", map[string]string{"wiki.yaml": "language: es\n", "fr/a.md": "x", "es/a.md": "x", "en/a.md": "x", "Guides/a.md": "x"},
			[]Language{{Code: "es", Folder: "es"}, {Code: "en", Folder: "en"}, {Code: "fr", Folder: "fr"}}},
		{"configured, folders found", map[string]string{"wiki.yaml": "languages: [es, {code: fr, name: Français}]\n", "es/a.md": "x", "en/a.md": "x"},
			[]Language{{Code: "en", Folder: "en"}, {Code: "es", Folder: "es"}, {Code: "fr", Name: "Français"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, _ := MustSite(t, tc.files)
			if got := st.Languages(); !slices.Equal(got, tc.want) {
				t.Errorf("Languages() = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestTranslations(t *testing.T) {
	names := func(ps []*Page) []wikipath.Page {
		var out []wikipath.Page
		for _, p := range ps {
			out = append(out, p.Name)
		}
		return out
	}
	tests := []struct {
		name  string
		files map[string]string
		page  wikipath.Page
		want  []wikipath.Page
	}{
		{"same path in language folders, sorted by language", map[string]string{"en/a.md": "x", "fr/a.md": "x", "es/a.md": "x", "es/b.md": "x"},
			"fr/a", []wikipath.Page{"en/a", "es/a"}},
		{"folder pages", map[string]string{"en/index.md": "x", "es/index.md": "x"}, "en", []wikipath.Page{"es"}},
		{"translationKey", map[string]string{"a.md": "---\ntranslationKey: k\n---\n", "b.md": "---\nlang: es\ntranslationKey: k\n---\n"}, "b", []wikipath.Page{"a"}},
		{"key and path meet", map[string]string{"en/intro.md": "x", "es/introduccion.md": "---\ntranslationKey: intro\n---\n"}, "en/intro", []wikipath.Page{"es/introduccion"}},
		{"key and path meet, the other way", map[string]string{"en/intro.md": "x", "es/introduccion.md": "---\ntranslationKey: intro\n---\n"}, "es/introduccion", []wikipath.Page{"en/intro"}},
		{"explicit key wins a language", map[string]string{"en/a.md": "x", "es/a.md": "x", "es/otra.md": "---\ntranslationKey: a\n---\n"}, "en/a", []wikipath.Page{"es/otra"}},
		{"root pages when the site language has no folder", map[string]string{"wiki.yaml": "languages: [{code: es, folder: es}]\n", "Guides/a.md": "x", "es/Guides/a.md": "x"},
			"Guides/a", []wikipath.Page{"es/Guides/a"}},
		{"root pages not matched when the site language has a folder", map[string]string{"a.md": "x", "en/a.md": "x", "es/a.md": "x"},
			"a", nil},
		{"different paths are different pages", map[string]string{"en/a.md": "x", "es/b.md": "x"}, "en/a", nil},
		{"imported under a folder", map[string]string{"manual/en/a.md": "---\nlang: en\ntranslationKey: a\n---\n", "manual/es/a.md": "---\nlang: es\ntranslationKey: a\n---\n"},
			"manual/en/a", []wikipath.Page{"manual/es/a"}},
		{"hidden pages are not translations", map[string]string{"_templates/a.md": "---\ntranslationKey: k\n---\n", "b.md": "---\ntranslationKey: k\nlang: es\n---\n"}, "b", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, _ := MustSite(t, tc.files)
			if got := names(st.Translations(mustPage(t, st, tc.page))); !slices.Equal(got, tc.want) {
				t.Errorf("Translations(%s) = %q, want %q", tc.page, got, tc.want)
			}
		})
	}
}

func TestDuplicateLanguageIsReported(t *testing.T) {
	st, _ := MustSite(t, map[string]string{
		"a.md": "---\ntranslationKey: k\n---\n",
		"b.md": "---\ntranslationKey: k\nlang: es\n---\n",
		"c.md": "---\ntranslationKey: k\nlang: es\n---\n",
	})
	fs := st.LanguageFindings()
	if len(fs) != 1 || fs[0].Kind != FindingDuplicate || fs[0].File != "c.md" || !strings.Contains(fs[0].Message, "b.md is already the es version") {
		t.Fatalf("findings %+v", fs)
	}
	if tr := st.Translations(mustPage(t, st, "c")); tr != nil {
		t.Errorf("the duplicate is linked: %v", tr)
	}
}
