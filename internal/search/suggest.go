package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Suggestion is a page offered while the reader types.
type Suggestion struct {
	Page  wikipath.Page `json:"page"`
	Title string        `json:"title"`
	Lang  string        `json:"lang,omitempty"`
}

const (
	maxSuggestions   = 20
	suggestCandidate = 50 // titles bleve ranks before the order below is applied
)

// Suggest offers up to n pages whose titles have every word of text, the
// last one as a beginning: an exact title first, then titles that begin
// with the text, then the rest, shorter titles first.
func (ix *Index) Suggest(ctx context.Context, text string, n int) ([]Suggestion, error) {
	if len(text) > maxQueryBytes {
		return nil, &QueryError{Code: "too-long", Reason: fmt.Sprintf("it is longer than %d characters", maxQueryBytes), key: "too_long", n: maxQueryBytes}
	}
	n = min(max(n, 1), maxSuggestions)
	words := ix.an.foldTokens(cleanText(text))
	if len(words) == 0 {
		return nil, nil
	}
	if len(words) > maxClauses {
		return nil, &QueryError{Code: "too-many-words", Reason: fmt.Sprintf("it has more than %d words", maxClauses), key: "too_many_words", n: maxClauses}
	}
	if !ix.Ready() {
		return nil, ErrNotReady
	}
	qs := make([]query.Query, 0, len(words))
	for _, w := range words[:len(words)-1] {
		qs = append(qs, termQuery(fieldTitleFold, w, 1))
	}
	last := query.NewPrefixQuery(words[len(words)-1])
	last.SetField(fieldTitleFold)
	qs = append(qs, last)
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery(qs), suggestCandidate, 0, false)
	req.Fields = []string{storedTitle, storedLang}
	var sr *bleve.SearchResult
	err := ix.reader(func(b bleve.Index) (err error) {
		sr, err = b.SearchInContext(ctx, req)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("suggest: %w", err)
	}
	key := strings.Join(words, " ")
	var cands []candidate
	for i, h := range sr.Hits {
		title, _ := h.Fields[storedTitle].(string)
		lang, _ := h.Fields[storedLang].(string)
		cands = append(cands, candidate{
			s:    Suggestion{Page: wikipath.Page(strings.TrimPrefix(h.ID, idPrefix)), Title: title, Lang: lang},
			rank: rankTitle(ix.an.titleKey(title), key),
			pos:  i,
		})
	}
	return order(cands, n), nil
}

type candidate struct {
	s    Suggestion
	rank int // 0 exact title, 1 begins with the text, 2 other
	key  int // title length in runes
	pos  int // order found
}

func rankTitle(titleKey, key string) int {
	switch {
	case titleKey == key:
		return 0
	case strings.HasPrefix(titleKey, key):
		return 1
	}
	return 2
}

func order(cands []candidate, n int) []Suggestion {
	for i := range cands {
		cands[i].key = utf8.RuneCountInString(cands[i].s.Title)
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		return cmp.Or(a.rank-b.rank, a.key-b.key, a.pos-b.pos)
	})
	out := make([]Suggestion, 0, min(n, len(cands)))
	for _, c := range cands[:min(n, len(cands))] {
		out = append(out, c.s)
	}
	return out
}

// TitleMatches answers from the read model while the index is not ready:
// up to n listed pages whose titles hold every word of text (the last one
// as a beginning), in the order Suggest uses. It reads every title, so it
// is a stopgap, not a search.
func TitleMatches(st *site.Site, text string, n int) []Suggestion {
	if len(text) > maxQueryBytes {
		return nil
	}
	words := fallbackWords(cleanText(text))
	if len(words) == 0 {
		return nil
	}
	key := strings.Join(words, " ")
	var cands []candidate
	for i, p := range st.Pages() {
		if !Indexed(p) {
			continue
		}
		tw := fallbackWords(p.Title)
		if !hasWords(tw, words) {
			continue
		}
		cands = append(cands, candidate{
			s:    Suggestion{Page: p.Name, Title: p.Title, Lang: st.Lang(p)},
			rank: rankTitle(strings.Join(tw, " "), key),
			pos:  i,
		})
	}
	return order(cands, max(n, 1))
}

// fallbackWords splits and folds s without an index: letters and digits
// make words.
func fallbackWords(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) })
	for i, w := range f {
		f[i] = foldString(w)
	}
	return f
}

// hasWords reports whether title holds every word, the last as a beginning.
func hasWords(title, words []string) bool {
	for i, w := range words {
		ok := false
		for _, t := range title {
			if t == w || (i == len(words)-1 && strings.HasPrefix(t, w)) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
