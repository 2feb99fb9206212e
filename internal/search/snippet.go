package search

import (
	"bytes"
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

// span is a match in the text: bytes [start, end) of clause id.
type span struct{ start, end, id int }

// findWords appends to spans the tokens of toks that are terms of m.
func findWords(toks analysis.TokenStream, m *marks, spans []span) []span {
	for _, t := range toks {
		if id, ok := m.terms[string(t.Term)]; ok {
			spans = append(spans, span{t.Start, t.End, id})
		}
	}
	return spans
}

// findPhrases appends to spans the phrases of m found in toks: their terms
// on neighbouring words, stop words between them skipped, as the index's
// pairs find them in the body.
func findPhrases(toks analysis.TokenStream, m *marks, spans []span) []span {
	for _, p := range m.phrases {
		var want []string
		for _, t := range p.terms {
			if t != "" {
				want = append(want, t)
			}
		}
	next:
		for i := range toks {
			if string(toks[i].Term) != want[0] {
				continue
			}
			k, end := i, toks[i].End
			for _, term := range want[1:] {
				k++
				for k < len(toks) && toks[k].Term != nil && len(toks[k].Term) == 0 {
					k++ // a stop word
				}
				if k == len(toks) || string(toks[k].Term) != term {
					continue next
				}
				end = toks[k].End
			}
			spans = append(spans, span{toks[i].Start, end, p.id})
		}
	}
	return spans
}

// Text is analysed for snippets a chunk at a time, from firstChunkBytes
// (matches are often near the top) doubling to chunkBytes.
const (
	firstChunkBytes = 512
	chunkBytes      = 2048
)

// heads are the first two bytes of every term to highlight.
func (m *marks) heads() map[string]bool {
	h := map[string]bool{}
	for t := range m.terms {
		h[head(t)] = true
	}
	for _, p := range m.phrases {
		for _, t := range p.terms {
			h[head(t)] = true
		}
	}
	return h
}

func head(s string) string { return s[:min(2, len(s))] }

// snippetTokens analyses text as fam does, token by token, without
// stemming the tokens that cannot be a term to highlight: their folded
// form does not begin like one (stems begin as their words do, except in
// Arabic and Farsi, whose tokens are all stemmed). Stop words stay, with
// an empty term (the others not stemmed, a nil one), so word boundaries
// are those of the text and phrases can skip stop words.
func (a *analyzers) snippetTokens(fam string, text []byte, heads map[string]bool) analysis.TokenStream {
	d := a.byFamily[fam]
	for _, cf := range d.CharFilters {
		text = cf.Filter(text)
	}
	toks := d.Tokenizer.Tokenize(text)
	prefilter := fam != "ar" && fam != "fa"
	stops := a.stops[fam]
	one := &analysis.Token{}
	ts := make(analysis.TokenStream, 1)
	for _, t := range toks {
		if prefilter {
			h := quickHead(t.Term)
			if h == "" {
				h = head(filterToken(a.surface[fam], string(t.Term)))
			}
			if !heads[h] {
				if stops != nil && stops[string(bytes.ToLower(t.Term))] {
					t.Term = []byte{} // a stop word: phrases skip it
				} else {
					t.Term = nil
				}
				continue
			}
		}
		*one = analysis.Token{Term: append([]byte(nil), t.Term...), Position: 1, Type: analysis.AlphaNumeric}
		ts = append(ts[:0], one)
		for _, f := range d.TokenFilters {
			if ts = f.Filter(ts); len(ts) == 0 {
				break
			}
		}
		t.Term = []byte{} // the family drops it: a stop word
		if len(ts) > 0 {
			t.Term = ts[0].Term
		}
	}
	return toks
}

// quickHead is the first two bytes of term folded, or "" when it may fold
// otherwise than its first letters say (an apostrophe, as in "l'eau",
// elides what comes before it): then the surface chain decides.
func quickHead(term []byte) string {
	if bytes.ContainsAny(term, "'’") {
		return ""
	}
	var out []byte
	for i := 0; i < len(term) && len(out) < 2; {
		r, size := utf8.DecodeRune(term[i:])
		out = appendFolded(out, r)
		i += size
	}
	return head(string(out))
}

// snippet shows the part of a page's text that best matches the query,
// analysing it as the page's family does, so the query "policies" marks
// "policy" just as the index matched it.
func (ix *Index) snippet(text, fam string, m *marks, clauses int) template.HTML {
	if text == "" {
		return ""
	}
	heads := m.heads()
	var toks analysis.TokenStream
	var spans []span
	// Long pages are read a chunk at a time, until one window holds every word.
	for off, size := 0, firstChunkBytes; off < len(text); size = min(2*size, chunkBytes) {
		end := chunkEnd(text, off, size)
		chunk := ix.an.snippetTokens(fam, []byte(text[off:end]), heads)
		for _, t := range chunk {
			t.Start += off
			t.End += off
		}
		spans = findPhrases(chunk, m, findWords(chunk, m, spans))
		toks = append(toks, chunk...)
		off = end
		if off < len(text) && len(spans) > 0 {
			slices.SortStableFunc(spans, func(a, b span) int { return a.start - b.start })
			i, distinct := bestAnchor(text, spans, clauses)
			if distinct == clauses && forwardRunes(text, spans[i].start, snippetRunes) <= off {
				break
			}
		}
	}
	slices.SortStableFunc(spans, func(a, b span) int { return a.start - b.start })
	start, end := window(text, toks, spans, clauses)
	return renderSnippet(text, start, end, spans)
}

// chunkEnd splits text at white space, which no word spans, so analyzing chunks
// gives the same tokens as analyzing the whole text.
func chunkEnd(text string, off, size int) int {
	e := off + size
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

// renderSnippet escapes text[start:end], wraps the spans in <mark> and collapses white
// space, so the only markup in a snippet is the <mark> tags added here.
func renderSnippet(text string, start, end int, spans []span) template.HTML {
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
