package render

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/gitwiki/gitwiki/internal/render/heading"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"golang.org/x/net/html"
)

// plainText is the body as a reader sees it, one block per line, for search
// and snippets. Text inside raw HTML blocks counts: imported Confluence pages
// are nothing else.
func plainText(doc ast.Node, source []byte) string {
	var b []byte
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.HTMLBlock:
				b = append(b, '\n')
				b = appendHTMLText(b, blockLines(c, source))
			case *ast.CodeBlock, *ast.FencedCodeBlock:
				b = append(b, '\n')
				b = append(b, blockLines(c, source)...)
			case *east.TableRow, *east.TableHeader:
				b = append(b, '\n')
				for cell := c.FirstChild(); cell != nil; cell = cell.NextSibling() {
					b = heading.AppendText(b, cell, source)
					b = append(b, ' ')
				}
			case *ast.ThematicBreak:
			default:
				if first := c.FirstChild(); first != nil && first.Type() == ast.TypeInline {
					b = append(b, '\n')
					b = heading.AppendText(b, c, source)
				} else {
					walk(c)
				}
			}
		}
	}
	walk(doc)
	return tidyText(b)
}

func blockLines(n ast.Node, source []byte) []byte {
	var b []byte
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b = append(b, seg.Value(source)...)
	}
	if h, ok := n.(*ast.HTMLBlock); ok && h.HasClosure() {
		b = append(b, h.ClosureLine.Value(source)...)
	}
	return b
}

// skipContent are the elements whose text the sanitizer drops too.
var skipContent = map[string]bool{
	"script": true, "style": true, "iframe": true, "noembed": true, "noframes": true,
	"noscript": true, "nav": true, "object": true, "title": true, "frameset": true,
	"template": true,
}

// breaking elements end a line of text.
var breaking = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "br": true,
	"dd": true, "div": true, "dl": true, "dt": true, "figcaption": true, "h1": true,
	"h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "hr": true, "li": true,
	"p": true, "pre": true, "section": true, "table": true, "td": true, "th": true,
	"tr": true, "ul": true, "ol": true,
}

func appendHTMLText(b, src []byte) []byte {
	z := html.NewTokenizer(bytes.NewReader(src))
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b
		case html.TextToken:
			if skip == 0 {
				b = append(b, z.Text()...)
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			if skipContent[string(name)] {
				skip++
			}
			if breaking[string(name)] {
				b = append(b, '\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if skipContent[string(name)] && skip > 0 {
				skip--
			}
			if breaking[string(name)] {
				b = append(b, '\n')
			}
		case html.SelfClosingTagToken:
			if name, _ := z.TagName(); breaking[string(name)] {
				b = append(b, '\n')
			}
		}
	}
}

// tidyText collapses runs of spaces and drops empty lines.
func tidyText(b []byte) string {
	// One pass, copying runs of word bytes at once: this runs over every
	// page's text at every load.
	out := make([]byte, 0, len(b))
	inLine, space := false, false // a word is on this line; a space is due before the next
	for i := 0; i < len(b); {
		r, n := rune(b[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(b[i:])
		}
		switch {
		case r == '\n':
			inLine, space = false, false
		case unicode.IsSpace(r):
			space = inLine
		default:
			if !inLine && len(out) > 0 {
				out = append(out, '\n')
			} else if space {
				out = append(out, ' ')
			}
			inLine, space = true, false
			j := i + n
			for j < len(b) && b[j] < utf8.RuneSelf && !asciiSpace[b[j]] {
				j++
			}
			out = append(out, b[i:j]...)
			i = j
			continue
		}
		i += n
	}
	return string(out)
}

// asciiSpace are the ASCII bytes unicode.IsSpace accepts.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}
