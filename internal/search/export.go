package search

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/gitwiki/gitwiki/internal/parallel"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// The offline index of a static export answers queries in the reader's
// browser, from file:// as over HTTP, under script-src 'self': no fetch,
// modules, WebAssembly or workers, only scripts appended on demand, each
// calling gitwikiSearch.add(name, data). It holds what the server's index
// scores with (see the rules in build.go), precomputed per page and term:
//
//   - main.HASH.js: the manifest: the families, each one's stop words,
//     elision articles and suffix rules, where every chunk's keys begin,
//     and the folder holding the chunks, named by a hash of them all;
//   - DIR/fold.js: the folding table, loaded for queries with non-ASCII
//     letters;
//   - DIR/FAMILY-N.js: a range of one family's terms, each with the fields
//     holding it and its postings (page, score, fields matched), and its
//     surface forms: "politiques" → "politiqu", since the browser cannot
//     stem, and the index knows the stem of every word its pages use;
//   - DIR/_-N.js: exact titles, folders, tags, languages and families, for
//     the exact title rule and the filters;
//   - DIR/d-N.js: eight pages' titles, addresses, breadcrumbs, languages
//     and openings, for the results shown.
//
// Terms are in ranges of about indexChunkBytes, so a one-word query loads
// the manifest, one chunk per family, one of titles and the pages it shows.

// Sizes of the offline index. A query loads a terms chunk per family, a
// keys chunk for the exact title and each filter, and a pages chunk per
// result shown: small chunks keep that under the budgets (100 KB
// for a one-word query on 10,000 pages).
const (
	indexChunkBytes = 16 << 10
	keyChunkBytes   = 8 << 10
	docsPerChunk    = 8
	excerptRunes    = 160
	exportPerPage   = 10 // results the script shows at once
	maxSuffixRules  = 300
	maxSuffixLen    = 6
)

// ExportDoc is a page of the export and its address from the search page.
type ExportDoc struct {
	Page *site.Page
	URL  string
}

// Export is the offline index: scripts to write in the search page's folder.
type Export struct {
	// Main is the file the search page loads (a name in Files); the rest
	// are in a folder next to it.
	Main  string
	Files map[string][]byte
	Bytes int // their total size
}

// exportDoc is a page as the offline index needs it.
type exportDoc struct {
	doc    Doc
	url    string
	crumbs string
	fam    string
	key    string // title key
	sort   string
	fields [3]fieldStats // title, heading, body
	// surfaces maps the surface forms of the page's words to their stems,
	// where they differ.
	surfaces map[string]string
}

// fieldStats are one field's analysed terms.
type fieldStats struct {
	length int
	tf     map[string]int
}

// ExportIndex builds the offline index of pages, read from st.
func ExportIndex(ctx context.Context, st *site.Site, pages []ExportDoc) (*Export, error) {
	im, err := newMapping()
	if err != nil {
		return nil, err
	}
	an, err := newAnalyzers(im.AnalyzerNamed)
	if err != nil {
		return nil, err
	}
	docs, err := analyseExport(ctx, an, st, pages)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(docs, func(a, b *exportDoc) int { return strings.Compare(a.sort, b.sort) })
	e := &exporter{an: an, docs: docs, files: map[string][]byte{}}
	return e.build()
}

// analyseExport reads and analyses every page, on all cores.
func analyseExport(ctx context.Context, an *analyzers, st *site.Site, pages []ExportDoc) ([]*exportDoc, error) {
	docs := make([]*exportDoc, len(pages))
	workers := runtime.GOMAXPROCS(0)
	memo := make([]memos, workers)
	err := parallel.ForWorkers(ctx, workers, len(pages), func(w, i int) error {
		if memo[w] == nil {
			memo[w] = memos{}
		}
		d, err := analyseDoc(ctx, an, st, pages[i], memo[w])
		docs[i] = d
		return err
	})
	if err != nil {
		return nil, err
	}
	return docs, nil
}

// memoTerm is a token's analysis in its family, cached per worker: pages
// repeat their words.
type memoTerm struct{ stem, surface string }

// memos are a worker's memoTerms, by family and then by token: a lookup
// with the token's bytes allocates nothing, where a key made of both
// allocated a string for every word of every page.
type memos map[string]map[string]memoTerm

const maxMemo = 200000

func analyseDoc(ctx context.Context, an *analyzers, st *site.Site, ed ExportDoc, memo memos) (*exportDoc, error) {
	d, err := DocOf(ctx, st, ed.Page)
	if err != nil {
		return nil, fmt.Errorf("search index of %s: %w", ed.Page.File, err)
	}
	fam := familyOf(d.Lang)
	key := an.titleKey(d.Title)
	x := &exportDoc{doc: d, url: ed.URL, fam: fam, key: key, sort: key + "\x00" + string(d.Page), surfaces: map[string]string{}}
	var crumbs []string
	for _, n := range st.Breadcrumbs(d.Page) {
		if n.Name != wikipath.Root {
			crumbs = append(crumbs, n.Title)
		}
	}
	x.crumbs = strings.Join(crumbs, " › ")
	texts := [3]string{d.Title, strings.Join(slices.Concat(d.Headings, d.Tags), "\n"), d.Text}
	tokenize := an.tokenizer()
	fm := memo[fam]
	if len(fm) > maxMemo {
		clear(fm)
	}
	if fm == nil {
		fm = map[string]memoTerm{}
		memo[fam] = fm
	}
	for i, text := range texts {
		fs := fieldStats{tf: map[string]int{}}
		for _, tok := range tokenize(text) {
			m, ok := fm[string(tok.Term)]
			if !ok {
				raw := string(tok.Term)
				m = memoTerm{stem: an.word(fam, raw), surface: an.surfaceForm(fam, raw)}
				fm[raw] = m
			}
			if m.stem == "" {
				continue
			}
			fs.length++
			fs.tf[m.stem]++
			if m.surface != m.stem {
				x.surfaces[m.surface] = m.stem
			}
		}
		x.fields[i] = fs
	}
	return x, nil
}

// tokenizer splits text as every family's analyzer does, before filters.
func (a *analyzers) tokenizer() func(string) analysis.TokenStream {
	d := a.byFamily[otherFamily]
	return func(s string) analysis.TokenStream {
		b := []byte(s)
		for _, cf := range d.CharFilters {
			b = cf.Filter(b)
		}
		return d.Tokenizer.Tokenize(b)
	}
}

// idf is bleve's tf-idf inverse document frequency.
func idf(docs, withTerm int) float64 {
	return 1 + math.Log(float64(docs)/float64(withTerm+1))
}

// fieldNorm is bleve's field-length norm, as its segments store it.
func fieldNorm(length int) float64 {
	if length == 0 {
		return 0
	}
	return float64(float32(1 / math.Sqrt(float64(length))))
}
