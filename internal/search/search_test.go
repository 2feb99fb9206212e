package search

import (
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// fixture is the fixture wiki, synced once for the read-only tests.
func fixture(t *testing.T) *wiki {
	t.Helper()
	w := newWiki(t, fixtureWiki)
	w.sync()
	return w
}

// TestRanking: the pages a reader expects come first, in English, Spanish
// and French, and the count is every matching page.
func TestRanking(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	tests := []struct {
		q     string
		first string   // the best hit, "" when any of top3 will do
		top3  []string // in the first three
		total int      // -1: not checked
	}{
		// English: stems, title weight, exact titles.
		{"password", "Guides/Passwords", []string{"Guides/Password-managers"}, 5},
		{"passwords", "Guides/Passwords", nil, 5},
		{"Password managers", "Guides/Passwords", []string{"Guides/Password-managers"}, 2},
		{"threat model", "Guides/Threat-model", []string{"Guides/Threat-modelling-workshop"}, 2},
		{"THREAT MODEL", "Guides/Threat-model", nil, 2},
		{"encryption", "Guides/Encryption", []string{"Guides/Backups"}, 3},
		{"encrypted messages", "Guides/Encryption", nil, 1},
		{"backups", "Guides/Backups", nil, -1},
		{"stolen laptop", "", []string{"Guides/Encryption"}, -1},
		// Spanish: accents optional, plurals.
		{"contraseña", "es/contrasenas", nil, 1},
		{"contrasenas", "es/contrasenas", nil, 1},
		{"CONTRASEÑAS", "es/contrasenas", nil, 1},
		{"politica", "es/politicas", nil, 1},
		{"políticas de seguridad", "es/politicas", nil, -1},
		{"informacion", "", []string{"es/politicas", "es/cifrado", "es/copias"}, 3},
		{"modelo amenazas", "es/amenazas", nil, 1},
		{"cifrado", "es/cifrado", nil, -1},
		// French: elision, plurals, stop words inside a title.
		{"politique", "fr/politique", nil, 1},
		{"politiques", "fr/politique", nil, 1},
		{"securite", "fr/politique", nil, -1},
		{"chiffrés", "fr/chiffrement", nil, -1},
		{"mots de passe", "fr/mots-de-passe", nil, 1},
		{"l'information", "", []string{"fr/politique", "fr/chiffrement"}, -1},
		{"menace", "fr/menaces", nil, 1},
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			r := w.search(tc.q)
			got := names(r)
			if tc.first != "" && (len(got) == 0 || got[0] != tc.first) {
				t.Errorf("Search(%q) = %q, want %s first", tc.q, got, tc.first)
			}
			top := got[:min(3, len(got))]
			for _, p := range tc.top3 {
				if !slices.Contains(top, p) {
					t.Errorf("Search(%q) top 3 = %q, want %s among them", tc.q, top, p)
				}
			}
			if tc.total >= 0 && r.Total != tc.total {
				t.Errorf("Search(%q) total = %d (%q), want %d", tc.q, r.Total, got, tc.total)
			}
			if r.Total != len(got) && len(got) < r.PerPage {
				t.Errorf("Search(%q) total = %d but %d hits on a short page", tc.q, r.Total, len(got))
			}
		})
	}
}

// TestExclusion: -word removes the pages that have it, and keeps the rest.
func TestExclusion(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	tests := []struct {
		q          string
		want, gone []string
	}{
		{"threat -encryption", []string{"Guides/Threat-model", "Guides/Threat-modelling-workshop"}, []string{"Guides/Backups"}},
		{"password -manager", []string{"Guides/Phishing", "Guides/Incident-response", "Guides/Travel"}, []string{"Guides/Passwords", "Guides/Password-managers"}},
		{`password -"password manager"`, []string{"Guides/Phishing"}, []string{"Guides/Passwords", "Guides/Password-managers"}},
		{"disco -portátil", nil, []string{"es/cifrado", "es/copias"}},
		{"-password", []string{"Guides/Backups", "fr/chiffrement"}, []string{"Guides/Passwords", "Guides/Phishing"}},
	}
	for _, tc := range tests {
		got := names(w.search(tc.q))
		for _, p := range tc.want {
			if !slices.Contains(got, p) {
				t.Errorf("Search(%q) = %q, want %s", tc.q, got, p)
			}
		}
		for _, p := range tc.gone {
			if slices.Contains(got, p) {
				t.Errorf("Search(%q) = %q, want no %s", tc.q, got, p)
			}
		}
	}
	if r := w.search("-password"); r.Total != 23-5 {
		t.Errorf(`Search("-password") total = %d, want every page but the 5 with the word`, r.Total)
	}
}

