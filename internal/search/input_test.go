package search

import (
	"errors"
	"hash/fnv"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// TestParse: what the parser makes of words, phrases, exclusions and filters.
func TestParse(t *testing.T) {
	t.Parallel()
	ix := memIndex(t)
	w := func(raw, fold string) Word { return Word{Raw: raw, Fold: fold} }
	tests := []struct {
		q    string
		want Parsed
	}{
		{"Threat model", Parsed{Words: []Word{w("Threat", "threat"), w("model", "model")}, Prefix: true, Key: "threat model"}},
		{"threat model ", Parsed{Words: []Word{w("threat", "threat"), w("model", "model")}, Key: "threat model"}},
		{`"threat model" workshop`, Parsed{Phrases: [][]Word{{w("threat", "threat"), w("model", "model")}}, Words: []Word{w("workshop", "workshop")}, Prefix: true, Key: "threat model workshop"}},
		{`“curly quotes”`, Parsed{Phrases: [][]Word{{w("curly", "curly"), w("quotes", "quotes")}}, Key: "curly quotes"}},
		{`"open quote`, Parsed{Words: []Word{w("open", "open"), w("quote", "quote")}, Prefix: true, Key: "open quote"}},
		{"threat -encryption", Parsed{Words: []Word{w("threat", "threat")}, Exclude: []Word{w("encryption", "encryption")}, Key: "threat"}},
		{`a -"b c"`, Parsed{Words: []Word{w("a", "a")}, ExcludePhrases: [][]Word{{w("b", "b"), w("c", "c")}}, Key: "a"}},
		{"-e-mail x", Parsed{ExcludePhrases: [][]Word{{w("e", "e"), w("mail", "mail")}}, Words: []Word{w("x", "x")}, Key: "x"}},
		{"e-mail", Parsed{Words: []Word{w("e", "e"), w("mail", "mail")}, Prefix: true, Key: "e mail"}},
		{"in:Guides tag:\"human rights\" -lang:es x", Parsed{
			Filters: []Filter{{Kind: "in", Value: "Guides"}, {Kind: "tag", Value: "human rights"}, {Kind: "lang", Value: "es", Not: true}},
			Words:   []Word{w("x", "x")}, Key: "x"}},
		{"TAG:x", Parsed{Filters: []Filter{{Kind: "tag", Value: "x"}}}},
		{"in: x", Parsed{Words: []Word{w("x", "x")}, Key: "x"}},
		{"Contraseña contraseña", Parsed{Words: []Word{w("Contraseña", "contrasena")}, Prefix: true, Key: "contrasena"}},
		{"- x", Parsed{Words: []Word{w("x", "x")}, Key: "x"}},
		// Operators are punctuation; a colon inside a word is part of it,
		// as Unicode word breaking has it.
		{"+plus title:a^2 b~ c*", Parsed{Words: []Word{w("plus", "plus"), w("title:a", "title:a"), w("2", "2"), w("b", "b"), w("c", "c")}, Key: "plus title:a 2 b c"}},
		{"", Parsed{}},
		{" \t ", Parsed{}},
	}
	for _, tc := range tests {
		got, err := ix.Parse(tc.q)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.q, err)
			continue
		}
		if !equalParsed(got, tc.want) {
			t.Errorf("Parse(%q) =\n%+v, want\n%+v", tc.q, got, tc.want)
		}
	}
}

func equalParsed(a, b Parsed) bool { return reflect.DeepEqual(normParsed(a), normParsed(b)) }

// normParsed makes empty lists nil, so lists compare by content.
func normParsed(p Parsed) Parsed {
	if len(p.Words) == 0 {
		p.Words = nil
	}
	if len(p.Exclude) == 0 {
		p.Exclude = nil
	}
	if len(p.Phrases) == 0 {
		p.Phrases = nil
	}
	if len(p.ExcludePhrases) == 0 {
		p.ExcludePhrases = nil
	}
	if len(p.Filters) == 0 {
		p.Filters = nil
	}
	return p
}

