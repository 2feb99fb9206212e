package importer

import (
	"strings"

	"golang.org/x/net/html"
)

// dropTags never carry content a page should keep.
var dropTags = []string{"script", "style", "noscript", "iframe", "object", "embed", "form", "input",
	"button", "select", "textarea", "colgroup", "col", "meta", "link", "template", "svg", "canvas"}

// unwrapTags carry only presentation: their content stays.
var unwrapTags = []string{"span", "font", "center", "small", "big", "u", "ins", "mark", "abbr", "time", "label", "o:p"}

// Tidy removes what editors and themes leave behind, so the markdown reads
// as the author wrote it: scripts and styles, presentational wrappers, every
// attribute but the structural ones, empty paragraphs, stray line breaks,
// and links wrapped around whole blocks (pushed into their headings).
// Importers run it after they have read what they need from classes and
// data attributes.
func Tidy(body *html.Node) {
	for _, n := range FindAll(body, Tag(dropTags...)) {
		Remove(n)
	}
	removeComments(body)
	for _, n := range FindAll(body, Tag(unwrapTags...)) {
		Unwrap(n)
	}
	for _, a := range FindAll(body, Tag("a")) {
		if Attr(a, "href") == "" {
			Unwrap(a)
		}
	}
	for _, a := range FindAll(body, Tag("a")) {
		if a.Parent != nil && Find(a, Tag(blockInLink...)) != nil {
			spreadLink(a)
		}
	}
	FlattenTables(body)
	for _, n := range FindAll(body, func(*html.Node) bool { return true }) {
		if HasAttr(n, "data-import-note") {
			KeepAttrs(n, "data-import-note")
			continue
		}
		lang := codeLanguage(n)
		KeepAttrs(n, "href", "src", "alt", "title", "colspan", "rowspan", "start", "lang")
		if lang != "" {
			SetAttr(n, "class", "language-"+lang)
		}
	}
	trimBreaks(body)
	for _, n := range FindAll(body, Tag("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "section", "header", "blockquote")) {
		if n.Parent != nil && emptyBlock(n) {
			Remove(n)
		}
	}
}

func removeComments(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.CommentNode {
			n.RemoveChild(c)
		} else {
			removeComments(c)
		}
		c = next
	}
}

// emptyBlock: no text and nothing visible (an image, a table, a rule).
func emptyBlock(n *html.Node) bool {
	if !Blank(Text(n)) {
		return false
	}
	return Find(n, Tag("img", "table", "hr", "pre", "iframe", "video", "audio")) == nil
}

// trimBreaks drops <br> at the start or end of a block: Confluence ends
// many paragraphs and cells with one, and markdown would keep it as a
// hard break or a stray backslash.
func trimBreaks(body *html.Node) {
	for _, br := range FindAll(body, Tag("br")) {
		if br.Parent == nil {
			continue
		}
		if edge(br, func(n *html.Node) *html.Node { return n.PrevSibling }) || edge(br, func(n *html.Node) *html.Node { return n.NextSibling }) {
			Remove(br)
		}
	}
}

// edge reports whether only white space lies between n and its block's edge
// in the direction step walks.
func edge(n *html.Node, step func(*html.Node) *html.Node) bool {
	for {
		for s := step(n); s != nil; s = step(s) {
			if s.Type == html.TextNode && Blank(s.Data) {
				continue
			}
			if s.Type == html.CommentNode {
				continue
			}
			return false
		}
		p := n.Parent
		if p == nil || IsElem(p, blockTags...) || IsElem(p, "td", "th", "li", "dd", "dt") {
			return true
		}
		n = p
	}
}

