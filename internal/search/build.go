package search

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// How many completions of the last word, and corrections of a misspelt
// one, a query tries per family. Candidates are taken in a fixed order
// (completions: shortest first; corrections: fewest edits, then shortest;
// then by term), which the offline search repeats.
const (
	maxPrefixTerms = 20
	maxFuzzyTerms  = 8
	// maxDictScan bounds the dictionary entries read for one completion.
	maxDictScan = 20000
)

// The scoring rules, which ExportIndex and search.js follow too:
//
//   - A word is a disjunction over every family the index holds of the
//     family's analysis of the word in its title, heading and body fields
//     (boosts 4, 2 and 1); bleve multiplies the sum of the matching clauses
//     by the share of clauses that matched (its coord factor), and each
//     clause scores boost × idf² × √tf / √length (bleve's tf-idf, idf =
//     1 + ln(docs / (docs with the term + 1))).
//   - The last word being typed adds a disjunction of its completions (at
//     half weight), and a word found nowhere adds a disjunction of its
//     corrections (half weight): word, completions and corrections are then
//     one disjunction, with its own coord factor.
//   - Words and phrases are all required; their scores add up.
//   - A page whose title is exactly the query's words comes first.
//   - Filters and exclusions do not score. Equal scores are ordered by title.

// plan is a parsed query made into a bleve query, with what each family
// matched, for highlighting.
type plan struct {
	q       query.Query
	byTitle bool              // nothing to rank by: order by title
	marks   map[string]*marks // by family
	clauses int
}

// marks are a family's terms to highlight, each with the clause it stands for.
type marks struct {
	terms   map[string]int
	phrases []phraseMark
}

type phraseMark struct {
	id    int
	terms []string // "" where a stop word was
}

// expansion is a completion or correction: a term and the fields holding it.
type expansion struct {
	term  string
	mask  uint8 // bit i: familyFields(fam)[i]
	dist  uint8
	runes int
}

type builder struct {
	ctx  context.Context
	an   *analyzers
	r    index.IndexReader
	fams []string
	plan *plan
	// real: families in which some required word is no stop word; only
	// there does a stop word's stand-in clause apply (a query of stop
	// words only must not list a whole language).
	real map[string]bool
}

func (ix *Index) plan(ctx context.Context, r index.IndexReader, p Parsed, fams []string) *plan {
	pl := &plan{marks: map[string]*marks{}}
	for _, f := range fams {
		pl.marks[f] = &marks{terms: map[string]int{}}
	}
	qb := &builder{ctx: ctx, an: ix.an, r: r, fams: fams, plan: pl, real: map[string]bool{}}
	for _, fam := range fams {
		for _, w := range slices.Concat(append([][]Word{p.Words}, p.Phrases...)...) {
			if ix.an.word(fam, w.Raw) != "" {
				qb.real[fam] = true
				break
			}
		}
	}
	var must, should, mustNot []query.Query
	for i, w := range p.Words {
		if q := qb.word(w, p.Prefix && i == len(p.Words)-1); q != nil {
			must = append(must, q)
		}
	}
	for _, ph := range p.Phrases {
		if q := qb.phrase(ph, true); q != nil {
			must = append(must, q)
		}
	}
	for _, w := range p.Exclude {
		if q := qb.exact(w, false); q != nil {
			mustNot = append(mustNot, q)
		}
	}
	for _, ph := range p.ExcludePhrases {
		if q := qb.phrase(ph, false); q != nil {
			mustNot = append(mustNot, q)
		}
	}
	filters, notFilters := qb.filters(p.Filters)
	mustNot = append(mustNot, notFilters...)
	// The exact title clause is added only when some page has that title:
	// most queries are no title, and the clause costs on every match.
	if p.positive() && p.Key != "" && qb.count(fieldTitleKey, p.Key) > 0 {
		should = append(should, termQuery(fieldTitleKey, p.Key, boostExactTitle))
	}
	onlyTitle := false
	switch {
	case len(must) > 0:
		must = append(must, filters...)
	case len(should) > 0:
		// Only stop words: the exact title is all there is to find.
		must, onlyTitle = filters, true
	case p.positive():
		pl.q = query.NewMatchNoneQuery() // only stop words, and no such title
		return pl
	default:
		pl.byTitle = true
		must = append([]query.Query{query.NewMatchAllQuery()}, filters...)
	}
	bq := query.NewBooleanQuery(must, should, mustNot)
	if onlyTitle {
		bq.SetMinShould(1)
	}
	pl.q = bq
	return pl
}

