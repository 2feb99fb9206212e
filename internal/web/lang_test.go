package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// langFiles is a bilingual wiki laid out as SDA's manual is (en/ and es/),
// with pages whose language comes from front matter, and a few that have
// none, one that names no language and one in Arabic.
var langFiles = map[string]string{
	"wiki.yaml":     "title: Manual\nlanguage: en\nedit_policy: open\nlanguages: [en, es, fr]\n",
	"index.md":      "# Home\n",
	"en/intro.md":   "# Introduction\n\nFirst version of the text.\n\nSecond paragraph.\n",
	"es/intro.md":   "# Introducción\n\nPrimera versión.\n",
	"en/only.md":    "# Only in English\n\nNot translated.\n",
	"notes.md":      "---\nlang: fr\n---\n# Notes\n\nEn français.\n",
	"plain.md":      "# Plain\n\nNo language of its own.\n",
	"odd.md":        "---\nlang: klingon-ish!\n---\n# Odd\n\nA lang that is no tag.\n",
	"ar/welcome.md": "---\nlang: ar\n---\n# أهلا\n\nنص عربي.\n",
	"es/sin-par.md": "# Sin par\n\nSolo en español.\n",
}

var htmlLang = regexp.MustCompile(`<html lang="([^"]*)" dir="([^"]*)">`)

// TestPageLanguage: which language a view is in (issue 10, item 2): a
// page's front matter, else its folder's, else the site's; views without
// a language follow the picker's cookie, else Accept-Language. The
// interface follows, with a Spanish or French word to tell.
func TestPageLanguage(t *testing.T) {
	tw := MustServe(t, langFiles)
	es := &http.Cookie{Name: langCookie, Value: "es"}
	bogus := &http.Cookie{Name: langCookie, Value: "<script>"}
	cases := []struct {
		name, path string
		cookie     *http.Cookie
		accept     string
		lang, dir  string
		word       string // a word of the interface in that language
	}{
		{"front matter", "/notes", nil, "es", "fr", "ltr", "Rechercher"},
		{"folder", "/es/intro", nil, "fr", "es", "ltr", "Buscar"},
		{"site language", "/plain", es, "fr", "en", "ltr", "Search the wiki"},
		{"source folder", "/en/intro", nil, "es", "en", "ltr", "Search the wiki"},
		{"unknown lang falls back", "/odd", nil, "", "en", "ltr", "Search the wiki"},
		{"right to left", "/ar/welcome", nil, "", "ar", "rtl", "Search the wiki"},
		{"Accept-Language", "/-/pages", nil, "es-MX,es;q=0.9,en;q=0.5", "es", "ltr", "Todas las páginas"},
		{"Accept-Language, French", "/-/recent", nil, "fr-CA", "fr", "ltr", "Modifications récentes"},
		{"cookie beats Accept-Language", "/-/search", es, "fr", "es", "ltr", "Buscar"},
		{"a cookie naming no language is ignored", "/-/search", bogus, "fr", "fr", "ltr", "Rechercher"},
		{"no catalog for the browser's", "/-/pages", nil, "de-DE,de", "en", "ltr", "All pages"},
		{"nothing asked", "/-/pages", nil, "", "en", "ltr", "All pages"},
		{"new page editor", "/-/new", nil, "es", "es", "ltr", "Vista previa"},
		{"editor of a page", "/-/edit/es/intro", nil, "fr", "es", "ltr", "Vista previa"},
		{"missing page in a language folder", "/es/nada", nil, "fr", "es", "ltr", "Buscar"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []any
			if tc.cookie != nil {
				hdr = append(hdr, tc.cookie)
			}
			if tc.accept != "" {
				hdr = append(hdr, "Accept-Language", tc.accept)
			}
			req, _ := http.NewRequest(http.MethodGet, tw.ts.URL+tc.path, nil)
			resp, body := tw.do(t, req, hdr...)
			if resp.StatusCode >= 500 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			m := htmlLang.FindStringSubmatch(body)
			if m == nil || m[1] != tc.lang || m[2] != tc.dir {
				t.Fatalf("<html lang dir> = %q, want %s %s", m, tc.lang, tc.dir)
			}
			if !strings.Contains(body, tc.word) {
				t.Errorf("the interface does not say %q", tc.word)
			}
			if v := resp.Header.Values("Vary"); !strings.Contains(strings.Join(v, ","), "Accept-Language") {
				t.Errorf("Vary = %q, want Accept-Language in it", v)
			}
		})
	}
}

