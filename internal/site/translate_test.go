package site

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

func TestNewTranslation(t *testing.T) {
	sda := map[string]string{
		"en/index.md": "# Home\n", "es/index.md": "# Inicio\n",
		"en/intro.md": "# Intro\n", "es/intro.md": "# Introducción\n",
		"en/guide.md": "# Guide\n", "en/keyed.md": "---\ntranslationKey: k1\n---\n# Keyed\n",
		"fr/other.md": "x\n", "_Sidebar.md": "x\n", "es/taken.md": "x\n", "en/taken.md": "---\ntranslationKey: t\n---\n",
	}
	mapped := map[string]string{
		"wiki.yaml": "languages: [en, {code: es, folder: espanol}, ar]\n",
		"index.md":  "# Home\n", "Guides/Backups.md": "# Backups\n", "Guides/index.md": "# Guides\n",
	}
	sites := map[string]*Site{}
	for name, files := range map[string]map[string]string{"sda": sda, "mapped": mapped} {
		sites[name], _ = MustSite(t, files)
	}
	tests := []struct {
		name       string
		files      string
		page       wikipath.Page
		lang       string
		source     wikipath.Page
		newPage    wikipath.Page
		file, key  string
		sourceEdit bool
		err        error
	}{
		{"SDA layout", "sda", "en/guide", "es", "en/guide", "es/guide", "es/guide.md", "guide", true, nil},
		{"SDA layout, inferred French", "sda", "en/guide", "fr", "en/guide", "fr/guide", "fr/guide.md", "guide", true, nil},
		{"source with a key", "sda", "en/keyed", "es", "en/keyed", "es/keyed", "es/keyed.md", "k1", false, nil},
		{"from a translation, the original is the source", "sda", "es/intro", "fr", "en/intro", "fr/intro", "fr/intro.md", "intro", true, nil},
		{"language without a folder: a sibling", "sda", "en/guide", "pt-br", "en/guide", "en/guide.pt-br", "en/guide.pt-br.md", "guide", true, nil},
		{"mapped folder, source at the root", "mapped", "Guides/Backups", "es", "Guides/Backups", "espanol/Guides/Backups", "espanol/Guides/Backups.md", "Guides/Backups", true, nil},
		{"folder page stays one", "mapped", "Guides", "es", "Guides", "espanol/Guides", "espanol/Guides/index.md", "Guides", true, nil},
		{"home page into a folder", "mapped", "", "es", "", "espanol", "espanol/index.md", "index", true, nil},
		{"home page, no folder", "mapped", "", "ar", "", "index.ar", "index.ar.md", "index", true, nil},
		{"exists", "sda", "en/intro", "es", "", "", "", "", false, ErrTranslationExists},
		{"exists, asked from itself", "sda", "es/intro", "es", "", "", "", "", false, ErrTranslationExists},
		{"same language", "sda", "en/intro", "en-Latn", "", "", "", "", false, ErrSameLanguage},
		{"not a tag", "sda", "en/intro", "español", "", "", "", "", false, ErrBadLanguage},
		{"path taken", "sda", "en/taken", "es", "", "", "", "", false, ErrTranslationPathTaken},
		{"sidebar", "sda", "_Sidebar", "es", "", "", "", "", false, ErrNotTranslatable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := sites[tc.files]
			nt, err := st.NewTranslation(ctx, mustPage(t, st, tc.page), tc.lang)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("got %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			lang, _ := NormalizeLang(tc.lang)
			wantFM := []Field{{"lang", lang}, {"translationKey", tc.key}, {"translationOf", st.Commit.String()}}
			if nt.Source.Name != tc.source || nt.Translation.Page != tc.newPage || nt.Translation.File != tc.file || !slices.Equal(nt.Translation.Set, wantFM) {
				t.Errorf("got source %q, %q %q %v; want %q, %q %q %v", nt.Source.Name, nt.Translation.Page, nt.Translation.File, nt.Translation.Set, tc.source, tc.newPage, tc.file, wantFM)
			}
			if tc.sourceEdit != (nt.SourceEdit != nil) {
				t.Fatalf("source edit %+v, want one: %v", nt.SourceEdit, tc.sourceEdit)
			}
			if nt.SourceEdit != nil && (nt.SourceEdit.File != nt.Source.File || !slices.Equal(nt.SourceEdit.Set, []Field{{"translationKey", tc.key}})) {
				t.Errorf("source edit %+v", nt.SourceEdit)
			}
		})
	}
}

// TestNewTranslationRoundTrip: a translation saved as planned is linked to
// its source and up to date, by its translationOf.
func TestNewTranslationRoundTrip(t *testing.T) {
	_, l := MustSite(t, map[string]string{"wiki.yaml": "languages: [en, {code: ar, folder: arabic}]\n", "Guides/Backups.md": "# Backups\n", "arabic/index.md": "# الرئيسية\n"})
	commitFiles(t, l, "edit", write("Guides/Backups.md", "# Backups\n\nTwo copies.\n"))
	commitFiles(t, l, "unrelated", write("other.md", "x\n"))
	st, err := l.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nt, err := st.NewTranslation(ctx, mustPage(t, st, "Guides/Backups"), "ar")
	if err != nil {
		t.Fatal(err)
	}
	frontMatter := func(fs []Field, body string) string {
		var b strings.Builder
		b.WriteString("---\n")
		for _, f := range fs {
			fmt.Fprintf(&b, "%s: %q\n", f.Key, f.Value)
		}
		return b.String() + "---\n" + body
	}
	commitFiles(t, l, "translate",
		write(nt.Translation.File, frontMatter(nt.Translation.Set, "# النسخ الاحتياطية\n")),
		write(nt.SourceEdit.File, frontMatter(nt.SourceEdit.Set, "# Backups\n\nTwo copies.\n")))
	st, ts, row := rowOf(t, l, nt.Translation.Page)
	check(t, nt.Translation.Page, row, want{status: UpToDate})
	if ts.Source == nil || ts.Source.Name != "Guides/Backups" || ts.Lang != "ar" || Dir(ts.Lang) != "rtl" {
		t.Errorf("state %+v", ts)
	}
	if tr := st.Translations(mustPage(t, st, "Guides/Backups")); len(tr) != 1 || tr[0].Name != nt.Translation.Page {
		t.Errorf("translations of the source: %v", tr)
	}
}
