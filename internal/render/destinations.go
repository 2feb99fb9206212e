package render

import (
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// RewriteDestinations rewrites the destination of every inline link and
// image of a markdown page, leaving every other byte as it was, for tools
// that move content between sites (the importers). fn sees the destination
// as goldmark reads it (escapes resolved) and whether it is an image's, and
// returns false to keep it. Reference links, autolinks and raw HTML are not
// touched.
func (r *Renderer) RewriteDestinations(src []byte, fn func(dest string, image bool) (string, bool)) []byte {
	body := bodyOf(src)
	offset := len(src) - len(body)
	doc := r.md.Parser().Parse(text.NewReader(body))
	var edits []edit
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var dest string
		image := false
		switch v := n.(type) {
		case *ast.Link:
			dest = string(v.Destination)
		case *ast.Image:
			dest, image = string(v.Destination), true
		default:
			return ast.WalkContinue, nil
		}
		to, ok := fn(dest, image)
		if !ok {
			return ast.WalkContinue, nil
		}
		if s, e, _, ok := inlineDest(body, n); ok {
			if strings.ContainsAny(to, " ()<>") || to == "" {
				to = "<" + strings.NewReplacer("<", "%3C", ">", "%3E").Replace(to) + ">"
			}
			edits = append(edits, edit{s, e, to})
		}
		return ast.WalkContinue, nil
	})
	return applyEdits(src, offset, edits)
}

// inlineDest finds an inline link's or image's destination in the source:
// after the "](" that closes its label (the label ends after its last text,
// or after the ")" of a link or image nested in it), then either <...> or
// a run without spaces and with balanced parentheses. close is the index
// of the ")" that ends the whole link.
func inlineDest(src []byte, n ast.Node) (start, stop, close int, ok bool) {
	end := labelEnd(src, n)
	if end < 0 {
		return 0, 0, 0, false
	}
	i := end
	for i < len(src) && strings.IndexByte("*_~`", src[i]) >= 0 {
		i++
	}
	if i+1 >= len(src) || src[i] != ']' || src[i+1] != '(' {
		return 0, 0, 0, false
	}
	i += 2
	for i < len(src) && (src[i] == ' ' || src[i] == '\t' || src[i] == '\n') {
		i++
	}
	start = i
	if i < len(src) && src[i] == '<' {
		j := i + 1
		for j < len(src) && src[j] != '>' && src[j] != '\n' {
			if src[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(src) || src[j] != '>' {
			return 0, 0, 0, false
		}
		stop = j + 1
	} else {
		depth, j := 0, i
		for ; j < len(src); j++ {
			c := src[j]
			if c == '\\' {
				j++
				continue
			}
			if c == ' ' || c == '\t' || c == '\n' || c < ' ' || c == ')' && depth == 0 {
				break
			}
			if c == '(' {
				depth++
			} else if c == ')' {
				depth--
			}
		}
		stop = j
	}
	// The optional title, then the closing parenthesis.
	j := stop
	var quote byte
	for ; j < len(src); j++ {
		c := src[j]
		switch {
		case quote != 0:
			if c == '\\' {
				j++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(':
			quote = ')'
		case c == ')':
			return start, stop, j, true
		}
	}
	return 0, 0, 0, false
}

// labelEnd is the offset just past the last source byte of n's label.
func labelEnd(src []byte, n ast.Node) int {
	end := -1
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		e := -1
		switch v := c.(type) {
		case *ast.Text:
			e = v.Segment.Stop
		case *ast.Link, *ast.Image:
			if _, _, cl, ok := inlineDest(src, v); ok {
				e = cl + 1
			}
		case *ast.CodeSpan:
			e = labelEnd(src, v)
			for e >= 0 && e < len(src) && src[e] == '`' {
				e++
			}
		default:
			e = labelEnd(src, c)
		}
		if e > end {
			end = e
		}
	}
	return end
}
