package search

import (
	"context"
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// MustIndex returns an index holding docs, closed when the test ends.
func MustIndex(tb testing.TB, docs ...Doc) *Index {
	tb.Helper()
	ix, err := New()
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	tb.Cleanup(func() { ix.Close() })
	if _, _, _, err := ix.Sync(context.Background(), docs); err != nil {
		tb.Fatalf("Sync: %v", err)
	}
	return ix
}

func mustSearch(tb testing.TB, ix *Index, q string) ([]Hit, int) {
	tb.Helper()
	hits, total, err := ix.Search(context.Background(), q, 10)
	if err != nil {
		tb.Fatalf("Search(%q): %v", q, err)
	}
	return hits, total
}

func pages(hits []Hit) []string {
	ps := make([]string, len(hits))
	for i, h := range hits {
		ps[i] = h.Page
	}
	return ps
}

func sorted(ps []string) []string {
	ps = slices.Clone(ps)
	slices.Sort(ps)
	return ps
}

var foldDocs = []Doc{
	{Page: "es/seguridad", Version: "1", Lang: "es", Title: "Seguridad de la información",
		Text: "Mapa de la INFORMACIÓN sensible. El niño y el pingüino revisan las políticas de contraseñas."},
	{Page: "en/cafe", Version: "1", Lang: "en", Title: "Café policy",
		Text: "Our naïve résumé of the coffee rules. Every policy applies to visitors."},
	{Page: "fr/note", Version: "1", Lang: "fr", Title: "Note",
		Text: "Straße, Æsir, Øresund and a decomposed informacio\u0301n."},
	{Page: "en/other", Version: "1", Lang: "en-GB", Title: "Other",
		Text: "Nothing relevant: gardens, rivers and running trains."},
}

func TestFolding(t *testing.T) {
	ix := MustIndex(t, foldDocs...)
	tests := []struct {
		name, q string
		want    []string
	}{
		{"es no accent", "informacion", []string{"es/seguridad", "fr/note"}},
		{"es upper accent", "INFORMACIÓN", []string{"es/seguridad", "fr/note"}},
		{"es mixed", "Información", []string{"es/seguridad", "fr/note"}},
		{"es ñ", "nino", []string{"es/seguridad"}},
		{"es ü", "PINGUINO", []string{"es/seguridad"}},
		{"es ñ typed", "contraseñas", []string{"es/seguridad"}},
		{"es stem", "politica", []string{"es/seguridad"}},
		{"es stem no accent", "contrasena", []string{"es/seguridad"}},
		{"en no accent", "cafe", []string{"en/cafe"}},
		{"en accent", "CAFÉ", []string{"en/cafe"}},
		{"en resume", "resume", []string{"en/cafe"}},
		{"en naive", "Naive", []string{"en/cafe"}},
		{"en stem plural", "policies", []string{"en/cafe"}},
		{"en stem verb", "run", []string{"en/other"}},
		{"en-GB lang", "rivers", []string{"en/other"}},
		{"ß", "strasse", []string{"fr/note"}},
		{"æ", "aesir", []string{"fr/note"}},
		{"ø", "oresund", []string{"fr/note"}},
		{"no match", "zebra", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits, total := mustSearch(t, ix, tc.q)
			if got := sorted(pages(hits)); !slices.Equal(got, tc.want) {
				t.Errorf("Search(%q) = %q, want %q", tc.q, got, tc.want)
			}
			if total != len(tc.want) {
				t.Errorf("Search(%q) total = %d, want %d", tc.q, total, len(tc.want))
			}
		})
	}
}

func TestAndOrFallback(t *testing.T) {
	ix := MustIndex(t,
		Doc{Page: "a", Version: "1", Title: "A", Text: "apple banana"},
		Doc{Page: "b", Version: "1", Title: "B", Text: "apple cherry"},
		Doc{Page: "c", Version: "1", Title: "C", Text: "durian"},
	)
	tests := []struct {
		name, q string
		want    []string
	}{
		{"and", "apple banana", []string{"a"}},
		{"and reordered", "BANANA apple", []string{"a"}},
		{"or when none has all", "banana cherry", []string{"a", "b"}},
		{"or with unknown word", "durian zebra", []string{"c"}},
		{"single", "apple", []string{"a", "b"}},
		{"repeated word", "apple apple", []string{"a", "b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits, total := mustSearch(t, ix, tc.q)
			if got := sorted(pages(hits)); !slices.Equal(got, tc.want) {
				t.Errorf("Search(%q) = %q, want %q", tc.q, got, tc.want)
			}
			if total != len(tc.want) {
				t.Errorf("Search(%q) total = %d, want %d", tc.q, total, len(tc.want))
			}
		})
	}
}

