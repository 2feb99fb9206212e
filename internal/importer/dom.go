package importer

import (
	"path"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ParseHTML parses an HTML document or fragment and returns its <body>.
// The HTML5 parser never fails: broken markup is repaired the way a
// browser repairs it.
func ParseHTML(s string) *html.Node {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		doc = &html.Node{Type: html.DocumentNode}
	}
	if b := Find(doc, func(n *html.Node) bool { return n.DataAtom == atom.Body }); b != nil {
		return b
	}
	b := Elem("body", nil)
	doc.AppendChild(b)
	return b
}

// Attr is the value of an attribute, or "".
func Attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// HasAttr reports whether n carries the attribute.
func HasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return true
		}
	}
	return false
}

// SetAttr sets or adds an attribute.
func SetAttr(n *html.Node, key, val string) {
	for i, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

// KeepAttrs drops every attribute but the named ones.
func KeepAttrs(n *html.Node, keep ...string) {
	out := n.Attr[:0]
	for _, a := range n.Attr {
		for _, k := range keep {
			if a.Namespace == "" && a.Key == k {
				out = append(out, a)
				break
			}
		}
	}
	n.Attr = out
}

// HasClass reports whether n's class list holds c.
func HasClass(n *html.Node, c string) bool {
	for _, f := range strings.Fields(Attr(n, "class")) {
		if f == c {
			return true
		}
	}
	return false
}

// IsElem reports whether n is an element with one of the tag names.
func IsElem(n *html.Node, tags ...string) bool {
	if n == nil || n.Type != html.ElementNode {
		return false
	}
	for _, t := range tags {
		if n.Data == t {
			return true
		}
	}
	return false
}

// Find returns the first node under n (n included) that matches, in
// document order.
func Find(n *html.Node, match func(*html.Node) bool) *html.Node {
	if match(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := Find(c, match); f != nil {
			return f
		}
	}
	return nil
}

// FindAll returns every element under n (n excluded) that matches, in
// document order. The list is taken before the caller changes the tree.
func FindAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && match(c) {
				out = append(out, c)
			}
			walk(c)
		}
	}
	walk(n)
	return out
}

// Tag matches elements by tag name.
func Tag(tags ...string) func(*html.Node) bool {
	return func(n *html.Node) bool { return IsElem(n, tags...) }
}

// Ancestor returns the nearest ancestor of n that matches, or nil.
func Ancestor(n *html.Node, match func(*html.Node) bool) *html.Node {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && match(p) {
			return p
		}
	}
	return nil
}

// Text is the text content of n, as a browser's textContent.
func Text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// Blank reports whether text is only white space, no-break spaces included.
func Blank(s string) bool {
	return strings.TrimFunc(s, func(r rune) bool {
		return r == '\u00a0' || r == '\u200b' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	}) == ""
}

// Remove takes n out of the tree.
func Remove(n *html.Node) {
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
}

// Unwrap replaces n by its children.
func Unwrap(n *html.Node) {
	p := n.Parent
	if p == nil {
		return
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		n.RemoveChild(c)
		p.InsertBefore(c, n)
		c = next
	}
	p.RemoveChild(n)
}

// Replace puts the nodes where n was.
func Replace(n *html.Node, with ...*html.Node) {
	p := n.Parent
	if p == nil {
		return
	}
	for _, w := range with {
		if w.Parent != nil {
			w.Parent.RemoveChild(w)
		}
		p.InsertBefore(w, n)
	}
	p.RemoveChild(n)
}

// InsertAfter puts m right after n.
func InsertAfter(n, m *html.Node) {
	if m.Parent != nil {
		m.Parent.RemoveChild(m)
	}
	n.Parent.InsertBefore(m, n.NextSibling)
}

// Elem makes an element with attributes given as key, value pairs and the
// given children.
func Elem(tag string, attrs []string, children ...*html.Node) *html.Node {
	n := &html.Node{Type: html.ElementNode, Data: tag, DataAtom: atom.Lookup([]byte(tag))}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.Attr = append(n.Attr, html.Attribute{Key: attrs[i], Val: attrs[i+1]})
	}
	for _, c := range children {
		n.AppendChild(c)
	}
	return n
}

// TextNode makes a text node.
func TextNode(s string) *html.Node { return &html.Node{Type: html.TextNode, Data: s} }

