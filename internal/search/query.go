package search

import (
	"errors"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
)

// ErrBadQuery is wrapped by errors about the query itself, which the user can fix.
var ErrBadQuery = errors.New("bad search query")

const maxQueryBytes = 500

// parsedQuery is the user's query reduced to folded terms. User text is never handed
// to bleve's query-string parser, so "+-:^~*" mean nothing special.
type parsedQuery struct {
	words   []word
	phrases [][]string // folded terms of each quoted phrase of two or more words
}

type word struct {
	folded string // as the folded fields hold it
	raw    string // as typed, for the stemmed fields to analyze their own way
}

func (pq parsedQuery) empty() bool { return len(pq.words) == 0 && len(pq.phrases) == 0 }

func (pq parsedQuery) clauses() int { return len(pq.words) + len(pq.phrases) }

// quoteMarks are read as '"', since phones and word processors type curly quotes.
var quoteMarks = strings.NewReplacer("“", `"`, "”", `"`, "„", `"`, "«", `"`, "»", `"`)

// parseQuery splits q into words and "quoted phrases". An empty query gives an
// empty parsedQuery and no error.
func parseQuery(q string, fold analysis.Analyzer) (parsedQuery, error) {
	if len(q) > maxQueryBytes {
		return parsedQuery{}, fmt.Errorf("%w: longer than %d bytes", ErrBadQuery, maxQueryBytes)
	}
	q = strings.ToValidUTF8(q, " ")
	if strings.TrimSpace(q) == "" {
		return parsedQuery{}, nil
	}
	var pq parsedQuery
	seenWord := make(map[string]bool)
	seenPhrase := make(map[string]bool)
	parts := strings.Split(quoteMarks.Replace(q), `"`)
	for i, part := range parts {
		toks := fold.Analyze([]byte(part))
		// Odd parts are inside quotes, except a last one left open.
		if i%2 == 1 && i < len(parts)-1 && len(toks) > 1 {
			terms := make([]string, len(toks))
			for j, t := range toks {
				terms[j] = string(t.Term)
			}
			if key := strings.Join(terms, " "); !seenPhrase[key] {
				seenPhrase[key] = true
				pq.phrases = append(pq.phrases, terms)
			}
			continue
		}
		for _, t := range toks {
			w := word{folded: string(t.Term), raw: part[t.Start:t.End]}
			if !seenWord[w.folded] {
				seenWord[w.folded] = true
				pq.words = append(pq.words, w)
			}
		}
	}
	if pq.empty() {
		return parsedQuery{}, fmt.Errorf("%w: no words to search for", ErrBadQuery)
	}
	return pq, nil
}

// query builds the bleve query: every word and phrase must match somewhere in the
// page (all=true), or any of them may (all=false).
func (pq parsedQuery) query(all bool) query.Query {
	qs := make([]query.Query, 0, pq.clauses())
	for _, w := range pq.words {
		qs = append(qs, query.NewDisjunctionQuery([]query.Query{
			termQuery(fieldTitle, w.folded, boostTitle),
			termQuery(fieldTags, w.folded, boostTags),
			termQuery(fieldBody, w.folded, 1),
			matchQuery(fieldTitleEN, w.raw, boostTitle),
			matchQuery(fieldBodyEN, w.raw, 1),
			matchQuery(fieldTitleES, w.raw, boostTitle),
			matchQuery(fieldBodyES, w.raw, 1),
		}))
	}
	for _, p := range pq.phrases {
		qs = append(qs, query.NewDisjunctionQuery([]query.Query{
			phraseQuery(fieldTitle, p, boostTitle),
			phraseQuery(fieldTags, p, boostTags),
			phraseQuery(fieldBody, p, 1),
		}))
	}
	if len(qs) == 1 {
		return qs[0]
	}
	if all {
		return query.NewConjunctionQuery(qs)
	}
	return query.NewDisjunctionQuery(qs)
}

func termQuery(field, term string, boost float64) query.Query {
	q := query.NewTermQuery(term)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

func matchQuery(field, text string, boost float64) query.Query {
	q := query.NewMatchQuery(text)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

func phraseQuery(field string, terms []string, boost float64) query.Query {
	q := query.NewPhraseQuery(terms, field)
	q.SetBoost(boost)
	return q
}
