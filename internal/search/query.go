package search

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Query is what a reader asks. Text holds words, "exact phrases",
// -exclusions and the filters in:folder, tag:name and lang:code (each may be
// negated, -tag:draft); the filter fields add to those written in Text.
// User text is never handed to bleve's query-string parser, so "+^~*:" mean
// nothing special.
type Query struct {
	Text    string
	Folders []string
	Tags    []string
	Langs   []string
	Page    int // 1-based; 0 means 1
	PerPage int // 0 means DefaultPerPage; at most MaxPerPage
}

// Paging limits.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
	maxOffset      = 10000 // deeper pages are refused: nobody reads them, and they cost
)

// Query limits; past them the query is refused with a QueryError.
const (
	maxQueryBytes  = 1000
	maxClauses     = 32 // words, phrases and exclusions
	maxPhraseWords = 16
	maxFilters     = 16
	minPrefixRunes = 3 // the last word is completed from this many letters
	minFuzzyRunes  = 5 // one typo forgiven from five letters
	minFuzzy2Runes = 8 // two from eight
)

// QueryError says what is wrong with a query, in words a reader can act on.
// It wraps ErrBadQuery.
type QueryError struct {
	Code   string // "too-long", "too-many-words", "no-words"
	Reason string
	key    string // the sentence in the theme's catalog: search_error.<key>
	n      int    // the limit it names
}

// Say is the refusal in the catalog's words, for the web.
func (e *QueryError) Say() (string, []any, string) {
	return "search_error." + e.key, []any{"N", e.n}, "This search cannot be run: " + e.Reason + "."
}

func (e *QueryError) Error() string { return "bad search query: " + e.Reason }
func (e *QueryError) Unwrap() error { return ErrBadQuery }

// Word is one word of a query: as typed, and folded.
type Word struct {
	Raw  string `json:"raw"`
	Fold string `json:"fold"`
}

// Filter restricts results to pages under a folder, with a tag, or in a
// language; Not turns it around.
type Filter struct {
	Kind  string `json:"kind"` // "in", "tag" or "lang"
	Value string `json:"value"`
	Not   bool   `json:"not,omitempty"`
}

// Parsed is a query as the engine understands it. ExportIndex's script
// parses the same way (TestParseParity).
type Parsed struct {
	Words          []Word   `json:"words"`
	Phrases        [][]Word `json:"phrases"`
	Exclude        []Word   `json:"exclude"`
	ExcludePhrases [][]Word `json:"excludePhrases"`
	Filters        []Filter `json:"filters"`
	// Prefix: the last word is being typed, and pages with a word it
	// begins are found too.
	Prefix bool `json:"prefix"`
	// Key is the words and phrases, folded, in the order typed: a page
	// whose title has exactly these words comes first.
	Key string `json:"key"`
}

// Empty reports whether the query asks for nothing: no words, phrases,
// exclusions or filters.
func (p Parsed) Empty() bool {
	return len(p.Words) == 0 && len(p.Phrases) == 0 && len(p.Exclude) == 0 && len(p.ExcludePhrases) == 0 && len(p.Filters) == 0
}

// positive reports whether the query has words or phrases to rank by.
func (p Parsed) positive() bool { return len(p.Words) > 0 || len(p.Phrases) > 0 }

// quoteMarks are read as '"', since phones and word processors type curly quotes.
var quoteMarks = strings.NewReplacer("“", `"`, "”", `"`, "„", `"`, "«", `"`, "»", `"`, "＂", `"`)

// cleanText makes a query valid, printable UTF-8 with straight quotes.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, " ")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) {
			return ' '
		}
		return r
	}, s)
	return quoteMarks.Replace(s)
}

// Parse reads a query's text. An empty or blank text gives an empty Parsed
// and no error.
func (ix *Index) Parse(text string) (Parsed, error) { return parse(ix.an, text) }

func parse(an *analyzers, text string) (Parsed, error) {
	if len(text) > maxQueryBytes {
		return Parsed{}, &QueryError{Code: "too-long", Reason: fmt.Sprintf("it is longer than %d characters", maxQueryBytes), key: "too_long", n: maxQueryBytes}
	}
	s := cleanText(text)
	p := &parser{an: an, s: s, seen: map[string]bool{}}
	lastWord := p.run()
	if p.err != nil {
		return Parsed{}, p.err
	}
	out := p.out
	if out.Empty() {
		if strings.TrimSpace(s) == "" {
			return Parsed{}, nil
		}
		return Parsed{}, &QueryError{Code: "no-words", Reason: "it has no words to search for", key: "no_words"}
	}
	// The last word is completed while it is being typed: when nothing
	// follows it, not even a space.
	if lastWord && len(out.Words) > 0 && !strings.HasSuffix(s, " ") &&
		utf8.RuneCountInString(out.Words[len(out.Words)-1].Fold) >= minPrefixRunes {
		out.Prefix = true
	}
	return out, nil
}