// Note is the visible note that stands where imported content could not
// come across: a block quote starting "Note:", with an optional link.
func Note(text, linkText, href string) *html.Node {
	p := Elem("p", nil, Elem("strong", nil, TextNode("Note:")), TextNode(" "+text))
	if href != "" {
		if linkText == "" {
			linkText = href
		}
		p.AppendChild(TextNode(" "))
		p.AppendChild(Elem("a", []string{"href", href}, TextNode(linkText)))
	}
	return Elem("blockquote", []string{"data-import-note", "1"}, p)
}

// InlineNote is Note for places a block cannot go (a table cell, a list
// item, the middle of a sentence): the same words, emphasised, in brackets.
func InlineNote(text, linkText, href string) *html.Node {
	em := Elem("em", []string{"data-import-note", "1"}, TextNode("[Note: "+text))
	if href != "" {
		if linkText == "" {
			linkText = href
		}
		em.AppendChild(TextNode(" "))
		em.AppendChild(Elem("a", []string{"href", href}, TextNode(linkText)))
	}
	em.AppendChild(TextNode("]"))
	return em
}

// blockTags are the elements a note may replace or follow.
var blockTags = []string{"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section", "article", "header", "footer", "main", "body"}

// InNote reports whether n is part of a note the importer wrote, whose
// links are final.
func InNote(n *html.Node) bool {
	return HasAttr(n, "data-import-note") || Ancestor(n, func(a *html.Node) bool { return HasAttr(a, "data-import-note") }) != nil
}

// PlaceNote puts a note where n (an image, a macro placeholder) was: as a
// block when n is alone in its paragraph or sits between blocks, inline in
// a table cell or list item or among other text. n is removed.
func PlaceNote(n *html.Node, text, linkText, href string) {
	if Ancestor(n, Tag("td", "th", "li", "dt", "dd", "a")) != nil {
		Replace(n, InlineNote(text, linkText, href))
		return
	}
	block := n.Parent
	for block != nil && !IsElem(block, blockTags...) {
		block = block.Parent
	}
	if block == nil {
		Replace(n, InlineNote(text, linkText, href))
		return
	}
	note := Note(text, linkText, href)
	if block == n.Parent && !IsElem(block, "p", "h1", "h2", "h3", "h4", "h5", "h6", "pre") {
		Replace(n, note)
		return
	}
	Remove(n)
	if IsElem(block, "p") && Blank(Text(block)) && Find(block, Tag("img")) == nil {
		Replace(block, note)
		return
	}
	if IsElem(block, "body") {
		block.AppendChild(note)
		return
	}
	after := block
	for after.NextSibling != nil && HasAttr(after.NextSibling, "data-import-note") {
		after = after.NextSibling
	}
	InsertAfter(after, note)
}

// ExternalImage replaces an image loaded from another site by a link to
// it: the wiki's Content-Security-Policy blocks such images, and loading one
// would tell that site who reads the page.
func ExternalImage(img *html.Node, src string) {
	alt := strings.TrimSpace(Attr(img, "alt"))
	if alt == "" {
		alt = strings.TrimSpace(Attr(img, "title"))
	}
	if alt == "" {
		alt = src
	}
	Replace(img, Elem("a", []string{"href", src}, TextNode("Image: "+alt)))
}

// IsExternal reports an absolute http(s) or protocol-relative URL.
func IsExternal(u string) bool {
	l := strings.ToLower(strings.TrimSpace(u))
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "//")
}

// SafeFileName keeps letters, digits, "-", "_" and "." (never first), so an
// attachment name from the source can be neither a path nor a dotfile.
// Spaces and other characters become "-".
func SafeFileName(name string) string {
	name = strings.TrimSpace(name)
	if i := strings.LastIndexAny(name, "/\\"); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	dash := false
	for _, r := range name {
		switch {
		case r == '.' && b.Len() > 0, r == '_', unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	s := strings.Trim(b.String(), ".-")
	if s == "" {
		return "file"
	}
	if r := []rune(s); len(r) > 120 {
		ext := path.Ext(s)
		if len(ext) > 10 {
			ext = ""
		}
		s = string(r[:120-len([]rune(ext))]) + ext
	}
	return s
}
