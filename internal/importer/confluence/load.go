package confluence

import (
	"bytes"
	"fmt"
	"html"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"

	"github.com/gitwiki/gitwiki/internal/importer"
	"github.com/gitwiki/gitwiki/internal/render"
)

// isExport: an HTML space export has an index.html or HTML pages at its top.
func (s *space) isExport() bool {
	for _, f := range s.src.Files() {
		if !strings.Contains(f, "/") && strings.HasSuffix(strings.ToLower(f), ".html") {
			return true
		}
	}
	return false
}

// readText reads a file that must be text: valid UTF-8 without NUL bytes.
func (s *space) readText(f string) (string, bool, error) {
	b, err := s.src.ReadFile(f)
	if err != nil {
		return "", false, err
	}
	if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
		s.rep.Problemf(f, "skipped: not a text file")
		return "", false, nil
	}
	return string(b), true, nil
}

func byID(id string) func(*xhtml.Node) bool {
	return func(n *xhtml.Node) bool { return n.Type == xhtml.ElementNode && importer.Attr(n, "id") == id }
}

func byClass(c string) func(*xhtml.Node) bool {
	return func(n *xhtml.Node) bool { return n.Type == xhtml.ElementNode && importer.HasClass(n, c) }
}

// loadExport reads a Confluence HTML space export.
func (s *space) loadExport() error {
	for _, f := range s.src.Files() {
		if strings.Contains(f, "/") || !strings.HasSuffix(strings.ToLower(f), ".html") || f == "index.html" {
			continue
		}
		text, ok, err := s.readText(f)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		body := importer.ParseHTML(text)
		main := importer.Find(body, byID("main-content"))
		if main == nil {
			s.rep.Problemf(f, "skipped: not a Confluence page (no #main-content)")
			continue
		}
		s.pages = append(s.pages, s.exportPage(f, body, main))
	}
	if len(s.pages) == 0 {
		return fmt.Errorf("%w: %s has HTML files but none is a Confluence page (no #main-content)", importer.ErrSource, s.src.Name)
	}
	if s.src.Has("index.html") {
		if err := s.readIndex(); err != nil {
			return err
		}
	}
	s.findKey()
	return nil
}

// exportPage reads one page: title, breadcrumbs, date, attachments, body.
func (s *space) exportPage(f string, body, main *xhtml.Node) *page {
	p := &page{src: f, id: idOf(f), attach: map[string]string{}}
	if t := importer.Find(body, byID("title-text")); t != nil {
		p.rawTitle = strings.TrimSpace(importer.Text(t))
		p.title = importer.CleanTitle(p.rawTitle)
	}
	if crumbs := importer.Find(body, byID("breadcrumbs")); crumbs != nil {
		links := importer.FindAll(crumbs, importer.Tag("a"))
		if len(links) > 0 && s.name == "" {
			s.name = importer.CleanTitle(importer.Text(links[0]))
		}
		for _, a := range links {
			if h := importer.Attr(a, "href"); h != "" && h != "index.html" {
				p.parentOf = h
			}
		}
	}
	if s.name != "" {
		p.title = strings.TrimPrefix(p.title, s.name+" : ")
		p.rawTitle = strings.TrimPrefix(p.rawTitle, s.name+" : ")
	}
	if m := importer.Find(body, byClass("page-metadata")); m != nil {
		p.date = lastDate(importer.Text(m))
	}
	if g := importer.Find(body, byClass("greybox")); g != nil {
		for _, a := range importer.FindAll(g, importer.Tag("a")) {
			if h := importer.Attr(a, "href"); strings.HasPrefix(h, "attachments/") {
				if u, err := url.PathUnescape(h); err == nil {
					h = u
				}
				p.attach[h] = importer.CleanTitle(importer.Text(a))
			}
		}
	}
	if p.title == "" {
		p.title = strings.TrimSuffix(f, ".html")
	}
	s.noteBase(main)
	p.raw = innerHTML(main)
	return p
}

