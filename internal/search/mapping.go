package search

import (
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// schemaVersion changes whenever the fields, the analysis or what a document
// holds change: an index on disk of another version is rebuilt.
const schemaVersion = "gitwiki-search-4"

// foldAnalyzerName tokenizes and folds without dropping or stemming words.
const foldAnalyzerName = analyzerPrefix + "fold"

// Index fields. Each family has its own title, heading and body fields,
// analysed its way, so a query word is looked up in each family's fields
// with that family's analysis of the word ("politique" becomes "politiqu" in
// the French fields, stays "politique" in the others). A page has only the
// fields of its own family.
func titleField(fam string) string { return "title_" + fam }
func headField(fam string) string  { return "head_" + fam } // headings and tags
func bodyField(fam string) string  { return "body_" + fam }
func pairField(fam string) string  { return "pair_" + fam } // the body's pairs of neighbouring terms

// Keyword fields, for filters, exact titles and order, and stored fields, for
// results; bleve stores nothing else.
const (
	fieldTitleKey  = "tkey"   // the title's folded words joined by spaces
	fieldTitleFold = "tword"  // the title's folded words, for suggestions
	fieldSort      = "tsort"  // the title key then the page name: results' order among equals
	fieldLang      = "lang"   // base language code, "" unknown
	fieldFamily    = "fam"    // the family the page is analysed in
	fieldFolder    = "folder" // every folder above the page, folded
	fieldTag       = "tag"    // every tag, folded
	storedTitle    = "s_title"
	storedText     = "s_text"
	storedLang     = "s_lang"
)

// Weights of the fields. Title words weigh most, headings and tags less,
// the body least. The offline index applies the same (see ExportIndex).
const (
	boostTitle = 4.0
	boostHead  = 2.0
	boostBody  = 1.0
	// Completions of the last word and corrections of a misspelt one count
	// for less than the word itself.
	boostPrefix = 0.5
	boostFuzzy  = 0.5
	// An exact title match comes first: its boost outweighs any other score.
	boostExactTitle = 1e6
)

var fieldBoosts = [3]float64{boostTitle, boostHead, boostBody}

func familyFields(fam string) [3]string {
	return [3]string{titleField(fam), headField(fam), bodyField(fam)}
}

func newMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	for _, f := range families {
		err := im.AddCustomAnalyzer(analyzerName(f.code), map[string]interface{}{
			"type":          custom.Name,
			"char_filters":  []string{zwnjFilterName},
			"tokenizer":     unicodeTokenizer,
			"token_filters": f.filters,
		})
		if err == nil {
			err = im.AddCustomAnalyzer(pairsPrefix+f.code, map[string]interface{}{
				"type":          custom.Name,
				"char_filters":  []string{zwnjFilterName},
				"tokenizer":     unicodeTokenizer,
				"token_filters": append(slices.Clone(f.filters), pairsFilterName),
			})
		}
		if err != nil {
			return nil, err
		}
	}
	err := im.AddCustomAnalyzer(foldAnalyzerName, map[string]interface{}{
		"type":          custom.Name,
		"char_filters":  []string{zwnjFilterName},
		"tokenizer":     unicodeTokenizer,
		"token_filters": []string{foldFilterName},
	})
	if err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = foldAnalyzerName
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false

	dm := bleve.NewDocumentStaticMapping()
	add := func(field, analyzer string, vectors, docValues bool) {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = analyzer
		fm.Store = false
		fm.IncludeInAll = false
		fm.DocValues = docValues
		fm.IncludeTermVectors = vectors // phrases need positions
		dm.AddFieldMappingsAt(field, fm)
	}
	for _, f := range families {
		for _, field := range familyFields(f.code) {
			add(field, analyzerName(f.code), true, false)
		}
		add(pairField(f.code), pairsPrefix+f.code, false, false)
	}
	add(fieldTitleKey, keyword.Name, false, false)
	add(fieldTitleFold, foldAnalyzerName, false, false)
	add(fieldSort, keyword.Name, false, true)
	add(fieldLang, keyword.Name, false, false)
	add(fieldFamily, keyword.Name, false, false)
	add(fieldFolder, keyword.Name, false, false)
	add(fieldTag, keyword.Name, false, false)
	for _, field := range []string{storedTitle, storedText, storedLang} {
		fm := bleve.NewTextFieldMapping()
		fm.Index = false
		fm.Store = true
		fm.IncludeInAll = false
		fm.DocValues = false
		fm.IncludeTermVectors = false
		dm.AddFieldMappingsAt(field, fm)
	}
	im.DefaultMapping = dm
	return im, nil
}
