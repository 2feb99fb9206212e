package importer

import (
	"bytes"
	"net/url"
	"path"
	"strings"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/strikethrough"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/table"
	"golang.org/x/net/html"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Converter turns imported HTML into markdown with html-to-markdown: GFM
// tables where a table fits one, and the table kept as (sanitized) HTML
// where it does not, such as cells holding lists or several paragraphs.
// It is not safe for concurrent use.
type Converter struct {
	conv *converter.Converter
	file string // the page being converted, for links inside kept tables
}

// NewConverter builds the one conversion pipeline of the importers.
func NewConverter() *Converter {
	c := &Converter{}
	c.conv = converter.NewConverter(converter.WithPlugins(
		base.NewBasePlugin(),
		commonmark.NewCommonmarkPlugin(commonmark.WithListEndComment(false), commonmark.WithHorizontalRule("---")),
		strikethrough.NewStrikethroughPlugin(),
		table.NewTablePlugin(
			table.WithHeaderPromotion(true),
			table.WithSkipEmptyRows(true),
			table.WithCellPaddingBehavior(table.CellPaddingBehaviorMinimal),
			table.WithSpanCellBehavior(table.SpanBehaviorEmpty),
		),
	))
	// After the table plugin: it answers "try next" for tables markdown
	// cannot hold.
	c.conv.Register.RendererFor("table", converter.TagTypeBlock, c.renderTable, converter.PriorityLate)
	return c
}

// Markdown converts body, which Tidy has cleaned and whose links point at
// their targets already. file is the page's path from the content root:
// links inside a table kept as HTML are made root-absolute from it, because
// the server resolves a raw link against the page's URL and the export
// against the page's folder, and only a root-absolute one means the same to
// both.
func (c *Converter) Markdown(body *html.Node, file string) (string, error) {
	c.file = file
	out, err := c.conv.ConvertNode(body)
	if err != nil {
		return "", err
	}
	s := strings.TrimSpace(string(out))
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return s, nil
}

func (c *Converter) renderTable(_ converter.Context, w converter.Writer, n *html.Node) converter.RenderStatus {
	rawTable(n, path.Dir(c.file))
	var b bytes.Buffer
	if err := html.Render(&b, n); err != nil {
		return converter.RenderTryNext
	}
	w.WriteString("\n\n")
	w.Write(b.Bytes())
	w.WriteString("\n\n")
	return converter.RenderSuccess
}

// rawTable readies a table for a markdown HTML block: only structural
// attributes, links made root-absolute, and no blank line inside, since a
// blank line ends an HTML block.
func rawTable(t *html.Node, dir string) {
	if dir == "." {
		dir = ""
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				c.Data = collapseSpace(c.Data)
			case html.ElementNode:
				KeepAttrs(c, "href", "src", "alt", "title", "colspan", "rowspan")
				for _, k := range []string{"href", "src"} {
					if v := Attr(c, k); v != "" {
						SetAttr(c, k, rootURL(dir, v))
					}
				}
				walk(c)
			}
		}
	}
	KeepAttrs(t, nil...)
	walk(t)
	for _, tr := range FindAll(t, Tag("tr")) {
		tr.Parent.InsertBefore(TextNode("\n"), tr)
	}
	t.AppendChild(TextNode("\n"))
}

func collapseSpace(s string) string {
	if !strings.ContainsAny(s, "\n\r\t") {
		return s
	}
	f := strings.Fields(s)
	out := strings.Join(f, " ")
	if len(f) > 0 {
		if s[0] == ' ' || s[0] == '\n' || s[0] == '\t' || s[0] == '\r' {
			out = " " + out
		}
		if e := s[len(s)-1]; e == ' ' || e == '\n' || e == '\t' || e == '\r' {
			out += " "
		}
	} else if s != "" {
		out = " "
	}
	return out
}

// rootURL turns a relative link (from dir) into one from the content root;
// absolute URLs, fragments and paths that leave the wiki are kept.
func rootURL(dir, href string) string {
	if href == "" || href[0] == '#' || href[0] == '/' || strings.Contains(href, ":") {
		return href
	}
	p, frag, _ := strings.Cut(href, "#")
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	joined, err := wikipath.Join(dir, p)
	if err != nil {
		return href
	}
	out := "/" + wikipath.EscapePath(joined)
	if frag != "" {
		out += "#" + frag
	}
	return out
}

// RelURL is the link from the page file "from" to the content file "to",
// relative and escaped, with an optional fragment: what markdown links in
// imported pages use, so a wiki moved into a folder keeps working.
func RelURL(from, to, frag string) string {
	fromDir := strings.Split(path.Dir(from), "/")
	if path.Dir(from) == "." {
		fromDir = nil
	}
	toSegs := strings.Split(to, "/")
	i := 0
	for i < len(fromDir) && i < len(toSegs)-1 && fromDir[i] == toSegs[i] {
		i++
	}
	var segs []string
	for range fromDir[i:] {
		segs = append(segs, "..")
	}
	segs = append(segs, toSegs[i:]...)
	out := wikipath.EscapePath(strings.Join(segs, "/"))
	if frag != "" {
		out += "#" + frag
	}
	return out
}