// TestBadInput: whatever a reader (or a script) sends gets results or a
// clear QueryError, never a panic or another error.
func TestBadInput(t *testing.T) {
	t.Parallel()
	w := fixture(t)
	long := strings.Repeat("password ", 10<<10/9)
	var thousand []string
	for i := range 1000 {
		thousand = append(thousand, "w"+strconv.Itoa(i))
	}
	tests := []struct {
		name, q string
		code    string // "" when the query must succeed
		min     int    // results at least
	}{
		{"10 KB", long, "too-long", 0},
		{"a thousand terms", strings.Join(thousand, " "), "too-long", 0},
		{"forty terms", strings.Join(thousand[:40], " "), "too-many-words", 0},
		{"forty phrases", `"a` + strings.Join(thousand[:40], ` b" "a`) + ` b"`, "too-many-words", 0},
		{"long phrase", `"` + strings.Join(thousand[:20], " ") + `"`, "too-many-words", 0},
		{"punctuation only", "!!! ??? ...", "no-words", 0},
		{"quotes only", `""`, "no-words", 0},
		{"symbols", "+-:^~*()[]{}", "no-words", 0},
		{"query syntax is text", `+password -manager title:x^2 phishing~1 pass* /re/`, "", 0},
		{"unbalanced quotes", `"password manager`, "", 1},
		{"three quotes", `"password" "manager`, "", 1},
		{"control characters", "pass\x00word\x1b[31m \x07", "", 0},
		{"control characters inside a word", "password\x00", "", 1},
		{"invalid UTF-8", "password \xff\xfe", "", 1},
		{"lone surrogate bytes", "password \xed\xa0\x80", "", 1},
		{"filter values", `in:../../etc tag: lang:zz-ZZ-x in:"" password`, "", 0},
		{"filter without value at the end", "password lang:", "", 1},
		{"filter key alone", "in:", "no-words", 0},
		{"many filters", strings.Repeat("tag:x ", 20), "too-many-words", 0},
		{"NUL in filter", "tag:a\x00b", "", 0},
		{"right-to-left marks", "\u202epassword\u202c", "", 1},
		{"zero-width joiner", "pass\u200dword", "", 0},
		{"emoji", "🔐 password", "", 1},
		{"1000 bytes exactly", strings.Repeat("x", 990) + " password", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := w.ix.Search(ctx, Query{Text: tc.q})
			var qe *QueryError
			switch {
			case tc.code != "":
				if !errors.As(err, &qe) || qe.Code != tc.code || !errors.Is(err, ErrBadQuery) {
					t.Fatalf("Search(%.40q) = %v, want a QueryError %s", tc.q, err, tc.code)
				}
				if strings.Contains(qe.Error(), "password") || len(qe.Error()) > 80 {
					t.Errorf("error %q echoes the query or is long", qe.Error())
				}
			case err != nil:
				t.Fatalf("Search(%.40q): %v", tc.q, err)
			case r.Total < tc.min:
				t.Errorf("Search(%.40q) = %d results, want %d", tc.q, r.Total, tc.min)
			}
			if _, err := w.ix.Suggest(ctx, tc.q, 5); err != nil && !errors.Is(err, ErrBadQuery) {
				t.Errorf("Suggest(%.40q): %v", tc.q, err)
			}
		})
	}
	// The filter fields are cleaned too.
	for _, f := range []string{"\xff", "\x00", strings.Repeat("a", 5000), "../.."} {
		if _, err := w.ix.Search(ctx, Query{Text: "password", Folders: []string{f}, Tags: []string{f}, Langs: []string{f}}); err != nil {
			t.Errorf("filter field %.20q: %v", f, err)
		}
	}
	if _, err := w.ix.Search(ctx, Query{Text: "password", Page: -5, PerPage: -5}); err != nil {
		t.Errorf("negative paging: %v", err)
	}
}

// FuzzSearchQuery feeds untrusted queries, and page text, to Search: it must
// never panic, fail only with ErrBadQuery, and return snippets whose only
// markup is <mark>.
func FuzzSearchQuery(f *testing.F) {
	f.Add("informacion", "La información <b>es</b> poder.")
	f.Add(`"seguridad de la" +title:x^2 -y~ z*`, "Seguridad de la información & más")
	f.Add("<script>", "<script>alert(1)</script>")
	f.Add("mark", "</mark><mark>mark</mark>")
	f.Add("\xff\xfe", "\xff<\xfe>")
	f.Add(`in:a tag:"b c" -lang:es "d e`, "d e f")
	f.Add("passw", "Passwords and passphrases")
	f.Add("lang:", "")
	f.Add(`tag:"`, "")

	fixed := []Doc{
		{Page: wikipath.Root, Lang: "en", Title: "Home", Text: "Welcome <home> & policies."},
		{Page: "es/a", Lang: "es", Title: "Información", Text: "Políticas de contraseñas <i>seguras</i>.", Tags: []string{"b c"}},
	}
	ix := memIndex(f, fixed...)
	f.Fuzz(func(t *testing.T, q, text string) {
		h := fnv.New64a()
		h.Write([]byte(text))
		lang := []string{"en", "es", "fr", "ar", "xx"}[h.Sum64()%5]
		putDocs(t, ix, Doc{Page: "fuzz", Lang: lang, Title: text, Text: text, Tags: []string{text}, Headings: []string{text}})
		r, err := ix.Search(ctx, Query{Text: q, PerPage: 5})
		if err != nil {
			if !errors.Is(err, ErrBadQuery) {
				t.Fatalf("Search(%q): %v", q, err)
			}
			return
		}
		if r.Total < len(r.Hits) {
			t.Errorf("total %d < %d hits", r.Total, len(r.Hits))
		}
		for _, hit := range r.Hits {
			checkSnippet(t, string(hit.Snippet))
		}
		if _, err := ix.Suggest(ctx, q, 5); err != nil && !errors.Is(err, ErrBadQuery) {
			t.Fatalf("Suggest(%q): %v", q, err)
		}
	})
}