// blockInLink are the elements a markdown link cannot hold.
var blockInLink = []string{"h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "section", "header", "ul", "ol", "table", "blockquote"}

// spreadLink replaces a link wrapped around blocks by links inside them: a
// heading gets the link; a paragraph gets it only when no heading nearby
// already links to the same place (theme "cards" often repeat one link
// around the number, the heading and the summary).
func spreadLink(a *html.Node) {
	href := Attr(a, "href")
	headings := FindAll(a, Tag("h1", "h2", "h3", "h4", "h5", "h6"))
	paras := FindAll(a, Tag("p", "li", "dt", "dd"))
	if len(headings) == 0 && len(paras) == 0 && Find(a, Tag("ul", "ol", "table", "blockquote")) == nil {
		// Only wrappers (a <div> label inside the link): the link stays,
		// its wrappers go.
		for _, d := range FindAll(a, Tag(blockInLink...)) {
			d.Parent.InsertBefore(TextNode(" "), d)
			Unwrap(d)
		}
		return
	}
	linked := len(headings) > 0 || siblingHeadingLink(a, href)
	for _, h := range headings {
		wrapChildren(h, href)
	}
	if !linked {
		for _, p := range paras {
			if len(FindAll(p, Tag("p", "li"))) == 0 {
				wrapChildren(p, href)
			}
		}
	}
	Unwrap(a)
}

func wrapChildren(n *html.Node, href string) {
	if len(FindAll(n, Tag("a"))) > 0 {
		return
	}
	link := Elem("a", []string{"href", href})
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		n.RemoveChild(c)
		link.AppendChild(c)
		c = next
	}
	n.AppendChild(link)
}

// siblingHeadingLink reports whether the container around a holds a
// heading that links (or will link) to href.
func siblingHeadingLink(a *html.Node, href string) bool {
	box := Ancestor(a, Tag("section", "article", "li", "div", "td", "body"))
	if box == nil {
		return false
	}
	return Find(box, func(n *html.Node) bool {
		if !IsElem(n, "a") || n == a || Attr(n, "href") != href {
			return false
		}
		if Find(n, Tag("h1", "h2", "h3", "h4", "h5", "h6")) != nil {
			return true
		}
		return Ancestor(n, Tag("h1", "h2", "h3", "h4", "h5", "h6")) != nil
	}) != nil
}

// CleanTitle makes one line of a title: white space collapsed, no-break
// spaces as spaces.
func CleanTitle(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

// FlattenTables replaces every one-column table by its content; importers
// call it before they place notes, so a note lands between blocks rather
// than inside a cell.
func FlattenTables(body *html.Node) {
	for _, t := range FindAll(body, Tag("table")) {
		if t.Parent != nil && oneColumn(t) {
			flattenTable(t)
		}
	}
}

// oneColumn reports a table whose rows hold one cell each: a layout box
// (Confluence "cards", a framed note), with nothing tabular to keep.
func oneColumn(t *html.Node) bool {
	rows := 0
	for _, tr := range FindAll(t, Tag("tr")) {
		if Ancestor(tr, Tag("table")) != t {
			continue
		}
		rows++
		cells := 0
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if IsElem(c, "td", "th") {
				cells++
				if Attr(c, "colspan") != "" && Attr(c, "colspan") != "1" {
					return false
				}
			}
		}
		if cells > 1 {
			return false
		}
	}
	return rows > 0
}

// flattenTable replaces a one-column table by its cells' content in
// reading order, each cell a block of its own; a header cell reads bold.
func flattenTable(t *html.Node) {
	var blocks []*html.Node
	for _, cell := range FindAll(t, Tag("td", "th")) {
		if Ancestor(cell, Tag("table")) != t {
			continue
		}
		div := Elem("div", nil)
		for c := cell.FirstChild; c != nil; {
			next := c.NextSibling
			cell.RemoveChild(c)
			div.AppendChild(c)
			c = next
		}
		if IsElem(cell, "th") && len(FindAll(div, Tag(blockInLink...))) == 0 {
			strong := Elem("strong", nil)
			for c := div.FirstChild; c != nil; {
				next := c.NextSibling
				div.RemoveChild(c)
				strong.AppendChild(c)
				c = next
			}
			div = Elem("p", nil, strong)
		}
		blocks = append(blocks, div)
	}
	Replace(t, blocks...)
}

// codeLanguage is the "language-x" class of a code block, which the
// converter turns into the fence's info string.
func codeLanguage(n *html.Node) string {
	if !IsElem(n, "code", "pre") {
		return ""
	}
	for _, c := range strings.Fields(Attr(n, "class")) {
		if l, ok := strings.CutPrefix(c, "language-"); ok && l != "" {
			return l
		}
	}
	return ""
}
