package confluence

import (
	"path"
	"strings"

	"golang.org/x/net/html"

	"github.com/gitwiki/gitwiki/internal/importer"
)

// convert turns one page's body into markdown. It runs twice per page (see
// convertAll) and reports only on the second run.
func (s *space) convert(p *page) (string, error) {
	body := importer.ParseHTML(p.raw)
	importer.FlattenTables(body)
	p.toc = false
	s.macros(p, body)
	s.panels(p, body)
	s.otherMacros(p, body)
	s.embeddedFiles(p, body)
	s.used = map[string]bool{}
	s.images(p, body)
	s.links(p, body)
	s.listAttachments(p, body)
	heads := importer.FindAll(body, importer.Tag("h1", "h2", "h3", "h4", "h5", "h6"))
	importer.Tidy(body)
	if !s.final {
		p.ids = p.ids[:0]
		for _, h := range heads {
			if attached(h, body) {
				p.ids = append(p.ids, importer.Attr(h, "id"))
			}
		}
	}
	return s.conv.Markdown(body, p.file)
}

// attached reports whether n is still in the tree under root.
func attached(n, root *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == root {
			return true
		}
	}
	return false
}

func (s *space) macro(p *page, name, as string) {
	if s.final {
		s.rep.Macros = append(s.rep.Macros, importer.Macro{Page: p.file, Name: name, As: as})
	}
}