func TestPhrase(t *testing.T) {
	ix := MustIndex(t,
		Doc{Page: "a", Version: "1", Lang: "en", Title: "A", Text: "We map the information assets first."},
		Doc{Page: "b", Version: "1", Lang: "en", Title: "B", Text: "Assets hold information."},
		Doc{Page: "c", Version: "1", Lang: "es", Title: "C", Text: "La seguridad de la información importa."},
		Doc{Page: "d", Version: "1", Lang: "es", Title: "Seguridad", Text: "Información de la seguridad."},
	)
	tests := []struct {
		name, q string
		want    []string
	}{
		{"phrase", `"information assets"`, []string{"a"}},
		{"words", `information assets`, []string{"a", "b"}},
		{"phrase folded", `"SEGURIDAD DE LA INFORMACION"`, []string{"c"}},
		{"curly quotes", `“information assets”`, []string{"a"}},
		{"phrase and word", `"information assets" map`, []string{"a"}},
		{"phrase across punctuation", `"assets first"`, []string{"a"}},
		{"one-word phrase", `"assets"`, []string{"a", "b"}},
		{"open quote is words", `"assets hold`, []string{"b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits, _ := mustSearch(t, ix, tc.q)
			if got := sorted(pages(hits)); !slices.Equal(got, tc.want) {
				t.Errorf("Search(%q) = %q, want %q", tc.q, got, tc.want)
			}
		})
	}
}

func TestRanking(t *testing.T) {
	filler := strings.Repeat("some unrelated words about gardens and rivers. ", 20)
	ix := MustIndex(t,
		Doc{Page: "body", Version: "1", Lang: "en", Title: "Accounts",
			Text: filler + "Change passwords often; passwords matter. " + filler},
		Doc{Page: "tags", Version: "1", Lang: "en", Title: "Accounts", Tags: []string{"passwords"},
			Text: filler + "Passwords are mentioned once. " + filler},
		Doc{Page: "title", Version: "1", Lang: "en", Title: "Passwords",
			Text: filler + "Passwords are mentioned once. " + filler},
	)
	hits, _ := mustSearch(t, ix, "passwords")
	if got, want := pages(hits), []string{"title", "tags", "body"}; !slices.Equal(got, want) {
		t.Errorf("ranking = %q, want %q (scores %v)", got, want, hits)
	}
}

func TestHit(t *testing.T) {
	ix := MustIndex(t, Doc{Page: "", Version: "1", Title: "Home", Text: "Welcome to the wiki."})
	hits, total := mustSearch(t, ix, "welcome")
	if total != 1 || len(hits) != 1 {
		t.Fatalf("got %d hits (total %d), want 1", len(hits), total)
	}
	h := hits[0]
	if h.Page != "" || h.Title != "Home" || h.Score <= 0 {
		t.Errorf("hit = %+v, want home page with a positive score", h)
	}
	if want := "<mark>Welcome</mark> to the wiki."; string(h.Snippet) != want {
		t.Errorf("snippet = %q, want %q", h.Snippet, want)
	}
}

