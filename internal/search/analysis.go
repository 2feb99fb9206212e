package search

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fa"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/analysis/lang/pt"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/token/elision"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// Names in bleve's global registry, prefixed so they cannot clash.
const (
	foldFilterName  = "gitwiki_fold"
	pairsFilterName = "gitwiki_pairs"
	zwnjFilterName  = "gitwiki_zwnj"
	analyzerPrefix  = "gitwiki_"
	pairsPrefix     = "gitwiki_pairs_"
)

// otherFamily is the family of every language without a stemmer of its own:
// its pages are folded, not stemmed.
const otherFamily = "xx"

// A family is how pages in some languages are analysed: the languages bleve
// has a stemmer or stop words for each have their own, every other language
// shares otherFamily. The filters run after the shared tokenizer, so every
// family sees the same tokens and a query word is analysed once per family.
type family struct {
	code    string
	filters []string // token filters, by registered name
	// What the offline search needs to repeat the filters that come before
	// stemming (see ExportIndex): the stop list's registered name, the
	// elision articles' registered name, and whether "'s" is removed.
	stop, elision string
	possessive    bool
}

// families lists the analysed languages. Stop words are removed before
// folding, since the lists hold accented words, and folding comes before
// stemming, so a query typed without accents stems like the accented text.
var families = []family{
	{code: "en", filters: []string{en.PossessiveName, lowercase.Name, en.StopName, foldFilterName, porter.Name}, stop: en.StopName, possessive: true},
	{code: "es", filters: []string{lowercase.Name, es.StopName, foldFilterName, es.LightStemmerName}, stop: es.StopName},
	{code: "fr", filters: []string{lowercase.Name, fr.ElisionName, fr.StopName, foldFilterName, fr.LightStemmerName}, stop: fr.StopName, elision: fr.ArticlesName},
	{code: "pt", filters: []string{lowercase.Name, pt.StopName, foldFilterName, pt.LightStemmerName}, stop: pt.StopName},
	{code: "de", filters: []string{lowercase.Name, de.StopName, foldFilterName, de.NormalizeName, de.LightStemmerName}, stop: de.StopName},
	{code: "it", filters: []string{lowercase.Name, it.ElisionName, it.StopName, foldFilterName, it.LightStemmerName}, stop: it.StopName, elision: it.ArticlesName},
	{code: "ru", filters: []string{lowercase.Name, ru.StopName, foldFilterName, ru.SnowballStemmerName}, stop: ru.StopName},
	{code: "ar", filters: []string{lowercase.Name, ar.StopName, ar.NormalizeName, foldFilterName, ar.StemmerName}, stop: ar.StopName},
	{code: "fa", filters: []string{lowercase.Name, ar.NormalizeName, fa.NormalizeName, fa.StopName, foldFilterName}, stop: fa.StopName},
	{code: otherFamily, filters: []string{lowercase.Name, foldFilterName}},
}

// familyOf reduces a page or reader language ("es-MX", "pt_BR", "sw") to the
// family its text is analysed with.
func familyOf(lang string) string {
	base := baseLang(lang)
	for _, f := range families {
		if f.code == base && f.code != otherFamily {
			return base
		}
	}
	return otherFamily
}

// baseLang is the lowercased primary subtag of a language tag, or "" when
// lang does not look like one.
func baseLang(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	if len(lang) < 2 || len(lang) > 3 {
		return ""
	}
	for _, c := range lang {
		if c < 'a' || c > 'z' {
			return ""
		}
	}
	return lang
}

func analyzerName(fam string) string { return analyzerPrefix + fam }

// Registering the filters is the only way bleve's mapping can name them; it
// happens once.
func init() {
	err := registry.RegisterTokenFilter(foldFilterName,
		func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
			return foldFilter{}, nil
		})
	if err == nil {
		err = registry.RegisterTokenFilter(pairsFilterName,
			func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
				return pairsFilter{}, nil
			})
	}
	if err == nil {
		err = registry.RegisterTokenizer(wordTokenizerName,
			func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
				return newWordTokenizer(), nil
			})
	}
	if err == nil {
		err = registry.RegisterCharFilter(zwnjFilterName,
			func(map[string]interface{}, *registry.Cache) (analysis.CharFilter, error) {
				return zwnjFilter{}, nil
			})
	}
	if err != nil {
		panic(err)
	}
}

// zwnjFilter turns the zero-width non-joiner, which Persian writes inside
// words, into spaces of the same length, so token offsets stay those of the
// original text (bleve's own filter shortens it, and snippets would drift).
type zwnjFilter struct{}

var zwnj = []byte("\u200c")

func (zwnjFilter) Filter(input []byte) []byte {
	if !bytes.Contains(input, zwnj) {
		return input
	}
	return bytes.ReplaceAll(input, zwnj, []byte("   "))
}

// pairsFilter turns a stream of terms into the pairs of neighbours ("a b"
// for "a" then "b", stop words already gone). A phrase in the body is
// found by its pairs, with term queries, instead of by checking the
// positions of its words on every page that has them all: on a wiki where
// most pages have both words, ten times faster.
type pairsFilter struct{}

func (pairsFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	if len(input) < 2 {
		return input[:0]
	}
	out := make(analysis.TokenStream, 0, len(input)-1)
	for i := 1; i < len(input); i++ {
		a, b := input[i-1], input[i]
		out = append(out, &analysis.Token{Term: []byte(pairTerm(string(a.Term), string(b.Term))), Start: a.Start, End: b.End, Position: i, Type: analysis.Shingle})
	}
	return out
}

// pairTerm is the pair term of two neighbouring terms.
func pairTerm(a, b string) string { return a + " " + b }