func innerHTML(n *xhtml.Node) string {
	var b bytes.Buffer
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		_ = xhtml.Render(&b, c)
	}
	return b.String()
}

var metaDate = regexp.MustCompile(`([A-Z][a-z]{2}) (\d{1,2}), (\d{4})`)

// lastDate reads "Created by X, last modified on Jun 12, 2024": the last
// date given (the page's last change), as 2024-06-12.
func lastDate(meta string) string {
	all := metaDate.FindAllString(strings.Join(strings.Fields(meta), " "), -1)
	if len(all) == 0 {
		return ""
	}
	t, err := time.Parse("Jan 2, 2006", all[len(all)-1])
	if err != nil {
		return ""
	}
	return t.Format("2006-01-02")
}

// readIndex reads the space's name and key and the page tree of index.html:
// nested lists of links, in the order Confluence shows the pages.
func (s *space) readIndex() error {
	text, ok, err := s.readText("index.html")
	if err != nil || !ok {
		return err
	}
	body := importer.ParseHTML(text)
	if t := importer.Find(body, byID("title-text")); t != nil && s.name == "" {
		s.name = importer.CleanTitle(importer.Text(t))
	}
	for _, tr := range importer.FindAll(body, importer.Tag("tr")) {
		th, td := importer.Find(tr, importer.Tag("th")), importer.Find(tr, importer.Tag("td"))
		if th != nil && td != nil && strings.EqualFold(importer.CleanTitle(importer.Text(th)), "Key") {
			s.key = importer.CleanTitle(importer.Text(td))
		}
	}
	list := importer.Find(body, func(n *xhtml.Node) bool {
		if !importer.IsElem(n, "ul") || importer.Ancestor(n, importer.Tag("ul")) != nil {
			return false
		}
		a := importer.Find(n, importer.Tag("a"))
		return a != nil && s.byFileName(importer.Attr(a, "href")) != nil
	})
	if list != nil {
		s.readTree(list, "")
	}
	return nil
}

func (s *space) byFileName(href string) *page {
	for _, p := range s.pages {
		if p.src == href {
			return p
		}
	}
	return nil
}

// readTree walks one level of the index's page list.
func (s *space) readTree(ul *xhtml.Node, parent string) {
	n := 0
	for li := ul.FirstChild; li != nil; li = li.NextSibling {
		if !importer.IsElem(li, "li") {
			continue
		}
		var a, sub *xhtml.Node
		for c := li.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case a == nil && c.Type == xhtml.ElementNode && c.Data != "ul":
				a = importer.Find(c, importer.Tag("a"))
			case importer.IsElem(c, "ul"):
				sub = c
			}
		}
		if a == nil {
			continue
		}
		href := importer.Attr(a, "href")
		if p := s.byFileName(href); p != nil {
			n++
			p.order, p.parentOf = n, parent
			if sub != nil {
				s.readTree(sub, href)
			}
		}
	}
}

// loadBackup reads page bodies kept inside Jekyll-style front matter, as
// the orgsec.community backup keeps them: title and date in the front
// matter, the Confluence editor's HTML as the body.
func (s *space) loadBackup() error {
	for _, f := range s.src.Files() {
		ext := strings.ToLower(path.Ext(f))
		if ext != ".md" && ext != ".markdown" && ext != ".html" && ext != ".htm" {
			continue
		}
		text, ok, err := s.readText(f)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		fm, body, fmErr := render.ParseFrontMatter([]byte(text))
		if fmErr != nil {
			s.rep.Problemf(f, "%v", fmErr)
		}
		doc := importer.ParseHTML(string(body))
		if !confluenceBody(doc) {
			s.rep.Problemf(f, "skipped: its body is not a Confluence page's (no Confluence editor markup)")
			continue
		}
		p := &page{src: f, title: importer.CleanTitle(fm.Title), rawTitle: fm.Title, date: fm.Date}
		if p.title == "" || p.date == "" {
			t, d := nameOf(f)
			p.title = cmp(p.title, t)
			p.date = cmp(p.date, d)
		}
		s.noteBase(doc)
		s.learnIDs(doc)
		p.raw = string(body)
		s.pages = append(s.pages, p)
	}
	if len(s.pages) == 0 {
		return fmt.Errorf("%w: %s holds no Confluence pages (expected a space export with index.html, or Markdown files with Confluence page bodies)", importer.ErrSource, s.src.Name)
	}
	s.findKey()
	for _, p := range s.pages {
		if id, ok := s.idByTitle[titleKey(p.title)]; ok {
			p.id = id
		}
	}
	return nil
}