func TestLimit(t *testing.T) {
	var docs []Doc
	for i := range 30 {
		docs = append(docs, Doc{Page: fmt.Sprint(i), Version: "1", Text: "common word"})
	}
	ix := MustIndex(t, docs...)
	for _, tc := range []struct{ limit, want int }{{5, 5}, {0, defaultLimit}, {-1, defaultLimit}, {100, 30}} {
		hits, total, err := ix.Search(context.Background(), "common", tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != tc.want || total != 30 {
			t.Errorf("limit %d: got %d hits (total %d), want %d (total 30)", tc.limit, len(hits), total, tc.want)
		}
	}
}

func TestSyncCounts(t *testing.T) {
	ix := MustIndex(t)
	a := Doc{Page: "a", Version: "a1", Title: "A", Text: "alpha"}
	b := Doc{Page: "b", Version: "b1", Title: "B", Text: "bravo"}
	c := Doc{Page: "c", Version: "c1", Title: "C", Text: "charlie"}
	a2 := Doc{Page: "a", Version: "a2", Title: "A", Text: "altered"}
	sameVersion := Doc{Page: "a", Version: "a2", Title: "A", Text: "ignored because the version is unchanged"}
	noVersion := Doc{Page: "b", Title: "B", Text: "bravo again"}
	d := Doc{Page: "d", Version: "d1", Title: "D", Text: "delta"}

	steps := []struct {
		name                    string
		docs                    []Doc
		added, updated, removed int
		finds, misses           []string // queries that must find something, or nothing
	}{
		{"add", []Doc{a, b, c}, 3, 0, 0, []string{"alpha", "bravo", "charlie"}, nil},
		{"unchanged", []Doc{a, b, c}, 0, 0, 0, []string{"alpha"}, nil},
		{"update by version", []Doc{a2, b, c}, 0, 1, 0, []string{"altered"}, []string{"alpha"}},
		{"same version is not re-indexed", []Doc{sameVersion, b, c}, 0, 0, 0, []string{"altered"}, []string{"ignored"}},
		{"remove", []Doc{a2, b}, 0, 0, 1, nil, []string{"charlie"}},
		{"empty version always re-indexed", []Doc{a2, noVersion}, 0, 1, 0, []string{"again"}, nil},
		{"add update remove", []Doc{Doc{Page: "a", Version: "a3", Text: "again"}, d}, 1, 1, 1, []string{"delta"}, []string{"bravo", "altered"}},
		{"remove all", nil, 0, 0, 2, nil, []string{"delta", "again"}},
	}
	for _, st := range steps {
		added, updated, removed, err := ix.Sync(context.Background(), st.docs)
		if err != nil {
			t.Fatalf("%s: Sync: %v", st.name, err)
		}
		if added != st.added || updated != st.updated || removed != st.removed {
			t.Errorf("%s: Sync = (%d, %d, %d), want (%d, %d, %d)", st.name,
				added, updated, removed, st.added, st.updated, st.removed)
		}
		for _, q := range st.finds {
			if hits, _ := mustSearch(t, ix, q); len(hits) == 0 {
				t.Errorf("%s: Search(%q) found nothing", st.name, q)
			}
		}
		for _, q := range st.misses {
			if hits, _ := mustSearch(t, ix, q); len(hits) != 0 {
				t.Errorf("%s: Search(%q) = %q, want nothing", st.name, q, pages(hits))
			}
		}
	}
}

func TestSyncErrors(t *testing.T) {
	ix := MustIndex(t, Doc{Page: "a", Version: "1", Text: "alpha"})

	dup := []Doc{{Page: "x", Version: "1"}, {Page: "x", Version: "2"}}
	if _, _, _, err := ix.Sync(context.Background(), dup); err == nil {
		t.Error("Sync with a page given twice: no error")
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	added, _, removed, err := ix.Sync(ctx, []Doc{{Page: "b", Version: "1", Text: "bravo"}})
	if !errors.Is(err, context.Canceled) || added != 0 || removed != 0 {
		t.Errorf("Sync(cancelled) = %d added, %d removed, %v; want 0, 0, context.Canceled", added, removed, err)
	}
	// Nothing was lost: the index still holds the old page and the next Sync works.
	if hits, _ := mustSearch(t, ix, "alpha"); len(hits) != 1 {
		t.Errorf("after cancelled Sync: alpha found %d times, want 1", len(hits))
	}
	added, _, removed, err = ix.Sync(context.Background(), []Doc{{Page: "b", Version: "1", Text: "bravo"}})
	if err != nil || added != 1 || removed != 1 {
		t.Errorf("Sync after cancel = %d added, %d removed, %v; want 1, 1, nil", added, removed, err)
	}
}

func TestBadQuery(t *testing.T) {
	ix := MustIndex(t, Doc{Page: "a", Version: "1", Title: "A", Text: "plus minus title field boost"})
	bad := []struct{ name, q string }{
		{"too long", strings.Repeat("word ", 101)},
		{"punctuation", "!!! ??? ..."},
		{"quotes only", `""`},
		{"symbols", "+-:^~*()[]{}"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			hits, total, err := ix.Search(context.Background(), tc.q, 10)
			if !errors.Is(err, ErrBadQuery) {
				t.Errorf("Search(%q) error = %v, want ErrBadQuery", tc.q, err)
			}
			if hits != nil || total != 0 {
				t.Errorf("Search(%q) = %v, %d; want no hits", tc.q, hits, total)
			}
		})
	}
	good := []struct {
		name, q string
		want    int
	}{
		{"empty", "", 0},
		{"blank", " \t\n ", 0},
		{"query syntax is text", `+plus -minus title:field boost^5 minus~2 plu* /re/`, 1},
		{"field syntax", "title:a", 0},
		{"invalid utf-8", "plus \xff\xfe", 1},
		{"500 bytes", strings.Repeat("x", 495) + " plus", 1},
	}
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			hits, _, err := ix.Search(context.Background(), tc.q, 10)
			if err != nil {
				t.Fatalf("Search(%q): %v", tc.q, err)
			}
			if len(hits) != tc.want {
				t.Errorf("Search(%q) = %d hits, want %d", tc.q, len(hits), tc.want)
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("lorem ipsum dolor sit amet ", 40)
	tests := []struct {
		name, text, q string
		want          string // exact snippet, or "" to check only the rules below
		contains      []string
	}{
		{name: "escapes script", text: `Before <script>alert("x")</script> & danger after`, q: "danger",
			want: `Before &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; <mark>danger</mark> after`},
		{name: "match inside markup-like text", text: `<b onclick='x'>bold</b>`, q: "bold",
			want: `&lt;b onclick=&#39;x&#39;&gt;<mark>bold</mark>&lt;/b&gt;`},
		{name: "accent highlighted from plain query", text: "La información es poder.", q: "informacion",
			want: "La <mark>información</mark> es poder."},
		{name: "decomposed accent", text: "La informacio\u0301n es poder.", q: "INFORMACIÓN",
			want: "La <mark>informacio\u0301n</mark> es poder."},
		{name: "stem highlighted", text: "One policy for all.", q: "policies",
			want: "One <mark>policy</mark> for all."},
		{name: "phrase one mark", text: "Map the information assets now.", q: `"information assets"`,
			want: "Map the <mark>information assets</mark> now."},
		{name: "white space collapsed", text: "  first\n\n\tsecond   third \n", q: "second",
			want: "first <mark>second</mark> third"},
		{name: "no match in text", text: "Only the title matched.", q: "heading",
			want: "Only the title matched."},
		{name: "cut at both ends", text: long + "the needle here " + long, q: "needle",
			contains: []string{"…", "<mark>needle</mark>"}},
		{name: "match at the end", text: long + "final needle", q: "needle",
			contains: []string{"<mark>needle</mark>"}},
		{name: "best window has both words", text: "alpha " + long + "alpha beta " + long, q: "alpha beta",
			contains: []string{"<mark>alpha</mark> <mark>beta</mark>"}},
		{name: "best window in a later chunk", text: "alpha " + strings.Repeat(long, 10) + "alpha beta " + long, q: "alpha beta",
			contains: []string{"…", "<mark>alpha</mark> <mark>beta</mark>"}},
		{name: "phrase across chunks", text: strings.Repeat("x", chunkBytes-len("information")) + " information assets here",
			q: `"information assets"`, contains: []string{"<mark>information assets</mark> here"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := MustIndex(t, Doc{Page: "p", Version: "1", Lang: "en", Title: "Heading", Text: tc.text})
			hits, _ := mustSearch(t, ix, tc.q)
			if len(hits) != 1 {
				t.Fatalf("Search(%q) = %d hits, want 1", tc.q, len(hits))
			}
			got := string(hits[0].Snippet)
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

func TestConcurrentSearchDuringSync(t *testing.T) {
	ix := MustIndex(t)
	gen := func(v int) []Doc {
		docs := make([]Doc, 50)
		for i := range docs {
			docs[i] = Doc{Page: fmt.Sprintf("p%d", i), Version: fmt.Sprint(v, i%(v+1)), Lang: "es",
				Title: fmt.Sprintf("Página %d", i), Text: fmt.Sprintf("información versión%d común", v)}
		}
		return docs[:50-v%7] // pages come and go
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for ctx.Err() == nil {
				hits, _, err := ix.Search(ctx, "informacion comun", 10)
				if err != nil && ctx.Err() == nil {
					t.Errorf("Search: %v", err)
					return
				}
				for _, h := range hits {
					checkSnippet(t, string(h.Snippet))
				}
			}
		})
	}
	for v := range 20 {
		if _, _, _, err := ix.Sync(context.Background(), gen(v)); err != nil {
			t.Fatalf("Sync: %v", err)
		}
	}
	cancel()
	wg.Wait()
	hits, total := mustSearch(t, ix, "version19")
	if total != 50-19%7 || len(hits) != 10 {
		t.Errorf("after syncs: %d hits (total %d), want 10 (total %d)", len(hits), total, 50-19%7)
	}
}

func TestCompaction(t *testing.T) {
	ix := MustIndex(t, Doc{Page: "p0", Version: "1", Text: "stable page"})
	ix.compactAfter = 3
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for ctx.Err() == nil {
			hits, total, err := ix.Search(ctx, "stable", 100)
			if err != nil && ctx.Err() == nil {
				t.Errorf("Search during compaction: %v", err)
				return
			}
			// Pages come and go, but "p0" is always there.
			if err == nil && (total == 0 || !slices.Contains(pages(hits), "p0")) {
				t.Errorf("Search during compaction = %q (total %d), want p0 among them", pages(hits), total)
				return
			}
		}
	})
	for v := range 30 {
		docs := []Doc{{Page: "p0", Version: "1", Text: "stable page"}}
		for i := 1; i <= v%5; i++ {
			docs = append(docs, Doc{Page: fmt.Sprint("p", i), Version: fmt.Sprint(v), Text: fmt.Sprint("stable v", v)})
		}
		if _, _, _, err := ix.Sync(context.Background(), docs); err != nil {
			t.Fatalf("Sync %d: %v", v, err)
		}
		if ix.batches > ix.compactAfter {
			t.Fatalf("after Sync %d: %d batches, want ≤ %d", v, ix.batches, ix.compactAfter)
		}
	}
	cancel()
	wg.Wait()
	_, total := mustSearch(t, ix, "stable")
	if want := 1 + 29%5; total != want {
		t.Errorf("after compactions: total %d, want %d", total, want)
	}
	if hits, _ := mustSearch(t, ix, "v28"); len(hits) != 0 {
		t.Errorf("after compactions: v28 found on %q, want nowhere", pages(hits))
	}
}

func TestClose(t *testing.T) {
	ix, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := ix.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, _, err := ix.Search(context.Background(), "anything", 10); !errors.Is(err, ErrClosed) {
		t.Errorf("Search after Close: %v, want ErrClosed", err)
	}
	if _, _, _, err := ix.Sync(context.Background(), nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Sync after Close: %v, want ErrClosed", err)
	}
}

func TestFold(t *testing.T) {
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
		{"Ελληνικά", "ελληνικά"}, // lowercased only: the folding table is Latin
		{"Привет", "привет"},
		{"日本", "日本"},
		{"ＦＵＬＬ", "full"},
	}
	for _, tc := range tests {
		if got := string(fold([]byte(tc.in))); got != tc.want {
			t.Errorf("fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Long pages are analyzed in chunks; a match must be found, and marked exactly,
// wherever it falls around a chunk boundary.
func TestSnippetChunkBoundary(t *testing.T) {
	ix := MustIndex(t)
	for pad := chunkBytes - 30; pad < chunkBytes+30; pad++ {
		filler := strings.Repeat("ñandú ", pad/7) + strings.Repeat("x", pad%7)
		text := filler + " la Información sensible " + strings.Repeat("más texto ", 300)
		if _, _, _, err := ix.Sync(context.Background(), []Doc{{Page: "p", Lang: "es", Text: text}}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"informacion", `"informacion sensible"`} {
			hits, _ := mustSearch(t, ix, q)
			if len(hits) != 1 {
				t.Fatalf("pad %d: Search(%q) = %d hits, want 1", pad, q, len(hits))
			}
			s := string(hits[0].Snippet)
			if !strings.Contains(s, "<mark>Información") {
				t.Errorf("pad %d: Search(%q) snippet = %q, want Información marked", pad, q, s)
			}
			checkSnippet(t, s)
		}
	}
}
