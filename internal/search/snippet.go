package search

import (
	"html/template"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

const (
	snippetRunes = 240 // longest snippet, not counting the "…" marks
	snippetLead  = 60  // context kept before the first match
	maxAnchors   = 200 // windows tried; bounds the work on pages full of matches
)

// matcher finds a query's words and phrases in a page's text, comparing folded
// forms (and stems, for languages that have them) so that the query "informacion"
// highlights "Información" just as the index matched it.
type matcher struct {
	words   map[string]int            // folded word → clause id
	stems   map[string]map[string]int // lang → stem of a word → clause id
	heads   map[string]map[string]bool
	phrases [][]string // clause id is len(words) + index
	ix      *Index
}

func (ix *Index) newMatcher(pq parsedQuery) *matcher {
	m := &matcher{
		words:   make(map[string]int, len(pq.words)),
		stems:   make(map[string]map[string]int),
		heads:   make(map[string]map[string]bool),
		phrases: pq.phrases,
		ix:      ix,
	}
	for i, w := range pq.words {
		m.words[w.folded] = i
	}
	for lang, st := range ix.stemmers {
		stems := make(map[string]int, len(pq.words))
		heads := make(map[string]bool, len(pq.words))
		for i, w := range pq.words {
			s := st.stem(w.folded)
			if _, dup := stems[s]; !dup {
				stems[s] = i
			}
			heads[head(s)] = true
		}
		m.stems[lang], m.heads[lang] = stems, heads
	}
	return m
}

// head is the part of a term that stemming leaves alone, a cheap filter that
// saves stemming most of a page's words.
func head(s string) string { return s[:min(2, len(s))] }

// span is a match in the text: bytes [start, end) of clause id.
type span struct{ start, end, id int }

// findWords appends to spans the words (or stems) of the query found in toks.
func (m *matcher) findWords(toks analysis.TokenStream, lang string, spans []span) []span {
	st, stems, heads := m.ix.stemmers[lang], m.stems[lang], m.heads[lang]
	for _, t := range toks {
		if id, ok := m.words[string(t.Term)]; ok {
			spans = append(spans, span{t.Start, t.End, id})
			continue
		}
		if st == nil || len(t.Term) < 3 || !heads[string(t.Term[:2])] {
			continue
		}
		if id, ok := stems[st.stem(string(t.Term))]; ok {
			spans = append(spans, span{t.Start, t.End, id})
		}
	}
	return spans
}

// withPhrases returns the word spans plus the phrases found in toks, in text order.
func (m *matcher) withPhrases(words []span, toks analysis.TokenStream) []span {
	if len(m.phrases) == 0 {
		return words
	}
	spans := slices.Clone(words)
	for k, p := range m.phrases {
		id := len(m.words) + k
	next:
		for i := 0; i+len(p) <= len(toks); i++ {
			for j, term := range p {
				if string(toks[i+j].Term) != term {
					continue next
				}
			}
			spans = append(spans, span{toks[i].Start, toks[i+len(p)-1].End, id})
		}
	}
	slices.SortStableFunc(spans, func(a, b span) int { return a.start - b.start })
	return spans
}

const chunkBytes = 2048

// snippet shows the part of a page's text that best matches the query.
func (ix *Index) snippet(e entry, m *matcher) template.HTML {
	text := e.doc.Text
	if text == "" {
		return ""
	}
	clauses := len(m.words) + len(m.phrases)
	var toks analysis.TokenStream
	var words, spans []span
	// Long pages are read a chunk at a time, until one window holds every word.
	for off := 0; off < len(text); {
		end := chunkEnd(text, off)
		chunk := ix.fold.Analyze([]byte(text[off:end]))
		for _, t := range chunk {
			t.Start += off
			t.End += off
		}
		words = m.findWords(chunk, e.lang, words)
		toks = append(toks, chunk...)
		spans = m.withPhrases(words, toks)
		off = end
		if off < len(text) && len(spans) > 0 {
			i, distinct := bestAnchor(text, spans, clauses)
			if distinct == clauses && forwardRunes(text, spans[i].start, snippetRunes) <= off {
				break
			}
		}
	}
	start, end := window(text, toks, spans, clauses)
	return render(text, start, end, spans)
}

// chunkEnd splits text at white space, which no word spans, so analyzing chunks
// gives the same tokens as analyzing the whole text.
func chunkEnd(text string, off int) int {
	e := off + chunkBytes
	if e >= len(text) {
		return len(text)
	}
	i := strings.IndexFunc(text[e:], unicode.IsSpace)
	if i < 0 {
		return len(text)
	}
	return e + i
}

// window picks the ≤ snippetRunes stretch of text with the most distinct matches,
// starting and ending on word boundaries where it can.
func window(text string, toks analysis.TokenStream, spans []span, clauses int) (start, end int) {
	if len(spans) > 0 {
		i, _ := bestAnchor(text, spans, clauses)
		a := spans[i].start
		start = snapStart(toks, backRunes(text, a, snippetLead), a)
	}
	end = forwardRunes(text, start, snippetRunes)
	if end < len(text) {
		return start, snapEnd(toks, start, end)
	}
	if start > 0 {
		// Near the end of the page: spend the rest of the budget on what comes before.
		start = min(start, snapStart(toks, backRunes(text, len(text), snippetRunes), start))
	}
	return start, end
}

// bestAnchor returns the match that starts the best window, and how many of the
// query's words and phrases that window holds.
func bestAnchor(text string, spans []span, clauses int) (best, distinct int) {
	bestScore := -1
	seen := make([]bool, clauses)
	for i := 0; i < len(spans) && i < maxAnchors; i++ {
		clear(seen)
		limit := forwardRunes(text, spans[i].start, snippetRunes-snippetLead)
		n, count := 0, 0
		for _, s := range spans[i:] {
			if s.end > limit {
				break
			}
			if !seen[s.id] {
				seen[s.id] = true
				n++
			}
			count++
		}
		if score := n<<16 + min(count, 1<<16-1); score > bestScore {
			best, distinct, bestScore = i, n, score
		}
	}
	return best, distinct
}

// snapStart moves s forward to the start of a word, but not past limit.
func snapStart(toks analysis.TokenStream, s, limit int) int {
	if s == 0 {
		return 0
	}
	i := sort.Search(len(toks), func(i int) bool { return toks[i].Start >= s })
	if i < len(toks) && toks[i].Start <= limit {
		return toks[i].Start
	}
	return s
}

// snapEnd moves e back to the end of a word, unless that leaves nothing after start.
func snapEnd(toks analysis.TokenStream, start, e int) int {
	i := sort.Search(len(toks), func(i int) bool { return toks[i].End > e })
	if i > 0 && toks[i-1].End > start {
		return toks[i-1].End
	}
	return e
}

func forwardRunes(s string, from, n int) int {
	i := from
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

func backRunes(s string, from, n int) int {
	i := from
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i
}

// render escapes text[start:end], wraps the spans in <mark> and collapses white
// space, so the only markup in a snippet is the <mark> tags added here.
func render(text string, start, end int, spans []span) template.HTML {
	var w snippetWriter
	w.b.Grow(end - start + 64)
	if start > 0 {
		w.b.WriteString("…")
	}
	pos := start
	for i := 0; i < len(spans); i++ {
		ss, se := spans[i].start, spans[i].end
		for i+1 < len(spans) && spans[i+1].start < se { // overlapping: one mark
			se = max(se, spans[i+1].end)
			i++
		}
		ss, se = max(ss, pos), min(se, end)
		if ss >= se {
			continue
		}
		w.text(text[pos:ss])
		w.raw("<mark>")
		w.text(text[ss:se])
		w.b.WriteString("</mark>")
		pos = se
	}
	w.text(text[pos:end])
	if end < len(text) {
		w.b.WriteString("…")
	}
	return template.HTML(w.b.String())
}

type snippetWriter struct {
	b       strings.Builder
	space   bool // a space is owed before the next visible text
	started bool
}

func (w *snippetWriter) flush() {
	if w.space && w.started {
		w.b.WriteByte(' ')
	}
	w.space = false
}

func (w *snippetWriter) raw(s string) {
	w.flush()
	w.b.WriteString(s)
}

func (w *snippetWriter) text(s string) {
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			w.space = true
			continue
		}
		w.flush()
		w.started = true
		switch r {
		case '<':
			w.b.WriteString("&lt;")
		case '>':
			w.b.WriteString("&gt;")
		case '&':
			w.b.WriteString("&amp;")
		case '"':
			w.b.WriteString("&#34;")
		case '\'':
			w.b.WriteString("&#39;")
		default:
			w.b.WriteRune(r)
		}
	}
}
