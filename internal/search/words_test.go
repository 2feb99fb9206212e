package search

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// sameTokens compares the word tokenizer with bleve's unicode tokenizer on
// one text: the terms, offsets, positions and types must all be equal.
func sameTokens(t *testing.T, text string) {
	t.Helper()
	want := unicodetok.NewUnicodeTokenizer().Tokenize([]byte(text))
	got := newWordTokenizer().Tokenize([]byte(text))
	if a, b := tokenDump(got), tokenDump(want); a != b {
		t.Fatalf("text %q:\n got  %s\n want %s", text, a, b)
	}
}

func tokenDump(ts analysis.TokenStream) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "[%q %d-%d #%d %v] ", t.Term, t.Start, t.End, t.Position, t.Type)
	}
	return b.String()
}

func TestWordTokenizerMatchesUnicode(t *testing.T) {
	for _, text := range []string{
		"",
		" ",
		"word",
		"two words",
		"don't stop: e.g. 3.14, 1,000; a:b a::b a..b",
		"snake_case _lead trail_ __ _ 1_2 _1_ a_1 1a a1 1.a a.1 1.5.6 x'1 1'2",
		"end. end, end' end: end; end_",
		"tabs\tand\nlines\r\nand\vvertical\fform",
		"\"quoted\" (parens) [brackets] {braces} <tags> #hash @at $5 100% a-b a/b a+b a=b",
		"café naïve résumé contraseña información política",
		"mixed café-au-lait e\u0301 e\u0301tude x\u00adsoft hyphen",
		"space then combining \u0301 mark and nbsp\u00a0here",
		"中文 字 日本語のカタカナ テスト ひらがな",
		"עברית מה\"ב א'ב and ascii",
		"العربية فارسی\u200cها русский ελληνικά",
		"emoji 👍🏽 flags 🇫🇷🇩🇪 zwj 👩\u200d💻 end",
		"line\u2028separator and paragraph\u2029separator",
		"trailing space ",
		"ascii then é",
		"é then ascii",
		"a\n\u0301b",
		"x \u200b y",
		"invalid \xff utf8 and more words",
	} {
		sameTokens(t, text)
	}
}

// TestWordTokenizerRandom compares the two on random text drawn from the
// characters whose word-break classes matter, ASCII and not.
func TestWordTokenizerRandom(t *testing.T) {
	alphabet := []string{
		"a", "Z", "q", "7", "0", "_", ":", ".", "'", ",", ";", "\"", " ", " ", " ", "\t", "\n", "\r", "\v", "-", "/", "(",
		"é", "\u0301", "\u00ad", "\u00a0", "中", "カ", "ひ", "א", "ع", "\u200c", "\u200d", "👍", "🇫", "\u2028", "٣", "·",
	}
	r := rand.New(rand.NewPCG(7, 11))
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(24) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		sameTokens(t, b.String())
	}
}

// TestWordTokenizerCorpora compares the two on every page of the real
// corpora: the community wiki and the bilingual manual.
func TestWordTokenizerCorpora(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../../../shared/corpora/*/*.md", "../../../shared/corpora/*/*/*.md", "../../../shared/corpora/*/*/*/*.md"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("corpora not found")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sameTokens(t, string(b))
	}
}

func FuzzWordTokenizer(f *testing.F) {
	for _, s := range []string{"don't e.g. 3.14", "café 中文", "a_1 1.a", "x \u0301y", "עב\"ג"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { sameTokens(t, s) })
}

// BenchmarkWordTokenizer: the two on a page of mostly ASCII text with a
// few accented words, as the generated corpus has.
//
//	go test ./internal/search -run '^$' -bench WordTokenizer
func BenchmarkWordTokenizer(b *testing.B) {
	text := []byte(strings.Repeat("Access update timeline journalist facilitator meeting información account incident, naïve community cloud: secure backup phone. ", 40))
	for _, tk := range []struct {
		name string
		t    analysis.Tokenizer
	}{{"unicode", unicodetok.NewUnicodeTokenizer()}, {"words", newWordTokenizer()}} {
		b.Run(tk.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for range b.N {
				tk.t.Tokenize(text)
			}
		})
	}
}