// TestLanguageCaching: a response that follows Accept-Language has a
// validator that does too, so no cache hands one reader another's
// language; a page with its own language is the same for everyone.
func TestLanguageCaching(t *testing.T) {
	tw := MustServe(t, langFiles)
	etag := func(path, accept string) string {
		resp, _ := tw.get(t, path, "Accept-Language", accept)
		return resp.Header.Get("ETag")
	}
	if a, b := etag("/-/translations", "es"), etag("/-/translations", "fr"); a == "" || a == b {
		t.Errorf("ETags for es and fr: %q, %q", a, b)
	}
	resp, _ := tw.get(t, "/-/translations", "Accept-Language", "es", "If-None-Match", etag("/-/translations", "fr"))
	if resp.StatusCode == http.StatusNotModified {
		t.Error("a Spanish reader got a 304 for the French page")
	}
	resp, _ = tw.get(t, "/notes", "Accept-Language", "es")
	if cl := resp.Header.Get("Content-Language"); cl != "fr" {
		t.Errorf("Content-Language = %q, want fr", cl)
	}
}

// TestLanguagePicker: the picker works without JavaScript, a POST that
// sets a cookie and comes back; it never sends a reader off the wiki.
func TestLanguagePicker(t *testing.T) {
	tw := MustServe(t, langFiles)
	_, body := tw.get(t, "/-/pages")
	for _, want := range []string{`<form class="lang-picker" method="post" action="/-/lang">`, `<option value="es" lang="es">Español</option>`, `name="next" value="/-/pages"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page list lacks %s", want)
		}
	}
	if _, body := tw.get(t, "/es/intro"); strings.Contains(body, "lang-picker") {
		t.Error("a page in a language offers the interface picker")
	}
	resp, _ := tw.post(t, "/-/lang", url.Values{"lang": {"fr"}, "next": {"/-/search?q=x"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/-/search?q=x" {
		t.Fatalf("got %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var c *http.Cookie
	for _, k := range resp.Cookies() {
		if k.Name == langCookie {
			c = k
		}
	}
	if c == nil || c.Value != "fr" || !c.HttpOnly || c.MaxAge <= 0 {
		t.Fatalf("cookie %+v", c)
	}
	if _, body := tw.getAs(t, "/-/pages", c); !strings.Contains(body, "Toutes les pages") || !strings.Contains(body, `<option value="fr" lang="fr" selected>`) {
		t.Error("the chosen language is not used, or not shown as chosen")
	}
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
		resp, _ := tw.post(t, "/-/lang", url.Values{"lang": {"es"}, "next": {next}})
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Errorf("next %q led to %q", next, loc)
		}
	}
	resp, _ = tw.post(t, "/-/lang", url.Values{"lang": {"xx"}})
	for _, k := range resp.Cookies() {
		if k.Name == langCookie && k.MaxAge >= 0 {
			t.Errorf("a language the wiki does not speak was kept: %+v", k)
		}
	}
}

// TestUnknownLangIsAWarning: a lang that is no language tag is a check
// warning, and the page still renders (issue 10, bad input).
func TestUnknownLangIsAWarning(t *testing.T) {
	tw := MustServe(t, langFiles)
	tw.MustAccounts(t)
	_, body := tw.getAs(t, "/-/check", tw.MustSession(t, "alice"))
	if !strings.Contains(body, "odd.md") || !strings.Contains(body, "klingon-ish!") {
		t.Error("/-/check does not report the bad lang")
	}
}

var diffLink = regexp.MustCompile(`href="(/-/diff/en/intro\?from=([0-9a-f]{40})&amp;to=([0-9a-f]{40}))"`)

// TestTranslationStatusFlow: a translation on a fixture with history is up
// to date, falls behind when its source is edited (the banner, in the
// translation's language, links to the source's diff between the two
// revisions), is up to date again once the translator saves it marked so,
// and a language without one is offered "Translate" (issue 10, item 4).
func TestTranslationStatusFlow(t *testing.T) {
	tw := MustServe(t, langFiles)
	first := mustHead(t, tw)
	if _, body := tw.get(t, "/es/intro"); strings.Contains(body, "banner-outdated") {
		t.Fatal("an untouched translation is shown as outdated")
	}
	// The source changes.
	edit := func(page, content string, extra url.Values) {
		t.Helper()
		_, body := tw.get(t, "/-/edit/"+page)
		base := regexp.MustCompile(`name="base" value="([0-9a-f]{40})"`).FindStringSubmatch(body)
		form := url.Values{"content": {content}, "base": {base[1]}, "action": {"save"}}
		for k, v := range extra {
			form[k] = v
		}
		resp, body := tw.post(t, "/-/edit/"+page, form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("saving %s: %d\n%s", page, resp.StatusCode, body)
		}
	}
	edit("en/intro", "# Introduction\n\nFirst version of the text, corrected.\n\nSecond paragraph.\n\nA new third paragraph.\n", nil)
	second := mustHead(t, tw)
	_, body := tw.get(t, "/es/intro")
	if !strings.Contains(body, `class="banner banner-outdated"`) || !strings.Contains(body, "La versión en inglés") {
		t.Fatalf("no Spanish outdated banner:\n%s", body)
	}
	m := diffLink.FindStringSubmatch(body)
	if m == nil || m[2] != first || m[3] != second {
		t.Fatalf("diff link %q, want from %s to %s", m, first, second)
	}
	if resp, diff := tw.get(t, strings.ReplaceAll(m[1], "&amp;", "&")); resp.StatusCode != 200 || !strings.Contains(diff, "A new third paragraph.") {
		t.Errorf("the banner's diff does not show what changed (%d)", resp.StatusCode)
	}
	if !strings.Contains(body, `href="/-/edit/es/intro"`) {
		t.Error("the banner does not link to editing the translation")
	}
	// The translator catches up: the editor offers to mark it so.
	_, ed := tw.get(t, "/-/edit/es/intro")
	box := regexp.MustCompile(`name="translation_of" value="([0-9a-f]{40})"`).FindStringSubmatch(ed)
	if box == nil || box[1] != second {
		t.Fatalf("editor's up-to-date box: %q, want the source's last change %s", box, second)
	}
	edit("es/intro", "# Introducción\n\nPrimera versión, corregida.\n\nSegundo párrafo.\n\nUn tercer párrafo nuevo.\n", url.Values{"translation_of": {second}})
	_, raw := tw.get(t, "/-/raw/es/intro")
	if !strings.Contains(raw, "translationOf: "+second) {
		t.Errorf("the saved translation does not record translationOf:\n%s", raw)
	}
	if _, body := tw.get(t, "/es/intro"); strings.Contains(body, "banner-outdated") {
		t.Error("the translation is still shown as outdated after catching up")
	}
	// The report agrees, and lists what is missing.
	_, rep := tw.get(t, "/-/translations")
	for _, want := range []string{"Introducción", `href="/en/only"`, `href="/-/translate/en/only?lang=es"`, `href="/-/translate/en/only?lang=fr"`} {
		if !strings.Contains(rep, want) {
			t.Errorf("/-/translations lacks %s", want)
		}
	}
	if _, page := tw.get(t, "/en/only"); !strings.Contains(page, `href="/-/translate/en/only?lang=es"`) {
		t.Error("a page without a Spanish translation does not offer one")
	}
}

// TestTranslateThisPage: "Translate" opens the editor of the new page where
// the layout puts it, starting from the source's text with lang,
// translationKey and translationOf filled in (issue 10, item 5).
func TestTranslateThisPage(t *testing.T) {
	tw := MustServe(t, langFiles)
	head := mustHead(t, tw)
	resp, body := tw.get(t, "/-/translate/en/only?lang=es")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{`action="/-/edit/es/only"`, "lang: es", "translationKey: only", "translationOf: " + head, "Not translated.", `name="translate_from" value="en/only"`, `<html lang="es"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the translation editor lacks %q", want)
		}
	}
	// An existing translation opens its own editor instead.
	if resp, _ := tw.get(t, "/-/translate/en/intro?lang=es"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/-/edit/es/intro" {
		t.Errorf("translating into a language that has one: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := tw.get(t, "/-/translate/en/only?lang=not%20a%20tag"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad language: %d, want 400", resp.StatusCode)
	}
	if resp, _ := tw.get(t, "/-/translate/nowhere?lang=es"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a missing page: %d, want 404", resp.StatusCode)
	}
}
