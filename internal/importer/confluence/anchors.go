package confluence

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"

	"github.com/gitwiki/gitwiki/internal/importer"
	"github.com/gitwiki/gitwiki/internal/render"
)

// learnAnchors renders the first pass's markdown as the wiki will, and
// pairs the ids the wiki gives the page's headings with the ids Confluence
// gave them, in order, so links to "#Page-Heading" land on the heading.
func (s *space) learnAnchors(p *page, md string) {
	if s.render == nil {
		s.render = render.New(render.Config{CacheEntries: 1})
	}
	// A paragraph first, so a leading h1 equal to the title is not dropped.
	doc := s.render.Render([]byte("x\n\n"+md), render.Context{File: p.file})
	body := importer.ParseHTML(string(doc.HTML))
	hs := importer.FindAll(body, importer.Tag("h1", "h2", "h3", "h4", "h5", "h6"))
	p.anchors, p.headings = map[string]string{}, map[string]string{}
	for i, h := range hs {
		id := importer.Attr(h, "id")
		if id == "" {
			continue
		}
		if t := fold(headingText(h)); t != "" {
			if _, dup := p.headings[t]; !dup {
				p.headings[t] = id
			}
		}
		if len(hs) == len(p.ids) && p.ids[i] != "" {
			p.anchors[p.ids[i]] = id
		}
	}
}

// headingText is a rendered heading's text without its self-link.
func headingText(h *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case importer.IsElem(c, "a") && importer.Attr(c, "aria-hidden") == "true":
			default:
				walk(c)
			}
		}
	}
	walk(h)
	return b.String()
}

// fold keeps the letters and digits of s, lower case: how Confluence's
// heading ids ("PageTitle-HeadingText") and the wiki's are compared.
func fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// anchor is the wiki's id for a Confluence heading id of this page, or the
// fragment as written when no heading matches.
func (p *page) anchor(frag string) string {
	if frag == "" {
		return ""
	}
	if id, ok := p.anchors[frag]; ok {
		return id
	}
	f := fold(frag)
	if id, ok := p.headings[strings.TrimPrefix(f, fold(p.title))]; ok {
		return id
	}
	if id, ok := p.headings[f]; ok {
		return id
	}
	return frag
}