// params reads data-macro-parameters, "height=250|name=File name.pdf".
func params(n *html.Node) map[string]string {
	out := map[string]string{}
	for _, kv := range strings.Split(importer.Attr(n, "data-macro-parameters"), "|") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

// macros replaces the editor's macro placeholders (<img
// class="editor-inline-macro">, as the backup has them) and the table of
// contents an export renders: toc becomes the wiki's own table of contents
// (toc: true in the front matter; the wiki shows one for every page with
// headings), a file viewer a link to the file, anything else a note.
func (s *space) macros(p *page, body *html.Node) {
	for _, n := range importer.FindAll(body, func(n *html.Node) bool {
		return importer.IsElem(n, "img") && importer.HasClass(n, "editor-inline-macro") ||
			importer.HasClass(n, "toc-macro") || importer.HasClass(n, "client-side-toc-macro")
	}) {
		if n.Parent == nil {
			continue
		}
		name := importer.Attr(n, "data-macro-name")
		if !importer.IsElem(n, "img") {
			name = "toc"
		}
		pr := params(n)
		switch name {
		case "toc":
			importer.Remove(n)
			p.toc = true
			s.macro(p, name, "table of contents")
		case "anchor":
			importer.Remove(n)
			s.macro(p, name, "removed")
		case "view-file", "viewpdf", "viewdoc", "viewxls", "viewppt", "viewfile", "multimedia":
			s.fileMacro(p, n, name, pr["name"])
		case "widget":
			url := pr["url"]
			importer.PlaceNote(n, "this page embedded content from another site with a Confluence “widget” macro, which was not imported.", "", url)
			s.macro(p, name, "note with a link")
		case "children", "pagetree":
			importer.PlaceNote(n, "this page listed its child pages with a Confluence “"+name+"” macro; the wiki lists them below the page.", "", "")
			s.macro(p, name, "note")
		default:
			importer.PlaceNote(n, "this page used a Confluence “"+name+"” macro, which was not imported.", "", "")
			s.macro(p, name, "note")
		}
	}
}

// fileMacro stands for an attached file shown in the page: a link to the
// file when the source has it, else a note saying it is missing.
func (s *space) fileMacro(p *page, n *html.Node, macro, name string) {
	if file, ok := s.attachmentByName(p, name); ok {
		s.used[file] = true
		importer.Replace(n, importer.Elem("a", []string{"href", importer.RelURL(p.file, file, "")}, importer.TextNode(name)))
		s.macro(p, macro, "link to the attached file")
		return
	}
	orig := ""
	if s.base != "" && p.id != "" && name != "" {
		orig = s.base + "/download/attachments/" + p.id + "/" + escapeSegment(name)
	}
	text := "this page showed the attached file “" + name + "” with a Confluence “" + macro + "” macro; the file is not in the source, so it was not imported."
	importer.PlaceNote(n, text, "Its old address", orig)
	s.macro(p, macro, "note (file missing)")
	s.missing(p, name, orig)
}

func (s *space) missing(p *page, name, orig string) {
	if s.final {
		s.rep.Missing = append(s.rep.Missing, importer.Attachment{Page: p.file, Name: name, Original: orig})
	}
}

// panels rewrites the macros an export renders as HTML: info, note, tip
// and warning panels become block quotes, code blocks fenced code with
// their language, expand sections their title and content.
func (s *space) panels(p *page, body *html.Node) {
	for _, n := range importer.FindAll(body, func(n *html.Node) bool {
		return importer.HasClass(n, "confluence-information-macro") || importer.HasClass(n, "expand-container") ||
			importer.IsElem(n, "div") && importer.HasClass(n, "code") && importer.HasClass(n, "panel")
	}) {
		if n.Parent == nil {
			continue
		}
		switch {
		case importer.HasClass(n, "confluence-information-macro"):
			s.infoPanel(p, n)
		case importer.HasClass(n, "expand-container"):
			title := findClass(n, "expand-control-text")
			content := findClass(n, "expand-content")
			out := []*html.Node{}
			if title != nil {
				out = append(out, importer.Elem("p", nil, importer.Elem("strong", nil, importer.TextNode(importer.CleanTitle(importer.Text(title))))))
			}
			if content != nil {
				out = append(out, content)
			}
			importer.Replace(n, out...)
			s.macro(p, "expand", "heading and text")
		default:
			s.codePanel(p, n)
		}
	}
}

func findClass(n *html.Node, c string) *html.Node { return importer.Find(n, byClass(c)) }

var panelLabels = map[string]string{
	"confluence-information-macro-information": "Info", "confluence-information-macro-note": "Note",
	"confluence-information-macro-tip": "Tip", "confluence-information-macro-warning": "Warning",
}

func (s *space) infoPanel(p *page, n *html.Node) {
	label := "Note"
	for class, l := range panelLabels {
		if importer.HasClass(n, class) {
			label = l
		}
	}
	head := label + ":"
	if t := findClass(n, "title"); t != nil && !importer.Blank(importer.Text(t)) {
		head = label + ": " + importer.CleanTitle(importer.Text(t))
		importer.Remove(t)
	}
	bq := importer.Elem("blockquote", nil, importer.Elem("p", nil, importer.Elem("strong", nil, importer.TextNode(head))))
	content := findClass(n, "confluence-information-macro-body")
	if content == nil {
		content = n
	}
	for c := content.FirstChild; c != nil; {
		next := c.NextSibling
		content.RemoveChild(c)
		bq.AppendChild(c)
		c = next
	}
	importer.Replace(n, bq)
	s.macro(p, strings.ToLower(label), "block quote")
}

func (s *space) codePanel(p *page, n *html.Node) {
	pre := importer.Find(n, importer.Tag("pre"))
	if pre == nil {
		return
	}
	lang := ""
	for _, kv := range strings.Split(importer.Attr(pre, "data-syntaxhighlighter-params"), ";") {
		if k, v, ok := strings.Cut(kv, ":"); ok && strings.TrimSpace(k) == "brush" {
			lang = strings.TrimSpace(v)
		}
	}
	code := importer.Elem("code", nil, importer.TextNode(importer.Text(pre)))
	if lang != "" && lang != "text" && lang != "none" {
		importer.SetAttr(code, "class", "language-"+lang)
	}
	importer.Replace(n, importer.Elem("pre", nil, code))
	s.macro(p, "code", "code block")
}

// otherMacros handles what is left of an export's rendered macros (marked
// conf-macro with their name): one with text keeps it, an empty one
// becomes a note.
func (s *space) otherMacros(p *page, body *html.Node) {
	for _, n := range importer.FindAll(body, func(n *html.Node) bool {
		return importer.HasClass(n, "conf-macro") && importer.Attr(n, "data-macro-name") != ""
	}) {
		if n.Parent == nil || importer.Ancestor(n, func(a *html.Node) bool { return importer.HasClass(a, "conf-macro") }) != nil {
			continue
		}
		name := importer.Attr(n, "data-macro-name")
		if importer.Blank(importer.Text(n)) && importer.Find(n, importer.Tag("img", "table")) == nil {
			importer.PlaceNote(n, "this page used a Confluence “"+name+"” macro, which was not imported.", "", "")
			s.macro(p, name, "note")
			continue
		}
		s.macro(p, name, "its text kept")
	}
}

// embeddedFiles turns an export's file previews (a thumbnail inside a link
// to the file) into a plain link named after the file.
func (s *space) embeddedFiles(p *page, body *html.Node) {
	for _, a := range importer.FindAll(body, func(n *html.Node) bool {
		return importer.IsElem(n, "a") && importer.HasClass(n, "confluence-embedded-file")
	}) {
		name := importer.Attr(a, "data-linked-resource-default-alias")
		if name == "" {
			name = path.Base(importer.Attr(a, "href"))
		}
		for c := a.FirstChild; c != nil; {
			next := c.NextSibling
			a.RemoveChild(c)
			c = next
		}
		a.AppendChild(importer.TextNode(name))
		s.macro(p, "view-file", "link to the attached file")
	}
}

// images points every image at its copied attachment, or puts a note where
// an attachment the source lacks would have been.
func (s *space) images(p *page, body *html.Node) {
	for _, img := range importer.FindAll(body, importer.Tag("img")) {
		if img.Parent == nil {
			continue
		}
		if importer.HasClass(img, "emoticon") {
			alt := importer.Attr(img, "data-emoji-fallback")
			if alt == "" {
				alt = importer.Attr(img, "alt")
			}
			importer.Replace(img, importer.TextNode(alt))
			continue
		}
		src := importer.Attr(img, "data-image-src")
		if src == "" {
			src = importer.Attr(img, "src")
		}
		if src == "" || strings.HasPrefix(src, "data:") {
			continue
		}
		name := importer.Attr(img, "data-linked-resource-default-alias")
		file, orig, local := s.attachment(p, src, name)
		if name == "" {
			name = attachmentName(src)
		}
		switch {
		case file != "":
			importer.SetAttr(img, "src", importer.RelURL(p.file, file, ""))
			s.used[file] = true
			if importer.Attr(img, "alt") == "" {
				importer.SetAttr(img, "alt", strings.TrimSuffix(name, path.Ext(name)))
			}
			s.rewritten()
		case local:
			importer.PlaceNote(img, "the image “"+name+"” is not in the source, so it was not imported.", "Its old address", orig)
			s.missing(p, name, orig)
		default:
			importer.ExternalImage(img, src)
			if s.final {
				s.rep.Problemf(p.file, "the image %s is on another site: it became a link, since the wiki loads nothing from elsewhere", src)
			}
		}
	}
}

func (s *space) rewritten() {
	if s.final {
		s.rep.LinksRewritten++
	}
}

// listAttachments adds a list of the page's attachments that its body does
// not link, as Confluence shows them under the page, so none is lost.
func (s *space) listAttachments(p *page, body *html.Node) {
	var items []*html.Node
	for _, src := range sortedKeys(p.attach) {
		file, ok := s.copy(p, src, p.attach[src])
		if !ok || s.used[file] {
			continue
		}
		items = append(items, importer.Elem("li", nil, importer.Elem("a", []string{"href", importer.RelURL(p.file, file, "")}, importer.TextNode(p.attach[src]))))
	}
	if len(items) == 0 {
		return
	}
	body.AppendChild(importer.Elem("h2", nil, importer.TextNode("Attachments")))
	body.AppendChild(importer.Elem("ul", nil, items...))
}