// TestPrefix: the last word, while typed, finds the words it begins.
func TestPrefix(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	tests := []struct {
		q     string
		first string
		total int
	}{
		{"passw", "Guides/Passwords", 5},
		{"encry", "Guides/Encryption", 3},
		{"threat mod", "Guides/Threat-model", 2},
		{"contras", "es/contrasenas", 1},
		{"chiffr", "fr/chiffrement", 1},
		{"encry ", "", 0}, // a space ends the word: no completion
		{"pa", "", 0},     // too short to complete
	}
	for _, tc := range tests {
		r := w.search(tc.q)
		got := names(r)
		if r.Total != tc.total || (tc.first != "" && got[0] != tc.first) {
			t.Errorf("Search(%q) = %q (total %d), want %d with %q first", tc.q, got, r.Total, tc.total, tc.first)
		}
	}
	if r := w.search("passw"); !r.Query.Prefix {
		t.Error(`Search("passw"): Query.Prefix = false`)
	}
}

// TestTypos: a word found nowhere is corrected from five letters (one
// edit), two edits from eight.
func TestTypos(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	tests := []struct {
		q     string
		first string // "" when nothing must be found
	}{
		{"pasword ", "Guides/Passwords"},                    // 7 letters, one edit
		{"passwrod ", "Guides/Passwords"},                   // 8 letters, a swap is two edits
		{"ecryption ", "Guides/Encryption"},                 // a missing letter
		{"bakups ", "Guides/Backups"},                       // 6 letters
		{"travl ", "Guides/Travel"},                         // 5 letters, one edit
		{"contrasenya ", "es/contrasenas"},                  // Spanish
		{"politiqe ", "fr/politique"},                       // French
		{"trvl ", ""},                                       // 4 letters: no correction
		{"pssword ", "Guides/Passwords"},                    // second letter missing
		{"xassword ", ""},                                   // the first letter is kept
		{"enkripshun ", ""},                                 // too far
		{"password encyption ", "Guides/Password-managers"}, // two words, one corrected
	}
	for _, tc := range tests {
		got := names(w.search(tc.q))
		switch {
		case tc.first == "" && len(got) > 0:
			t.Errorf("Search(%q) = %q, want nothing", tc.q, got)
		case tc.first != "" && (len(got) == 0 || got[0] != tc.first):
			t.Errorf("Search(%q) = %q, want %s first", tc.q, got, tc.first)
		}
	}
}

// TestFilters: in:, tag: and lang:, in the text or as fields, negated or
// not, with and without words.
func TestFilters(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	tests := []struct {
		q    Query
		want []string // exactly, sorted
	}{
		{Query{Text: "tag:accounts"}, []string{"Guides/Password-managers", "Guides/Passwords", "Guides/Phishing"}},
		{Query{Text: "password", Tags: []string{"accounts"}}, []string{"Guides/Password-managers", "Guides/Passwords", "Guides/Phishing"}},
		{Query{Text: "password -tag:accounts"}, []string{"Guides/Incident-response", "Guides/Travel"}},
		{Query{Text: "TAG:Planning threat"}, []string{"Guides/Threat-model", "Guides/Threat-modelling-workshop"}},
		{Query{Text: "tag:basics tag:travel"}, []string{"Guides/Backups", "Guides/Encryption", "Guides/Passwords", "Guides/Travel"}},
		{Query{Text: "tag:basics tag:accounts"}, []string{"Guides/Backups", "Guides/Encryption", "Guides/Password-managers", "Guides/Passwords", "Guides/Phishing"}},
		{Query{Text: "tag:basics", Folders: []string{"es"}}, nil},
		{Query{Text: "disco", Folders: []string{"/es/"}}, []string{"es/cifrado", "es/copias"}},
		{Query{Text: "disque in:fr"}, []string{"fr/chiffrement", "fr/sauvegardes"}},
		{Query{Text: "disque in:es"}, nil},
		{Query{Text: "in:guides encrypt"}, []string{"Guides/Backups", "Guides/Encryption", "Guides/Password-managers"}},
		{Query{Text: "lang:fr"}, []string{"fr", "fr/chiffrement", "fr/menaces", "fr/mots-de-passe", "fr/politique", "fr/sauvegardes"}},
		{Query{Text: "disco", Langs: []string{"es-MX"}}, []string{"es/cifrado", "es/copias"}},
		{Query{Text: "conversation"}, []string{"Guides/Encryption", "fr/chiffrement"}},
		{Query{Text: "conversation -lang:fr"}, []string{"Guides/Encryption"}},
		{Query{Text: `tag:"no such tag"`}, nil},
		{Query{Text: "in:nowhere password"}, nil},
	}
	for _, tc := range tests {
		r := mustSearch(t, w.ix, tc.q)
		got := names(r)
		slices.Sort(got)
		if !slices.Equal(got, tc.want) || r.Total != len(tc.want) {
			t.Errorf("Search(%+v) = %q (total %d), want %q", tc.q, got, r.Total, tc.want)
		}
	}
	// Filters alone list pages by title.
	r := w.search("lang:fr")
	if got := names(r); got[0] != "fr/chiffrement" || got[len(got)-1] != "fr/sauvegardes" {
		t.Errorf("lang:fr = %q, want them by title", got)
	}
}

