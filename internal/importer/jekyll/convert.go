package jekyll

import (
	"bytes"
	"fmt"
	"html"
	"net/url"
	"path"
	"strings"

	xhtml "golang.org/x/net/html"

	"github.com/gitwiki/gitwiki/internal/importer"
	"github.com/gitwiki/gitwiki/internal/render"
)

// maxMarkdownDepth bounds markdown="1" blocks nested in one another.
const maxMarkdownDepth = 8

// convert turns one page's body into the wiki's markdown: Liquid first (as
// Jekyll runs it before markdown), then kramdown's constructs, then links.
func (r *run) convert(d *doc) (string, error) {
	src, lost := r.renderLiquid(d, d.body)
	md, err := r.markdown(d, src, 0)
	if err != nil {
		return "", err
	}
	if len(lost) > 0 {
		for _, l := range lost {
			r.rep.Macros = append(r.rep.Macros, importer.Macro{Page: d.file, Name: "liquid " + l, As: "removed (note on the page)"})
		}
		md += "\n\n> **Note:** this page used Jekyll template code that was not imported: " + strings.Join(lost, "; ") + ".\n"
	}
	return md, nil
}

// markdown converts kramdown text (Liquid already rendered).
func (r *run) markdown(d *doc, src string, depth int) (string, error) {
	if depth > maxMarkdownDepth {
		return "", fmt.Errorf("%w: markdown=\"1\" blocks nested more than %d deep", importer.ErrSource, maxMarkdownDepth)
	}
	md, blocks, err := r.kramdown(d, src, depth)
	if err != nil {
		return "", err
	}
	out := string(r.render.RewriteDestinations([]byte(md), func(dest string, image bool) (render.DestinationEdit, bool) {
		return r.edit(d, dest, image)
	}))
	for token, block := range blocks {
		out = strings.Replace(out, token, block, 1)
	}
	return strings.TrimSpace(squeezeBlankLines(out)), nil
}

// squeezeBlankLines leaves at most one blank line between blocks where
// removed constructs left several, except inside fenced code.
func squeezeBlankLines(s string) string {
	var b strings.Builder
	blank, fence := 0, ""
	for _, line := range strings.SplitAfter(s, "\n") {
		bare := strings.TrimRight(line, "\r\n")
		if m := fenceRE.FindStringSubmatch(bare); m != nil && (fence == "" || strings.HasPrefix(m[1], fence)) {
			if fence == "" {
				fence = m[1][:3]
			} else {
				fence = ""
			}
		}
		if fence == "" && strings.TrimSpace(bare) == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		b.WriteString(line)
	}
	return b.String()
}

// edit rewrites one markdown link or image.
func (r *run) edit(d *doc, dest string, image bool) (render.DestinationEdit, bool) {
	href, found, note := r.link(d, dest, image)
	switch {
	case note != "":
		return render.DestinationEdit{Whole: note}, true
	case found && href != dest:
		return render.DestinationEdit{Dest: href}, true
	}
	return render.DestinationEdit{}, false
}

// link resolves one link of page d. href is what it should point at; when
// an image cannot be found, note is the markdown that stands in its place.
func (r *run) link(d *doc, dest string, image bool) (href string, found bool, note string) {
	if fixed, ok := repairURL(dest); ok {
		r.rep.Repaired = append(r.rep.Repaired, importer.Link{Page: d.file, Target: dest, Reason: "a stray character before an absolute URL"})
		return fixed, true, ""
	}
	t, ok := r.resolve(d, dest)
	if !ok {
		if image && importer.IsExternal(dest) {
			r.rep.Problemf(d.file, "the image %s is on another site; the wiki does not load it", dest)
		}
		return dest, false, ""
	}
	switch {
	case t.doc != nil:
		r.rep.LinksRewritten++
		return importer.RelURL(d.file, t.doc.file, t.frag), true, ""
	case t.static != "":
		if f, ok := r.copyStatic(d.site, t.static); ok {
			r.rep.LinksRewritten++
			return importer.RelURL(d.file, f, t.frag), true, ""
		}
	}
	name := missingName(dest)
	if image {
		r.rep.Missing = append(r.rep.Missing, importer.Attachment{Page: d.file, Name: name, Original: t.orig})
		n := "*[Note: the image “" + escapeLabel(name) + "” is not in the source, so it was not imported."
		if t.orig != "" {
			n += " [Its old address](<" + t.orig + ">)"
		}
		return "", false, n + "]*"
	}
	if ext := strings.ToLower(path.Ext(name)); ext == "" || ext == ".html" || ext == ".htm" {
		r.rep.Unresolved = append(r.rep.Unresolved, importer.Link{Page: d.file, Target: dest, Reason: "no such page in the site"})
	} else {
		r.rep.Missing = append(r.rep.Missing, importer.Attachment{Page: d.file, Name: name, Original: t.orig})
	}
	if t.orig != "" {
		return t.orig, true, ""
	}
	return dest, false, ""
}