type parser struct {
	an   *analyzers
	s    string
	i    int
	out  Parsed
	seen map[string]bool
	err  error
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// run parses the whole text and reports whether the last thing read was a
// plain word.
func (p *parser) run() (lastWord bool) {
	for p.err == nil {
		for p.i < len(p.s) && isSpace(p.s[p.i]) {
			p.i++
		}
		if p.i >= len(p.s) {
			return lastWord
		}
		neg := false
		if p.s[p.i] == '-' && p.i+1 < len(p.s) && !isSpace(p.s[p.i+1]) {
			neg = true
			p.i++
		}
		if kind, n := filterKey(p.s[p.i:]); n > 0 {
			p.i += n
			if v := p.value(); v != "" {
				p.filter(kind, v, neg)
				lastWord = false
				continue
			}
			if p.i >= len(p.s) || isSpace(p.s[p.i]) {
				lastWord = false // a filter without a value is nothing
				continue
			}
		}
		if p.s[p.i] == '"' {
			if end := strings.IndexByte(p.s[p.i+1:], '"'); end >= 0 {
				words := p.tokens(p.s[p.i+1 : p.i+1+end])
				p.i += end + 2
				p.add(words, neg, true)
				lastWord = false
				continue
			}
			p.i++ // an unbalanced quote: the rest is words
		}
		j := p.i
		for j < len(p.s) && !isSpace(p.s[j]) && p.s[j] != '"' {
			j++
		}
		words := p.tokens(p.s[p.i:j])
		p.i = j
		lastWord = p.add(words, neg, false) && !neg
	}
	return false
}

// filterKey recognises "in:", "tag:" and "lang:" at the start of s.
func filterKey(s string) (kind string, n int) {
	for _, k := range []string{"in", "tag", "lang"} {
		if len(s) > len(k) && strings.EqualFold(s[:len(k)], k) && s[len(k)] == ':' {
			return k, len(k) + 1
		}
	}
	return "", 0
}

// value reads a filter's value: a quoted string or up to the next space.
func (p *parser) value() string {
	if p.i < len(p.s) && p.s[p.i] == '"' {
		if end := strings.IndexByte(p.s[p.i+1:], '"'); end >= 0 {
			v := p.s[p.i+1 : p.i+1+end]
			p.i += end + 2
			return strings.TrimSpace(v)
		}
	}
	j := p.i
	for j < len(p.s) && !isSpace(p.s[j]) && p.s[j] != '"' {
		j++
	}
	v := p.s[p.i:j]
	p.i = j
	return v
}

func (p *parser) filter(kind, v string, neg bool) {
	if len(p.out.Filters) >= maxFilters {
		p.err = &QueryError{Code: "too-many-words", Reason: fmt.Sprintf("it has more than %d filters", maxFilters), key: "too_many_filters", n: maxFilters}
		return
	}
	p.out.Filters = append(p.out.Filters, Filter{Kind: kind, Value: v, Not: neg})
}

func (p *parser) tokens(s string) []Word {
	toks := p.an.tokens.Analyze([]byte(s))
	out := make([]Word, 0, len(toks))
	for _, t := range toks {
		out = append(out, Word{Raw: s[t.Start:t.End], Fold: string(t.Term)})
	}
	return out
}

func (p *parser) clauses() int {
	o := &p.out
	return len(o.Words) + len(o.Phrases) + len(o.Exclude) + len(o.ExcludePhrases)
}

// add records words read together: a quoted phrase, or the words of one
// unquoted stretch, which are separate words unless excluded ("-e-mail"
// excludes the phrase "e mail"). It reports whether a plain word was added.
func (p *parser) add(words []Word, neg, quoted bool) bool {
	if len(words) == 0 {
		return false
	}
	if len(words) > maxPhraseWords && (quoted || neg) {
		p.err = &QueryError{Code: "too-many-words", Reason: fmt.Sprintf("it has a phrase of more than %d words", maxPhraseWords), key: "long_phrase", n: maxPhraseWords}
		return false
	}
	if len(words) > 1 && (quoted || neg) {
		key := fmt.Sprintf("p%t %s", neg, phraseKey(words))
		if !p.seen[key] {
			p.seen[key] = true
			if neg {
				p.out.ExcludePhrases = append(p.out.ExcludePhrases, words)
			} else {
				p.out.Phrases = append(p.out.Phrases, words)
				p.key(phraseKey(words))
			}
		}
		return p.limit()
	}
	added := false
	for _, w := range words {
		key := fmt.Sprintf("w%t %s", neg, w.Fold)
		if p.seen[key] {
			continue
		}
		p.seen[key] = true
		if neg {
			p.out.Exclude = append(p.out.Exclude, w)
		} else {
			p.out.Words = append(p.out.Words, w)
			p.key(w.Fold)
			added = true
		}
		if !p.limit() {
			return false
		}
	}
	// A repeated word still counts as typed last.
	return added || !neg
}

func (p *parser) key(s string) {
	if p.out.Key != "" {
		p.out.Key += " "
	}
	p.out.Key += s
}

func (p *parser) limit() bool {
	if p.clauses() > maxClauses {
		p.err = &QueryError{Code: "too-many-words", Reason: fmt.Sprintf("it has more than %d words", maxClauses), key: "too_many_words", n: maxClauses}
		return false
	}
	return true
}

func phraseKey(words []Word) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = w.Fold
	}
	return strings.Join(parts, " ")
}