// TestPaging: pages of results add up to the count, without repeats.
func TestPaging(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	const total = 23 // listed pages of the fixture
	seen := map[wikipath.Page]bool{}
	for page := 1; page <= 6; page++ {
		r := mustSearch(t, w.ix, Query{Text: "-zzzz", Page: page, PerPage: 5})
		if r.Total != total || r.Pages() != 5 {
			t.Fatalf("page %d: total %d, %d pages; want %d, 5", page, r.Total, r.Pages(), total)
		}
		want := min(5, max(0, total-(page-1)*5))
		if len(r.Hits) != want {
			t.Errorf("page %d: %d hits, want %d", page, len(r.Hits), want)
		}
		for _, h := range r.Hits {
			if seen[h.Page] {
				t.Errorf("page %d repeats %s", page, h.Page)
			}
			seen[h.Page] = true
		}
	}
	if len(seen) != total {
		t.Errorf("the pages showed %d pages, want %d", len(seen), total)
	}
	// Ranked results page the same way.
	p1 := mustSearch(t, w.ix, Query{Text: "password", PerPage: 2})
	p2 := mustSearch(t, w.ix, Query{Text: "password", PerPage: 2, Page: 2})
	all := mustSearch(t, w.ix, Query{Text: "password"})
	if got, want := append(names(p1), names(p2)...), names(all)[:4]; !slices.Equal(got, want) {
		t.Errorf("pages 1 and 2 = %q, want %q", got, want)
	}
	if r := mustSearch(t, w.ix, Query{Text: "password", PerPage: 1000}); r.PerPage != MaxPerPage {
		t.Errorf("PerPage 1000 gave %d, want %d", r.PerPage, MaxPerPage)
	}
	if _, err := w.ix.Search(ctx, Query{Text: "password", Page: 1000, PerPage: 100}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("page 1000: %v, want ErrBadQuery", err)
	}
}

// TestHits: a hit carries its title, breadcrumb and language.
func TestHits(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	r := w.search("contraseña")
	h := r.Hits[0]
	if h.Page != "es/contrasenas" || h.Title != "Contraseñas" || h.Lang != "es" {
		t.Errorf("hit = %+v", h)
	}
	if len(h.Crumbs) != 1 || h.Crumbs[0].Page != "es" || h.Crumbs[0].Title != "Guías" {
		t.Errorf("crumbs = %+v, want the es folder's page", h.Crumbs)
	}
	if !strings.Contains(string(h.Snippet), "<mark>contraseña</mark>") {
		t.Errorf("snippet = %q", h.Snippet)
	}
	home := w.search("welcome").Hits[0]
	if home.Page != wikipath.Root || home.Title != "Home" || len(home.Crumbs) != 0 {
		t.Errorf("home hit = %+v", home)
	}
	if r.Indexed != w.head() || r.CatchingUp {
		t.Errorf("results describe %s (catching up %v), want %s", r.Indexed.Short(), r.CatchingUp, w.head().Short())
	}
}

