package search

import (
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/segment"
)

// wordTokenizer splits text into words exactly as bleve's unicode tokenizer
// does (the segment package's UAX #29 scanner: the same terms, offsets,
// positions and types), but scans runs of ASCII itself. The scanner is a
// generated state machine over all of Unicode, and it was 5 % of a static
// build's CPU; most wiki text, in any Latin-script language, is mostly
// ASCII between spaces.
//
// Text is cut only after a space, tab or line feed that an ASCII byte
// follows: no word holds one, and no combining mark after it can attach
// to it, so the scanner starts afresh there as it would have anyway. A
// piece with a byte outside ASCII goes to the unicode tokenizer whole.
// TestWordTokenizerMatchesUnicode and FuzzWordTokenizer hold the two equal.
type wordTokenizer struct{ unicode *unicodetok.UnicodeTokenizer }

func newWordTokenizer() wordTokenizer {
	return wordTokenizer{unicodetok.NewUnicodeTokenizer()}
}

// wordTokenizerName is how the mapping's analyzers name it.
const wordTokenizerName = "gitwiki-words"

func (t wordTokenizer) Tokenize(input []byte) analysis.TokenStream {
	if !utf8.Valid(input) {
		return t.unicode.Tokenize(input) // it stops at the first bad byte
	}
	// About one word in seven bytes.
	out := make(analysis.TokenStream, 0, len(input)/7+1)
	pos := 1
	// Given nil, segment allocates room for 1,000 tokens on every call.
	sc := segScratch{vals: make([][]byte, 0, 16), types: make([]int, 0, 16), block: make([]analysis.Token, 0, min(cap(out), 256))}
	for i := 0; i < len(input); {
		j := i // end of the ASCII run from i
		for j < len(input) && input[j] < utf8.RuneSelf {
			j++
		}
		if j == len(input) {
			out, _ = scanASCII(out, input, i, j, pos, &sc)
			break
		}
		// The run's last safe cut before the byte outside ASCII: the text
		// from there to the next safe cut after it is the unicode
		// tokenizer's.
		cut := j - 1
		for cut >= i && !isCut(input, cut) {
			cut--
		}
		if cut >= i {
			out, pos = scanASCII(out, input, i, cut+1, pos, &sc)
			i = cut + 1
		}
		end := j
		for end < len(input) && !isCut(input, end) {
			end++
		}
		end = min(end+1, len(input))
		out, pos = t.scanUnicode(out, input, i, end, pos, &sc)
		i = end
	}
	return out
}

// scanUnicode appends the words of input[i:end] as segment finds them,
// all in one call: the unicode tokenizer asks for one token at a time,
// and each call allocates.
func (t wordTokenizer) scanUnicode(out analysis.TokenStream, input []byte, i, end, pos int, sc *segScratch) (analysis.TokenStream, int) {
	vals, types, _, err := segment.SegmentWordsDirect(input[i:end], sc.vals[:0], sc.types[:0])
	sc.vals, sc.types = vals, types
	if err != nil {
		for _, tok := range t.unicode.Tokenize(input[i:end]) {
			tok.Start += i
			tok.End += i
			tok.Position = pos
			pos++
			out = append(out, tok)
		}
		return out, pos
	}
	for k, v := range vals {
		if types[k] != segment.None {
			typ := analysis.AlphaNumeric
			switch types[k] {
			case segment.Ideo, segment.Kana:
				typ = analysis.Ideographic
			case segment.Number:
				typ = analysis.Numeric
			}
			out = append(out, sc.token(v, i, pos, typ))
			pos++
		}
		i += len(v)
	}
	return out, pos
}

// segScratch is one Tokenize call's buffers: segment's results, and the
// tokens, allocated a block at a time rather than one by one.
type segScratch struct {
	vals  [][]byte
	types []int
	block []analysis.Token
}

func (sc *segScratch) token(term []byte, start, pos int, typ analysis.TokenType) *analysis.Token {
	if len(sc.block) == cap(sc.block) {
		sc.block = make([]analysis.Token, 0, 256)
	}
	sc.block = append(sc.block, analysis.Token{Term: term, Start: start, End: start + len(term), Position: pos, Type: typ})
	return &sc.block[len(sc.block)-1]
}

// isCut reports whether the scanner starts afresh after input[k].
func isCut(input []byte, k int) bool {
	switch input[k] {
	case ' ', '\t', '\n':
		return k+1 == len(input) || input[k+1] < utf8.RuneSelf
	}
	return false
}

// ASCII classes of UAX #29's word-break property, as segment has them.
const (
	wbOther    = iota
	wbLetter   // ALetter
	wbNumeric  // Numeric
	wbExtend   // ExtendNumLet: _
	wbMidL     // MidLetter: the colon
	wbMidNum   // MidNum: , ;
	wbMidBoth  // MidNumLet and Single_Quote: . '
	wbNewlines // CR, LF, VT, FF: never in a word
)

var wbClass = func() (c [128]uint8) {
	for b := 'a'; b <= 'z'; b++ {
		c[b], c[b-'a'+'A'] = wbLetter, wbLetter
	}
	for b := '0'; b <= '9'; b++ {
		c[b] = wbNumeric
	}
	c['_'] = wbExtend
	c[':'] = wbMidL
	c[','], c[';'] = wbMidNum, wbMidNum
	c['.'], c['\''] = wbMidBoth, wbMidBoth
	c['\r'], c['\n'], c['\v'], c['\f'] = wbNewlines, wbNewlines, wbNewlines, wbNewlines
	return c
}()

// scanASCII appends the words of input[i:end], all ASCII, as segment's
// scanner finds them: runs of letters, digits and underscores, where a
// mid-word character joins two letters (: . ') or two digits (, ; . ').
// A word with a digit and no letter is a number.
func scanASCII(out analysis.TokenStream, input []byte, i, end, pos int, sc *segScratch) (analysis.TokenStream, int) {
	for i < end {
		c := wbClass[input[i]]
		if c != wbLetter && c != wbNumeric && c != wbExtend {
			i++
			continue
		}
		start, letters, digits := i, false, false
		for i < end {
			switch c = wbClass[input[i]]; c {
			case wbLetter:
				letters = true
			case wbNumeric:
				digits = true
			case wbExtend:
			case wbMidL, wbMidNum, wbMidBoth:
				if i+1 >= end {
					goto done
				}
				prev, next := wbClass[input[i-1]], wbClass[input[i+1]]
				joins := prev == next && (prev == wbLetter && c != wbMidNum || prev == wbNumeric && c != wbMidL)
				if !joins {
					goto done
				}
			default:
				goto done
			}
			i++
		}
	done:
		typ := analysis.AlphaNumeric
		if digits && !letters {
			typ = analysis.Numeric
		}
		out = append(out, sc.token(input[start:i], start, pos, typ))
		pos++
	}
	return out, pos
}