// confluenceBody reports a body the Confluence editor wrote: the editor's
// <body class="mceContentBody"> (the parser keeps its classes on the body),
// or the classes and attributes Confluence puts on links, images, tables
// and layouts.
func confluenceBody(doc *xhtml.Node) bool {
	if importer.HasClass(doc, "mceContentBody") || importer.HasClass(doc, "wiki-content") {
		return true
	}
	return importer.Find(doc, func(n *xhtml.Node) bool {
		if n.Type != xhtml.ElementNode {
			return false
		}
		for _, c := range []string{"confluence-link", "confluenceTable", "contentLayout2", "editor-inline-macro", "confluence-embedded-image"} {
			if importer.HasClass(n, c) {
				return true
			}
		}
		return importer.HasAttr(n, "data-linked-resource-id")
	}) != nil
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// nameOf reads a backup file name, "2021-08-31-About+this+initiative.md".
func nameOf(f string) (title, date string) {
	b := strings.TrimSuffix(path.Base(f), path.Ext(f))
	if len(b) > 11 && b[4] == '-' && b[7] == '-' && b[10] == '-' {
		if _, err := time.Parse("2006-01-02", b[:10]); err == nil {
			date, b = b[:10], b[11:]
		}
	}
	if u, err := url.QueryUnescape(b); err == nil {
		b = u
	}
	return importer.CleanTitle(b), date
}

// noteBase remembers the site's address, which Confluence writes on every
// link and image it made (data-base-url).
func (s *space) noteBase(n *xhtml.Node) {
	if s.base != "" {
		return
	}
	if e := importer.Find(n, func(n *xhtml.Node) bool { return importer.Attr(n, "data-base-url") != "" }); e != nil {
		s.base = strings.TrimRight(importer.Attr(e, "data-base-url"), "/")
	}
}

// learnIDs learns page ids and the space's name from what the editor wrote
// on links and images: a page link names its target's id and title, an
// image its page's id and "Space > Page > file".
func (s *space) learnIDs(doc *xhtml.Node) {
	if s.idByTitle == nil {
		s.idByTitle = map[string]string{}
	}
	for _, n := range importer.FindAll(doc, func(n *xhtml.Node) bool { return importer.HasAttr(n, "data-linked-resource-id") }) {
		switch importer.Attr(n, "data-linked-resource-type") {
		case "page":
			if t := importer.Attr(n, "data-linked-resource-default-alias"); t != "" {
				s.idByTitle[titleKey(t)] = importer.Attr(n, "data-linked-resource-id")
			}
		case "attachment":
			loc := strings.Split(html.UnescapeString(importer.Attr(n, "data-location")), " > ")
			if len(loc) == 3 {
				if s.name == "" {
					s.name = importer.CleanTitle(loc[0])
				}
				if id := importer.Attr(n, "data-linked-resource-container-id"); id != "" {
					s.idByTitle[titleKey(loc[1])] = id
				}
			}
		}
	}
}

// findKey takes the space key from the first /display/KEY/ link of a body
// when the export did not say it.
func (s *space) findKey() {
	if s.key != "" {
		return
	}
	for _, p := range s.pages {
		doc := importer.ParseHTML(p.raw)
		for _, a := range importer.FindAll(doc, importer.Tag("a")) {
			if key, _, ok := displayTarget(s.localPath(importer.Attr(a, "href"))); ok && key != "" {
				s.key = key
				return
			}
		}
	}
}