// TestStopWords: stop words neither match nor stand in the way.
func TestStopWords(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	if r := w.search("the"); r.Total != 0 {
		t.Errorf(`"the" = %q, want nothing`, names(r))
	}
	if got := names(w.search("the threat model")); len(got) == 0 || got[0] != "Guides/Threat-model" {
		t.Errorf(`"the threat model" = %q`, got)
	}
	// Stop words in every family of the wiki: only a page titled so.
	ix := memIndex(t,
		Doc{Page: "a", Lang: "en", Title: "The Who", Text: "A band."},
		Doc{Page: "b", Lang: "en", Title: "Other", Text: "The who and the what."},
	)
	for q, want := range map[string][]string{"the who": {"a"}, "the what": nil, "the": nil} {
		if got := names(mustSearch(t, ix, Query{Text: q})); !slices.Equal(got, want) {
			t.Errorf("%q = %q, want %q", q, got, want)
		}
	}
}

func TestSnippet(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("lorem ipsum dolor sit amet ", 40)
	tests := []struct {
		name, text, q string
		want          string // exact snippet, or "" to check only the rules below
		contains      []string
	}{
		{name: "escapes script", text: `Before <script>alert("x")</script> & danger after`, q: "danger ",
			want: `Before &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; <mark>danger</mark> after`},
		{name: "match inside markup-like text", text: `<b onclick='x'>bold</b>`, q: "bold ",
			want: `&lt;b onclick=&#39;x&#39;&gt;<mark>bold</mark>&lt;/b&gt;`},
		{name: "stem highlighted", text: "One policy for all.", q: "policies ",
			want: "One <mark>policy</mark> for all."},
		{name: "completion highlighted", text: "One policy for all.", q: "poli",
			want: "One <mark>policy</mark> for all."},
		{name: "phrase one mark", text: "Map the information assets now.", q: `"information assets"`,
			want: "Map the <mark>information assets</mark> now."},
		{name: "phrase over a stop word", text: "Map the plan of the office.", q: `"plan of the office"`,
			want: "Map the <mark>plan of the office</mark>."},
		{name: "white space collapsed", text: "  first\n\n\tsecond   third \n", q: "second ",
			want: "first <mark>second</mark> third"},
		{name: "cut at both ends", text: long + "the needle here " + long, q: "needle ",
			contains: []string{"…", "<mark>needle</mark>"}},
		{name: "match at the end", text: long + "final needle", q: "needle ",
			contains: []string{"<mark>needle</mark>"}},
		{name: "best window has both words", text: "alpha " + long + "alpha beta " + long, q: "alpha beta ",
			contains: []string{"<mark>alpha</mark> <mark>beta</mark>"}},
		{name: "best window in a later chunk", text: "alpha " + strings.Repeat(long, 10) + "alpha beta " + long, q: "alpha beta ",
			contains: []string{"…", "<mark>alpha</mark> <mark>beta</mark>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := memIndex(t, Doc{Page: "p", Lang: "en", Title: "Heading", Text: tc.text})
			r := mustSearch(t, ix, Query{Text: tc.q})
			if len(r.Hits) != 1 {
				t.Fatalf("Search(%q) = %d hits, want 1", tc.q, len(r.Hits))
			}
			got := string(r.Hits[0].Snippet)
			if tc.want != "" && got != tc.want {
				t.Errorf("snippet = %q, want %q", got, tc.want)
			}
			for _, s := range tc.contains {
				if !strings.Contains(got, s) {
					t.Errorf("snippet = %q, want it to contain %q", got, s)
				}
			}
			checkSnippet(t, got)
		})
	}
}

func TestSnippetFolding(t *testing.T) {
	t.Parallel()
	ix := memIndex(t,
		Doc{Page: "a", Lang: "es", Title: "A", Text: "La información es poder."},
		Doc{Page: "b", Lang: "es", Title: "B", Text: "La informacio\u0301n descompuesta."},
	)
	for _, q := range []string{"informacion", "INFORMACIÓN"} {
		r := mustSearch(t, ix, Query{Text: q + " "})
		if r.Total != 2 {
			t.Fatalf("Search(%q) total %d, want 2", q, r.Total)
		}
		for _, h := range r.Hits {
			s := string(h.Snippet)
			if !strings.Contains(s, "<mark>información</mark>") && !strings.Contains(s, "<mark>informacio\u0301n</mark>") {
				t.Errorf("Search(%q) snippet of %s = %q", q, h.Page, s)
			}
		}
	}
}