func missingName(dest string) string {
	u, err := url.Parse(dest)
	if err != nil {
		return path.Base(dest)
	}
	if n, err := url.PathUnescape(path.Base(u.EscapedPath())); err == nil {
		return n
	}
	return path.Base(u.Path)
}

// htmlBlock converts one kramdown HTML block to markdown through the same
// converter the Confluence importer uses, with its links and images
// resolved like the page's markdown ones; parts marked markdown="1" are
// read as markdown.
func (r *run) htmlBlock(d *doc, src string, depth int) (string, error) {
	body := importer.ParseHTML(src)
	inner := map[string]string{}
	for i, el := range importer.FindAll(body, func(n *xhtml.Node) bool {
		m := importer.Attr(n, "markdown")
		return m == "1" || m == "block" || m == "span"
	}) {
		if !attachedTo(el, body) {
			continue
		}
		md, err := r.markdown(d, dedent(html.UnescapeString(innerHTML(el))), depth+1)
		if err != nil {
			return "", err
		}
		token := fmt.Sprintf("GITWIKIMD%dX%dZ", depth, i)
		inner[token] = md
		importer.Replace(el, importer.Elem("div", nil, importer.TextNode(token)))
	}
	importer.FlattenTables(body)
	r.domLinks(d, body)
	importer.Tidy(body)
	out, err := r.conv.Markdown(body, d.file)
	if err != nil {
		return "", err
	}
	for token, md := range inner {
		out = strings.Replace(out, token, md, 1)
	}
	return out, nil
}

func attachedTo(n, root *xhtml.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == root {
			return true
		}
	}
	return false
}

func innerHTML(n *xhtml.Node) string {
	var b bytes.Buffer
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		_ = xhtml.Render(&b, c)
	}
	return b.String()
}

// dedent removes the indentation every non-blank line shares, so markdown
// indented inside its HTML block is not read as code.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " \t"))
		if common < 0 || n < common {
			common = n
		}
	}
	if common <= 0 {
		return s
	}
	for i, l := range lines {
		if len(l) >= common {
			lines[i] = l[common:]
		} else {
			lines[i] = strings.TrimLeft(l, " \t")
		}
	}
	return strings.Join(lines, "\n")
}

// domLinks resolves the links and images of an HTML block.
func (r *run) domLinks(d *doc, body *xhtml.Node) {
	for _, img := range importer.FindAll(body, importer.Tag("img")) {
		src := importer.Attr(img, "src")
		if src == "" || strings.HasPrefix(src, "data:") {
			continue
		}
		t, ok := r.resolve(d, src)
		switch {
		case !ok && importer.IsExternal(src):
			importer.ExternalImage(img, src)
			r.rep.Problemf(d.file, "the image %s is on another site: it became a link, since the wiki loads nothing from elsewhere", src)
		case !ok:
		case t.doc == nil && t.static != "":
			if f, ok := r.copyStatic(d.site, t.static); ok {
				importer.SetAttr(img, "src", importer.RelURL(d.file, f, ""))
				r.rep.LinksRewritten++
				continue
			}
			fallthrough
		default:
			name := missingName(src)
			r.rep.Missing = append(r.rep.Missing, importer.Attachment{Page: d.file, Name: name, Original: t.orig})
			importer.PlaceNote(img, "the image “"+name+"” is not in the source, so it was not imported.", "Its old address", t.orig)
		}
	}
	for _, a := range importer.FindAll(body, importer.Tag("a")) {
		href := importer.Attr(a, "href")
		if href == "" || importer.InNote(a) {
			continue
		}
		if to, found, _ := r.link(d, href, false); found {
			importer.SetAttr(a, "href", to)
		}
	}
}