// foldFilter lowercases a token and removes its accents, so "Información",
// "informacion" and a decomposed (NFD) "información" all index as "informacion".
// It works on tokens rather than on the raw text, so token offsets stay those of the
// original text, which the snippets rely on.
type foldFilter struct{}

func (foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		tok.Term = fold(tok.Term)
	}
	return input
}

// latinFold holds the folded, lowercased form of U+0080 to U+024F, the Latin
// letters most text uses, taken from bleve's ASCII folding table (ß → ss, Æ → ae).
var latinFold = func() (t [0x250 - 0x80]string) {
	ascii := asciifolding.New()
	for r := rune(0x80); r < 0x250; r++ {
		t[r-0x80] = strings.ToLower(string(ascii.Filter([]byte(string(r)))))
	}
	return t
}()

var asciiFold = asciifolding.New()

// fold may reuse term's storage.
func fold(term []byte) []byte {
	i := 0
	for i < len(term) && term[i] < utf8.RuneSelf {
		if b := term[i]; 'A' <= b && b <= 'Z' {
			term[i] = b + 'a' - 'A'
		}
		i++
	}
	if i == len(term) {
		return term
	}
	out := make([]byte, i, len(term)+4)
	copy(out, term[:i])
	for _, r := range string(term[i:]) {
		out = appendFolded(out, r)
	}
	return out
}

func appendFolded(out []byte, r rune) []byte {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(out, byte(r))
	case r < 0x250:
		return append(out, latinFold[r-0x80]...)
	case unicode.Is(unicode.Mn, r):
		return out // a combining accent of decomposed (NFD) text
	case unicode.Is(unicode.Greek, r):
		// Greek loses its tonos and dialytika, which readers often omit.
		for _, d := range norm.NFD.String(string(unicode.ToLower(r))) {
			if !unicode.Is(unicode.Mn, d) {
				out = utf8.AppendRune(out, d)
			}
		}
		return out
	case r == 'ё' || r == 'Ё':
		return append(out, "е"...) // Russian readers type е for ё
	default:
		var buf [utf8.UTFMax]byte
		folded := asciiFold.Filter(utf8.AppendRune(buf[:0], r))
		return append(out, strings.ToLower(string(folded))...)
	}
}

// foldString folds one string, for keys such as titles and tags.
func foldString(s string) string { return string(fold([]byte(s))) }

// analyzers are the bleve analyzers of each family, and the token filters
// a single query word goes through.
type analyzers struct {
	byFamily map[string]*analysis.DefaultAnalyzer
	tokens   analysis.Analyzer // tokenizer and folding only: queries and keys
	stops    map[string]analysis.TokenMap
	elisions map[string]analysis.TokenMap
	// surface are the filters before a family's stop words and stemmer:
	// what a word looks like before stemming, which completions start
	// from and the offline index maps to stems.
	surface map[string][]analysis.TokenFilter
}

func newAnalyzers(lookup func(name string) analysis.Analyzer) (*analyzers, error) {
	a := &analyzers{
		byFamily: map[string]*analysis.DefaultAnalyzer{},
		stops:    map[string]analysis.TokenMap{},
		elisions: map[string]analysis.TokenMap{},
		surface:  map[string][]analysis.TokenFilter{},
	}
	cache := registry.NewCache()
	for _, f := range families {
		d, ok := lookup(analyzerName(f.code)).(*analysis.DefaultAnalyzer)
		if !ok {
			return nil, fmt.Errorf("analyzer %s missing", f.code)
		}
		a.byFamily[f.code] = d
		for name, into := range map[string]map[string]analysis.TokenMap{f.stop: a.stops, f.elision: a.elisions} {
			if name == "" {
				continue
			}
			m, err := cache.TokenMapNamed(name)
			if err != nil {
				return nil, fmt.Errorf("token map %s: %w", name, err)
			}
			into[f.code] = m
		}
		var sf []analysis.TokenFilter
		if f.possessive {
			sf = append(sf, en.NewPossessiveFilter())
		}
		sf = append(sf, lowercase.NewLowerCaseFilter())
		if m := a.elisions[f.code]; m != nil {
			sf = append(sf, elision.NewElisionFilter(m))
		}
		a.surface[f.code] = append(sf, foldFilter{})
	}
	a.tokens = lookup(foldAnalyzerName)
	if a.tokens == nil {
		return nil, fmt.Errorf("analyzer %s missing", foldAnalyzerName)
	}
	return a, nil
}

// word analyses one token of a query in a family: its indexed term, or ""
// when the family drops it (a stop word).
func (a *analyzers) word(fam, token string) string {
	return filterToken(a.byFamily[fam].TokenFilters, token)
}

// surfaceForm is token folded the way fam folds it before stemming.
func (a *analyzers) surfaceForm(fam, token string) string {
	return filterToken(a.surface[fam], token)
}

func filterToken(filters []analysis.TokenFilter, token string) string {
	ts := analysis.TokenStream{{Term: []byte(token), Position: 1, Type: analysis.AlphaNumeric}}
	for _, f := range filters {
		ts = f.Filter(ts)
		if len(ts) == 0 {
			return ""
		}
	}
	return string(ts[0].Term)
}

// foldTokens is s split into folded words, as queries and title keys see it.
func (a *analyzers) foldTokens(s string) []string {
	toks := a.tokens.Analyze([]byte(s))
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = string(t.Term)
	}
	return out
}

// titleKey is what an exact title match compares: the title's folded words.
func (a *analyzers) titleKey(title string) string {
	return strings.Join(a.foldTokens(title), " ")
}

// unicodeTokenizer is named for the mapping's analyzers: bleve's unicode
// tokenizer, scanning ASCII faster (words.go). Its tokens are the same, so
// an index written with bleve's own stays valid.
const unicodeTokenizer = wordTokenizerName