// Long pages are analyzed in chunks; a match must be found, and marked exactly,
// wherever it falls around a chunk boundary.
func TestSnippetChunkBoundary(t *testing.T) {
	t.Parallel()
	var docs []Doc
	for pad := chunkBytes - 30; pad < chunkBytes+30; pad += 3 {
		filler := strings.Repeat("ñandú ", pad/7) + strings.Repeat("x", pad%7)
		text := filler + " la Información sensible " + strings.Repeat("más texto ", 300)
		docs = append(docs, Doc{Page: wikipath.Page(fmt.Sprint("p", pad)), Lang: "es", Title: "T", Text: text})
	}
	ix := memIndex(t, docs...)
	for _, q := range []string{"informacion ", `"informacion sensible"`} {
		r := mustSearch(t, ix, Query{Text: q, PerPage: 100})
		if len(r.Hits) != len(docs) {
			t.Fatalf("Search(%q) = %d hits, want %d", q, len(r.Hits), len(docs))
		}
		for _, h := range r.Hits {
			s := string(h.Snippet)
			if !strings.Contains(s, "<mark>Información") {
				t.Errorf("%s: Search(%q) snippet = %q, want Información marked", h.Page, q, s)
			}
			checkSnippet(t, s)
		}
	}
}

// checkSnippet asserts the rules every snippet keeps.
func checkSnippet(tb testing.TB, s string) {
	tb.Helper()
	if !utf8.ValidString(s) {
		tb.Errorf("snippet %q is not valid UTF-8", s)
	}
	bare := strings.ReplaceAll(strings.ReplaceAll(s, "<mark>", ""), "</mark>", "")
	if strings.ContainsAny(bare, "<>") {
		tb.Errorf("snippet %q has markup other than <mark>", s)
	}
	if strings.Count(s, "<mark>") != strings.Count(s, "</mark>") {
		tb.Errorf("snippet %q has unbalanced marks", s)
	}
	if n := utf8.RuneCountInString(strings.Trim(html.UnescapeString(bare), "…")); n > snippetRunes {
		tb.Errorf("snippet is %d runes long, want ≤ %d: %q", n, snippetRunes, s)
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	tests := []struct {
		text string
		want []string // the first suggestions, in order
	}{
		{"pass", []string{"Guides/Passwords"}},
		{"Passwords", []string{"Guides/Passwords"}},
		{"threat", []string{"Guides/Threat-model"}},
		{"threat mo", []string{"Guides/Threat-model", "Guides/Threat-modelling-workshop"}},
		{"contrase", []string{"es/contrasenas"}},
		{"CONTRASEÑ", []string{"es/contrasenas"}},
		{"mod", []string{"fr/menaces", "es/amenazas"}}, // titles beginning with it, shortest first
		{"zzz", nil},
		{"", nil},
		{"  ", nil},
	}
	for _, tc := range tests {
		got, err := w.ix.Suggest(ctx, tc.text, 5)
		if err != nil {
			t.Fatalf("Suggest(%q): %v", tc.text, err)
		}
		var pages []string
		for _, s := range got {
			pages = append(pages, string(s.Page))
		}
		if len(pages) < len(tc.want) || !slices.Equal(pages[:len(tc.want)], tc.want) || (tc.want == nil && pages != nil) {
			t.Errorf("Suggest(%q) = %q, want %q first", tc.text, pages, tc.want)
		}
	}
	if got, _ := w.ix.Suggest(ctx, "a", 2); len(got) > 2 {
		t.Errorf("Suggest with n=2 gave %d", len(got))
	}
}

func TestTitleMatches(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	st, err := w.loader.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"passwords", []string{"Guides/Passwords"}},
		{"pass", []string{"Guides/Passwords"}},
		{"contraseñas", []string{"es/contrasenas"}},
		{"contrasenas", []string{"es/contrasenas"}},
		{"threat mod", []string{"Guides/Threat-model", "Guides/Threat-modelling-workshop"}},
		{"guide", []string{"Guides"}}, // not the template
		{"", nil},
	}
	for _, tc := range tests {
		var got []string
		for _, s := range TitleMatches(st, tc.text, 10) {
			got = append(got, string(s.Page))
		}
		if len(got) < len(tc.want) || !slices.Equal(got[:len(tc.want)], tc.want) {
			t.Errorf("TitleMatches(%q) = %q, want %q first", tc.text, got, tc.want)
		}
		if slices.Contains(got, "_templates/Guide") {
			t.Errorf("TitleMatches(%q) offers a template", tc.text)
		}
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"MiXeD", "mixed"},
		{"Información", "informacion"},
		{"INFORMACIÓN", "informacion"},
		{"informacio\u0301n", "informacion"}, // decomposed
		{"Niño", "nino"},
		{"pingüino", "pinguino"},
		{"Straße", "strasse"},
		{"Æsir", "aesir"},
		{"Øre", "ore"},
		{"Łódź", "lodz"},
		{"Ελληνικά", "ελληνικα"},
		{"ΆΈΉ", "αεη"},
		{"Привет", "привет"},
		{"Ёлка", "елка"},
		{"йод", "йод"}, // й is a letter of its own
		{"日本", "日本"},
		{"ＦＵＬＬ", "full"},
	}
	for _, tc := range tests {
		if got := foldString(tc.in); got != tc.want {
			t.Errorf("fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFamilies(t *testing.T) {
	t.Parallel()
	for lang, want := range map[string]string{
		"en": "en", "en-GB": "en", "ES": "es", "pt_BR": "pt", "fr": "fr", "de-CH": "de", "it": "it",
		"ru": "ru", "ar": "ar", "fa": "fa", "sw": otherFamily, "": otherFamily, "english": otherFamily,
	} {
		if got := familyOf(lang); got != want {
			t.Errorf("familyOf(%q) = %q, want %q", lang, got, want)
		}
	}
}

// TestLanguages: each language with a stemmer conflates the forms a reader
// types with those the page uses.
func TestLanguages(t *testing.T) {
	t.Parallel()
	docs := []Doc{
		{Page: "pt", Lang: "pt", Title: "Segurança", Text: "As senhas seguras protegem as contas."},
		{Page: "de", Lang: "de", Title: "Sicherheit", Text: "Die Passwörter der Konten schützen."},
		{Page: "it", Lang: "it", Title: "Sicurezza", Text: "Le password proteggono gli account dell'organizzazione."},
		{Page: "ru", Lang: "ru", Title: "Безопасность", Text: "Надёжные пароли защищают учётные записи."},
		{Page: "ar", Lang: "ar", Title: "الأمان", Text: "كلمات المرور القوية تحمي الحسابات"},
		{Page: "fa", Lang: "fa", Title: "امنیت", Text: "رمزهای عبور قوی از حساب\u200cها محافظت می\u200cکنند"},
		{Page: "sw", Lang: "sw", Title: "Usalama", Text: "Nywila imara hulinda akaunti."},
	}
	ix := memIndex(t, docs...)
	tests := []struct{ q, want string }{
		{"senha", "pt"},
		{"seguranca", "pt"},
		{"passwort", "de"},
		{"konto", "de"},
		{"organizzazione", "it"},
		{"пароль", "ru"},
		{"записи", "ru"},
		{"الحساب", "ar"},
		{"حساب", "fa"},
		{"akaunti", "sw"},
	}
	for _, tc := range tests {
		got := names(mustSearch(t, ix, Query{Text: tc.q + " "}))
		if !slices.Contains(got, tc.want) {
			t.Errorf("Search(%q) = %q, want %s", tc.q, got, tc.want)
		}
	}
}

func TestTitleIndex(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	st, err := w.loader.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pages []*site.Page
	for _, p := range st.Pages() {
		if Indexed(p) {
			pages = append(pages, p)
		}
	}
	az := TitleIndex(pages)
	var letters []string
	n := 0
	for _, l := range az {
		letters = append(letters, l.Letter)
		n += len(l.Pages)
		for i := 1; i < len(l.Pages); i++ {
			if foldString(l.Pages[i-1].Title) > foldString(l.Pages[i].Title) {
				t.Errorf("letter %s: %q before %q", l.Letter, l.Pages[i-1].Title, l.Pages[i].Title)
			}
		}
	}
	if want := []string{"B", "C", "E", "G", "H", "I", "M", "P", "R", "S", "T"}; !slices.Equal(letters, want) {
		t.Errorf("letters %q, want %q", letters, want)
	}
	if n != len(pages) {
		t.Errorf("%d pages in the index, want %d", n, len(pages))
	}
	// "Guías" is under G with "Guides", folded.
	for _, l := range az {
		if l.Letter == "G" && len(l.Pages) != 3 {
			t.Errorf("G: %d pages", len(l.Pages))
		}
	}
	if got := TitleIndex([]*site.Page{{Name: "x", Title: "2024 plan"}, {Name: "y", Title: "Émile"}}); got[0].Letter != "#" || got[1].Letter != "E" {
		t.Errorf("TitleIndex = %+v", got)
	}
}
