package render

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// DestinationEdit is what RewriteDestinations does with one link or image:
// Dest replaces its destination, or, when Whole is set, Whole replaces the
// link or image entirely (an importer turns an image it cannot find into a
// visible note).
type DestinationEdit struct {
	Dest  string
	Whole string
}

// RewriteDestinations rewrites the destination of every inline link and
// image of a markdown page, leaving every other byte as it was, for tools
// that move content between sites (the importers). fn sees the destination
// as goldmark reads it (escapes resolved) and whether it is an image's, and
// returns false to keep it. Reference links, autolinks and raw HTML are not
// touched.
func (r *Renderer) RewriteDestinations(src []byte, fn func(dest string, image bool) (DestinationEdit, bool)) []byte {
	body := bodyOf(src)
	offset := len(src) - len(body)
	doc := r.md.Parser().Parse(text.NewReader(body))
	f := newDestFinder(body)
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
		e, ok := fn(dest, image)
		if !ok {
			return ast.WalkContinue, nil
		}
		s, stop, closeAt, ok := f.inlineDest(n)
		if !ok {
			return ast.WalkContinue, nil
		}
		if e.Whole != "" {
			if start := f.nodeStart(n); start >= 0 {
				edits = append(edits, edit{start, closeAt + 1, e.Whole})
				return ast.WalkSkipChildren, nil
			}
			return ast.WalkContinue, nil
		}
		to := e.Dest
		if strings.ContainsAny(to, " ()<>") || to == "" {
			to = "<" + strings.NewReplacer("<", "%3C", ">", "%3E").Replace(to) + ">"
		}
		edits = append(edits, edit{s, stop, to})
		return ast.WalkContinue, nil
	})
	return applyEdits(src, offset, edits)
}

// destFinder finds the parts of links and images in the source src. It
// remembers each node's label end and destination: an empty label is found
// from what precedes it, so without the memory a run of "[](a)" took time
// exponential in its length.
type destFinder struct {
	src   []byte
	ends  map[ast.Node]int
	dests map[ast.Node][4]int // start, stop, close, ok (1 or 0)
}

func newDestFinder(src []byte) *destFinder {
	return &destFinder{src: src, ends: map[ast.Node]int{}, dests: map[ast.Node][4]int{}}
}

// nodeStart finds the "[" (or "![") that opens a link or image.
func (f *destFinder) nodeStart(n ast.Node) int {
	src := f.src
	i := -1
	if t, ok := n.FirstChild().(*ast.Text); ok {
		i = t.Segment.Start - 1
	} else if n.FirstChild() == nil {
		i = f.labelEnd(n) - 1
	}
	for i >= 0 && strings.IndexByte("*_~`", src[i]) >= 0 {
		i--
	}
	if i < 0 || src[i] != '[' {
		return -1
	}
	if _, img := n.(*ast.Image); img {
		if i == 0 || src[i-1] != '!' {
			return -1
		}
		i--
	}
	return i
}

// inlineDest finds an inline link's or image's destination in the source:
// after the "](" that closes its label (the label ends after its last text,
// or after the ")" of a link or image nested in it), then either <...> or
// a run without spaces and with balanced parentheses. close is the index
// of the ")" that ends the whole link.
func (f *destFinder) inlineDest(n ast.Node) (start, stop, close int, ok bool) {
	if d, seen := f.dests[n]; seen {
		return d[0], d[1], d[2], d[3] == 1
	}
	start, stop, close, ok = inlineDestIn(f.src, f.labelEnd(n))
	d := [4]int{start, stop, close, 0}
	if ok {
		d[3] = 1
	}
	f.dests[n] = d
	return start, stop, close, ok
}

// inlineDestIn is inlineDest for the label that ends at end.
func inlineDestIn(src []byte, end int) (start, stop, close int, ok bool) {
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
func (f *destFinder) labelEnd(n ast.Node) int {
	if e, seen := f.ends[n]; seen {
		return e
	}
	e := f.findLabelEnd(n)
	f.ends[n] = e
	return e
}

func (f *destFinder) findLabelEnd(n ast.Node) int {
	src := f.src
	if n.FirstChild() == nil {
		return f.emptyLabelEnd(n)
	}
	end := -1
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		e := -1
		switch v := c.(type) {
		case *ast.Text:
			e = v.Segment.Stop
		case *ast.Link, *ast.Image:
			if _, _, cl, ok := f.inlineDest(v); ok {
				e = cl + 1
			}
		case *ast.CodeSpan:
			e = f.labelEnd(v)
			for e >= 0 && e < len(src) && src[e] == '`' {
				e++
			}
		default:
			e = f.labelEnd(c)
		}
		if e > end {
			end = e
		}
	}
	return end
}

// emptyLabelEnd finds the "]" of "[](...)" or "![](...)", which holds no
// text to start from: it is the first "[](" after what precedes n.
func (f *destFinder) emptyLabelEnd(n ast.Node) int {
	src := f.src
	from := 0
	switch p := n.PreviousSibling().(type) {
	case nil:
		if par := n.Parent(); par != nil {
			for par.Type() != ast.TypeBlock && par.Parent() != nil {
				par = par.Parent()
			}
			if l := par.Lines(); l != nil && l.Len() > 0 {
				from = l.At(0).Start
			}
		}
	case *ast.Text:
		from = p.Segment.Stop
	default:
		if e := f.labelEnd(p); e > 0 {
			from = e
		}
		if _, _, cl, ok := f.inlineDest(p); ok {
			from = cl + 1
		}
	}
	if from > len(src) {
		return -1
	}
	i := bytes.Index(src[from:], []byte("[]("))
	if i < 0 {
		return -1
	}
	return from + i + 1
}
