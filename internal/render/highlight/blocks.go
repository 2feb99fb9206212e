package highlight

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
)

// Blocks holds a document's highlighted code blocks apart from the rest of
// its HTML, so that the sanitizer does not take them apart again: chroma's
// spans were three in five of the tags it parsed in a generated wiki's
// pages, and parsing them was half of sanitizing.
//
// The rest of the page is sanitized with a marker in each block's place;
// Fill then puts the blocks in. A block is chroma's output for the block's
// text: every character of the text escaped, inside spans whose class
// names are chroma's token types. Fill checks each block against exactly
// that grammar (Safe) and sanitizes any block that strays from it, so
// what reaches a page is what the sanitizer would have let through.
type Blocks struct {
	prefix string // "\uE000" and a random nonce: content cannot guess it
	html   []string
}

const markerEnd = "\uE001"

// NewBlocks returns an empty set. Its marker is drawn with the first
// block: most pages have none.
func NewBlocks() *Blocks { return &Blocks{} }

const blocksKey = "gitwiki/highlight.blocks"

// SetBlocks makes highlighting in doc (a goldmark *ast.Document) write a
// marker for each highlighted block and keep the block in bl.
func SetBlocks(doc ast.Node, bl *Blocks) {
	if d, ok := doc.(*ast.Document); ok {
		d.AddMeta(blocksKey, bl)
	}
}

func blocksOf(n ast.Node) *Blocks {
	if d := n.OwnerDocument(); d != nil {
		if bl, ok := d.Meta()[blocksKey].(*Blocks); ok {
			return bl
		}
	}
	return nil
}

func (bl *Blocks) add(html string) string {
	if bl.prefix == "" {
		var n [8]byte
		_, _ = rand.Read(n[:])
		bl.prefix = "\uE000" + hex.EncodeToString(n[:]) + ":"
	}
	bl.html = append(bl.html, html)
	return bl.prefix + strconv.Itoa(len(bl.html)-1) + markerEnd
}

// Fill replaces the markers in sanitized HTML with their blocks. A block
// that is not Safe goes through sanitize first. A marker the sanitizer
// dropped (inside an element it removes whole) leaves its block out, as
// the sanitizer would have, and so does one it left inside a tag (in an
// attribute's value, where an unclosed quote in raw HTML can put a block):
// a block belongs only where text does.
func (bl *Blocks) Fill(s string, sanitize func(string) string) string {
	if len(bl.html) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + totalLen(bl.html))
	inTag := false // whether the sanitized text before s ends inside a tag
	for {
		i := strings.Index(s, bl.prefix)
		if i < 0 {
			break
		}
		// In the sanitizer's output every "<" opens a tag and the first ">"
		// after it closes it: values have both escaped.
		if lt, gt := strings.LastIndexByte(s[:i], '<'), strings.LastIndexByte(s[:i], '>'); lt > gt {
			inTag = true
		} else if gt > lt {
			inTag = false
		}
		rest := s[i+len(bl.prefix):]
		j := strings.Index(rest, markerEnd)
		k, err := strconv.Atoi(rest[:max(j, 0)])
		if j < 0 || err != nil || k < 0 || k >= len(bl.html) {
			// Not one of ours after all: keep it as text.
			b.WriteString(s[:i+len(bl.prefix)])
			s = rest
			continue
		}
		b.WriteString(s[:i])
		switch h := bl.html[k]; {
		case inTag:
		case Safe(h):
			b.WriteString(h)
		default:
			b.WriteString(sanitize(h))
		}
		s = rest[j+len(markerEnd):]
	}
	b.WriteString(s)
	return b.String()
}

func totalLen(ss []string) int {
	n := 0
	for _, s := range ss {
		n += len(s)
	}
	return n
}

const (
	blockOpen  = `<pre tabindex="0" class="chroma"><code>`
	blockClose = `</code></pre>`
	spanOpen   = `<span class="`
	spanClose  = `</span>`
)

// Safe reports whether h is a highlighted block as the formatter writes
// it, and so one the sanitizer leaves as it is (TestBlocksAreSanitized):
//
//	<pre tabindex="0" class="chroma"><code> … </code></pre>
//
// holding only text and balanced spans of the form <span class="x y">,
// class names those the sanitizer keeps (classList). Text holds no "<" or ">",
// no control character but tab and newline, and no "&" that does not
// start &amp; &lt; &gt; &#34; or &#39;.
func Safe(h string) bool {
	if !utf8.ValidString(h) {
		return false
	}
	s, ok := strings.CutPrefix(h, blockOpen)
	if !ok {
		return false
	}
	s, ok = strings.CutSuffix(s, blockClose)
	if !ok {
		return false
	}
	depth := 0
	for len(s) > 0 {
		switch c := s[0]; {
		case c == '<':
			if rest, ok := strings.CutPrefix(s, spanClose); ok {
				if depth--; depth < 0 {
					return false
				}
				s = rest
				continue
			}
			rest, ok := strings.CutPrefix(s, spanOpen)
			if !ok {
				return false
			}
			end := strings.IndexByte(rest, '"')
			if end <= 0 || !classList(rest[:end]) || !strings.HasPrefix(rest[end:], `">`) {
				return false
			}
			depth++
			s = rest[end+2:]
		case c == '&':
			n := entityLen(s)
			if n == 0 {
				return false
			}
			s = s[n:]
		case c == '>', c < ' ' && c != '\t' && c != '\n', c == 0x7f:
			return false
		default:
			s = s[1:]
		}
	}
	return depth == 0
}

// classList reports whether s is a space-separated list of the class
// names the sanitizer keeps on a span (render's chromaClass): chroma's
// short token types and its few longer names.
func classList(s string) bool {
	for name := range strings.SplitSeq(s, " ") {
		switch {
		case name == "chroma", name == "line", name == "lntd", name == "lntable":
		case len(name) >= 1 && len(name) <= 3 && name[0] >= 'a' && name[0] <= 'z' && alnum(name[1:]):
		default:
			return false
		}
	}
	return true
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func entityLen(s string) int {
	for _, e := range []string{"&amp;", "&lt;", "&gt;", "&#34;", "&#39;"} {
		if strings.HasPrefix(s, e) {
			return len(e)
		}
	}
	return 0
}