func termQuery(field, term string, boost float64) *query.TermQuery {
	q := query.NewTermQuery(term)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

func disjunction(qs []query.Query) query.Query {
	if len(qs) == 0 {
		return nil
	}
	return query.NewDisjunctionQuery(qs)
}

// word is the clause of one required word: its exact terms, and its
// completions or corrections.
func (qb *builder) word(w Word, last bool) query.Query {
	exact := qb.exact(w, true)
	if exact == nil {
		return nil // a stop word in every family
	}
	parts := []query.Query{exact}
	id := qb.plan.clauses - 1
	runes := utf8.RuneCountInString(w.Fold)
	completes := false
	if last {
		if p := qb.expand(w, id, boostPrefix, qb.prefixTerms); p != nil {
			parts = append(parts, p)
			completes = true
		}
	}
	// A word found nowhere is corrected, unless it is being typed and
	// completes.
	if runes >= minFuzzyRunes && !completes && !qb.found(w) {
		if f := qb.expand(w, id, boostFuzzy, qb.fuzzyTerms); f != nil {
			parts = append(parts, f)
		}
	}
	if len(parts) == 1 {
		return exact
	}
	return query.NewDisjunctionQuery(parts)
}

// exact is the disjunction of a word's analysis in every family's fields;
// mark records its terms for highlighting. A required word (mark) that a
// family drops as a stop word asks nothing of that family's pages: a clause
// matching them, without score, stands in for it ("mots de passe" finds the
// French page although "de" is no French term). A word every family drops
// is no clause at all.
func (qb *builder) exact(w Word, mark bool) query.Query {
	var qs, dropped []query.Query
	id := qb.plan.clauses
	for _, fam := range qb.fams {
		t := qb.an.word(fam, w.Raw)
		if t == "" {
			if mark && qb.real[fam] {
				dropped = append(dropped, termQuery(fieldFamily, fam, 0))
			}
			continue
		}
		for i, field := range familyFields(fam) {
			qs = append(qs, termQuery(field, t, fieldBoosts[i]))
		}
		if mark {
			if _, dup := qb.plan.marks[fam].terms[t]; !dup {
				qb.plan.marks[fam].terms[t] = id
			}
		}
	}
	if len(qs) == 0 {
		return nil
	}
	if mark {
		qb.plan.clauses++
	}
	return disjunction(append(qs, dropped...))
}

// found reports whether some family's analysis of w is in the index.
func (qb *builder) found(w Word) bool {
	for _, fam := range qb.fams {
		t := qb.an.word(fam, w.Raw)
		if t == "" {
			continue
		}
		for _, field := range familyFields(fam) {
			if qb.count(field, t) > 0 {
				return true
			}
		}
	}
	return false
}

func (qb *builder) count(field, term string) uint64 {
	tfr, err := qb.r.TermFieldReader(qb.ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0
	}
	defer tfr.Close()
	return tfr.Count()
}

// expand is the disjunction of a word's completions or corrections in
// every family, at the given weight.
func (qb *builder) expand(w Word, id int, boost float64, terms func(fam string, w Word) []expansion) query.Query {
	var qs []query.Query
	for _, fam := range qb.fams {
		fields := familyFields(fam)
		for _, e := range terms(fam, w) {
			for i, field := range fields {
				if e.mask&(1<<i) != 0 {
					qs = append(qs, termQuery(field, e.term, fieldBoosts[i]*boost))
				}
			}
			if _, dup := qb.plan.marks[fam].terms[e.term]; !dup {
				qb.plan.marks[fam].terms[e.term] = id
			}
		}
	}
	return disjunction(qs)
}

// prefixTerms are the completions of w in fam: the shortest terms that
// begin with w as fam folds it, besides the word's own term.
func (qb *builder) prefixTerms(fam string, w Word) []expansion {
	own := qb.an.word(fam, w.Raw)
	if own == "" {
		return nil // a stop word in fam
	}
	prefix := qb.an.surfaceForm(fam, w.Raw)
	if utf8.RuneCountInString(prefix) < minPrefixRunes {
		return nil
	}
	found := map[string]*expansion{}
	for i, field := range familyFields(fam) {
		d, err := qb.r.FieldDictPrefix(field, []byte(prefix))
		if err != nil {
			continue
		}
		for n := 0; n < maxDictScan; n++ {
			e, err := d.Next()
			if err != nil || e == nil {
				break
			}
			if e.Term == own {
				continue
			}
			x := found[e.Term]
			if x == nil {
				x = &expansion{term: e.Term, runes: utf8.RuneCountInString(e.Term)}
				found[e.Term] = x
			}
			x.mask |= 1 << i
		}
		d.Close()
	}
	return pick(found, maxPrefixTerms)
}

// fuzzyTerms are the corrections of w in fam: terms within one edit of the
// family's analysis of w (two from minFuzzy2Runes letters), sharing its
// first letter.
func (qb *builder) fuzzyTerms(fam string, w Word) []expansion {
	center := qb.an.word(fam, w.Raw)
	if center == "" {
		return nil
	}
	fr, ok := qb.r.(index.IndexReaderFuzzy)
	if !ok {
		return nil
	}
	fuzz := 1
	if utf8.RuneCountInString(w.Fold) >= minFuzzy2Runes {
		fuzz = 2
	}
	_, size := utf8.DecodeRuneInString(center)
	found := map[string]*expansion{}
	for i, field := range familyFields(fam) {
		d, err := fr.FieldDictFuzzy(field, center, fuzz, center[:size])
		if err != nil {
			continue
		}
		for n := 0; n < maxDictScan; n++ {
			e, err := d.Next()
			if err != nil || e == nil {
				break
			}
			if e.Term == center {
				continue
			}
			x := found[e.Term]
			if x == nil {
				x = &expansion{term: e.Term, runes: utf8.RuneCountInString(e.Term), dist: uint8(editDistance(center, e.Term))}
				found[e.Term] = x
			}
			x.mask |= 1 << i
		}
		d.Close()
	}
	return pick(found, maxFuzzyTerms)
}

// pick orders candidates (fewest edits, shortest, then by term) and keeps n.
func pick(found map[string]*expansion, n int) []expansion {
	out := make([]expansion, 0, len(found))
	for _, x := range found {
		out = append(out, *x)
	}
	slices.SortFunc(out, func(a, b expansion) int {
		if a.dist != b.dist {
			return int(a.dist) - int(b.dist)
		}
		if a.runes != b.runes {
			return a.runes - b.runes
		}
		return strings.Compare(a.term, b.term)
	})
	return out[:min(n, len(out))]
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// phrase is the disjunction of a phrase in every family's fields, stop
// words leaving gaps; a phrase that is one word in a family is that word.
func (qb *builder) phrase(words []Word, mark bool) query.Query {
	var qs, dropped []query.Query
	id := qb.plan.clauses
	for _, fam := range qb.fams {
		terms := make([]string, len(words))
		for i, w := range words {
			terms[i] = qb.an.word(fam, w.Raw)
		}
		terms = trimGaps(terms)
		if len(terms) == 0 {
			if mark && qb.real[fam] {
				dropped = append(dropped, termQuery(fieldFamily, fam, 0))
			}
			continue
		}
		for i, field := range familyFields(fam) {
			if len(terms) == 1 {
				qs = append(qs, termQuery(field, terms[0], fieldBoosts[i]))
				continue
			}
			if field == bodyField(fam) {
				qs = append(qs, pairsQuery(fam, terms, fieldBoosts[i]))
				continue
			}
			pq := query.NewPhraseQuery(terms, field)
			pq.SetBoost(fieldBoosts[i])
			qs = append(qs, pq)
		}
		if mark {
			m := qb.plan.marks[fam]
			if len(terms) == 1 {
				m.terms[terms[0]] = id
			} else {
				m.phrases = append(m.phrases, phraseMark{id: id, terms: terms})
			}
		}
	}
	if len(qs) == 0 {
		return nil
	}
	if mark {
		qb.plan.clauses++
	}
	return disjunction(append(qs, dropped...))
}

// pairsQuery finds a phrase in the body by its pairs of neighbouring terms
// (stop words skipped): exactly for two words, and for more, pages where
// every pair of the phrase stands together.
func pairsQuery(fam string, terms []string, boost float64) query.Query {
	var qs []query.Query
	prev := ""
	for _, t := range terms {
		if t == "" {
			continue
		}
		if prev != "" {
			qs = append(qs, termQuery(pairField(fam), pairTerm(prev, t), boost))
		}
		prev = t
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewConjunctionQuery(qs)
}

func trimGaps(terms []string) []string {
	for len(terms) > 0 && terms[0] == "" {
		terms = terms[1:]
	}
	for len(terms) > 0 && terms[len(terms)-1] == "" {
		terms = terms[:len(terms)-1]
	}
	return terms
}

// filters are the filter clauses, which do not score: the positive ones
// required (one of several of a kind), the negated ones excluded.
func (qb *builder) filters(fs []Filter) (must, mustNot []query.Query) {
	byKind := map[string][]query.Query{}
	var kinds []string
	for _, f := range fs {
		var q query.Query
		switch f.Kind {
		case "in":
			q = termQuery(fieldFolder, cleanFolder(f.Value), 0)
		case "tag":
			q = termQuery(fieldTag, foldString(strings.TrimSpace(f.Value)), 0)
		case "lang":
			q = termQuery(fieldLang, baseLang(f.Value), 0)
		default:
			continue
		}
		if f.Not {
			mustNot = append(mustNot, q)
			continue
		}
		if byKind[f.Kind] == nil {
			kinds = append(kinds, f.Kind)
		}
		byKind[f.Kind] = append(byKind[f.Kind], q)
	}
	for _, k := range kinds {
		if qs := byKind[k]; len(qs) == 1 {
			must = append(must, qs[0])
		} else {
			must = append(must, query.NewDisjunctionQuery(qs))
		}
	}
	return must, mustNot
}
