package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
)

// Analyzer and filter names, prefixed so they cannot clash in bleve's global registry.
const (
	foldFilterName = "gitwiki_fold"
	foldAnalyzer   = "gitwiki_fold"
	enAnalyzer     = "gitwiki_en"
	esAnalyzer     = "gitwiki_es"
)

// Index fields. Every page gets the folded fields; a page in a language with a
// stemmer also gets that language's stemmed fields, so a query word matches either
// its exact (folded) form or its stem, and exact forms score higher.
const (
	fieldTitle   = "title"
	fieldTags    = "tags"
	fieldBody    = "body"
	fieldTitleEN = "title_en"
	fieldBodyEN  = "body_en"
	fieldTitleES = "title_es"
	fieldBodyES  = "body_es"
)

const (
	boostTitle = 3
	boostTags  = 2
)

// Registering the filter is the only way bleve's mapping can name it; it happens once.
func init() {
	err := registry.RegisterTokenFilter(foldFilterName,
		func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
			return foldFilter{}, nil
		})
	if err != nil {
		panic(err)
	}
}

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
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			out = append(out, byte(r))
		case r < 0x250:
			out = append(out, latinFold[r-0x80]...)
		case unicode.Is(unicode.Mn, r):
			// a combining accent of decomposed (NFD) text
		default:
			var buf [utf8.UTFMax]byte
			folded := asciiFold.Filter(utf8.AppendRune(buf[:0], r))
			out = append(out, strings.ToLower(string(folded))...)
		}
	}
	return out
}

// langOf reduces a page language to the analyzer family it is indexed with.
func langOf(lang string) string {
	lang = strings.ToLower(lang)
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	switch lang {
	case "en", "es":
		return lang
	}
	return ""
}

func newMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	analyzers := map[string][]string{
		foldAnalyzer: {foldFilterName},
		// Stop words are removed before folding, since the lists hold accented words.
		enAnalyzer: {en.PossessiveName, lowercase.Name, en.StopName, foldFilterName, porter.Name},
		esAnalyzer: {lowercase.Name, es.StopName, foldFilterName, es.LightStemmerName},
	}
	for name, filters := range analyzers {
		err := im.AddCustomAnalyzer(name, map[string]interface{}{
			"type":          custom.Name,
			"tokenizer":     unicodetok.Name,
			"token_filters": filters,
		})
		if err != nil {
			return nil, err
		}
	}
	im.DefaultAnalyzer = foldAnalyzer
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	dm := bleve.NewDocumentStaticMapping()
	add := func(field, analyzer string, positions bool) {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = analyzer
		fm.Store = false
		fm.IncludeInAll = false
		fm.DocValues = false
		fm.IncludeTermVectors = positions // phrase queries need positions
		dm.AddFieldMappingsAt(field, fm)
	}
	add(fieldTitle, foldAnalyzer, true)
	add(fieldTags, foldAnalyzer, true)
	add(fieldBody, foldAnalyzer, true)
	add(fieldTitleEN, enAnalyzer, false)
	add(fieldBodyEN, enAnalyzer, false)
	add(fieldTitleES, esAnalyzer, false)
	add(fieldBodyES, esAnalyzer, false)
	im.DefaultMapping = dm
	return im, nil
}

// fields is what bleve indexes for one page.
func fields(d Doc) map[string]interface{} {
	m := map[string]interface{}{
		fieldTitle: d.Title,
		fieldBody:  d.Text,
	}
	if len(d.Tags) > 0 {
		m[fieldTags] = d.Tags
	}
	switch langOf(d.Lang) {
	case "en":
		m[fieldTitleEN], m[fieldBodyEN] = d.Title, d.Text
	case "es":
		m[fieldTitleES], m[fieldBodyES] = d.Title, d.Text
	}
	return m
}

// stemmer reduces an already folded term the way a language's index analyzer does,
// so snippets can highlight "policy" for the query "policies".
type stemmer []analysis.TokenFilter

func stemmerFor(lang string) stemmer {
	switch lang {
	case "en":
		return stemmer{en.NewPossessiveFilter(), porter.NewPorterStemmer()}
	case "es":
		return stemmer{es.NewSpanishLightStemmerFilter()}
	}
	return nil
}

func (s stemmer) stem(term string) string {
	ts := analysis.TokenStream{{Term: []byte(term)}}
	for _, f := range s {
		ts = f.Filter(ts)
	}
	return string(ts[0].Term)
}
