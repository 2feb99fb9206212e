package render

import (
	"bytes"
	"net/url"
	"path"
	"strings"

	"github.com/gitwiki/gitwiki/internal/render/heading"
	"github.com/gitwiki/gitwiki/internal/render/wikilink"
	"github.com/gitwiki/gitwiki/internal/wikipath"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
)

// ServerURLs are the URLs the server answers to; Render uses them when
// Context.URLs is nil.
type ServerURLs struct{}

func (ServerURLs) Page(p wikipath.Page, fragment string) string {
	if fragment != "" {
		return p.URL() + "#" + fragment
	}
	return p.URL()
}

func (ServerURLs) Create(p wikipath.Page) string { return "/-/edit/" + wikipath.EscapePath(string(p)) }

func (ServerURLs) File(p string) string { return "/" + wikipath.EscapePath(p) }

// ResolveLink finds the page a link from Summary.Links points to, exactly as
// Render does, so backlinks and broken-link reports agree with the pages.
// file is the linking page's file. ok is false when the page does not exist;
// p is then the page a click would create, or "" when the target names no
// possible page. With a nil res every valid target exists.
//
// Wiki targets are normalised with wikipath.Parse and keep their spaces as
// written: [[Page Name]] creates "Page Name.md".
func ResolveLink(res Resolver, from wikipath.Page, file string, l Link) (p wikipath.Page, ok bool) {
	p, exists, valid := resolveLink(res, from, file, l)
	if !valid {
		return "", false
	}
	return p, exists
}

func resolveLink(res Resolver, from wikipath.Page, file string, l Link) (p wikipath.Page, exists, valid bool) {
	switch l.Kind {
	case LinkWiki:
		target := strings.TrimSpace(l.Target)
		if res != nil {
			if p, ok := res.FindWiki(from, target); ok {
				return p, true, true
			}
		}
		p, err := wikipath.Parse(target)
		if err != nil {
			return "", false, false
		}
		return p, res == nil, true
	case LinkMarkdown:
		joined, err := wikipath.Join(fileDir(from, file), l.Target)
		if err != nil {
			return "", false, false
		}
		p, ok := wikipath.FromFile(joined)
		if !ok {
			return "", false, false
		}
		return p, res == nil || res.Exists(p), true
	}
	return "", false, false
}

// fileDir is the folder relative links start from.
func fileDir(p wikipath.Page, file string) string {
	if file == "" {
		file = p.Files()[0]
	}
	if d := path.Dir(file); d != "." {
		return d
	}
	return ""
}

// relativeRef splits a link destination that points into the wiki. ok is
// false for fragments, absolute URLs and anything with a scheme: a ':'
// before the first '/' makes a scheme, as it does for a browser.
func relativeRef(dest string) (p, query, fragment string, ok bool) {
	if dest == "" || dest[0] == '#' || strings.HasPrefix(dest, "//") || hasScheme(dest) {
		return "", "", "", false
	}
	p, fragment, _ = strings.Cut(dest, "#")
	p, query, _ = strings.Cut(p, "?")
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	return p, query, fragment, p != ""
}

func hasScheme(s string) bool {
	i := strings.IndexAny(s, ":/?#")
	return i > 0 && s[i] == ':'
}

// safeURL keeps a URL built from a page name from being read as a scheme: a
// relative "javascript:x/" from the static export becomes "./javascript:x/".
func safeURL(u string) string {
	if hasScheme(u) {
		scheme := strings.ToLower(u[:strings.IndexByte(u, ':')])
		if scheme != "http" && scheme != "https" {
			return "./" + u
		}
	}
	return u
}

// linker resolves the links of one document in place and records them.
type linker struct {
	ctx   Context
	urls  URLs
	file  string
	links []Link
	seen  map[Link]bool
	// lines finds the source line of a node; nil leaves Link.Line 0.
	lines *lineIndex
	// inLink counts the links the walk is inside of; see enter.
	inLink int
}

// enter is the walk's callback: it keeps inLink, so a wikilink inside a
// link is known without climbing its ancestors (which was quadratic in
// wikilinks nested deep in emphasis), and visits each node on entering.
func (k *linker) enter(n ast.Node, entering, resolve bool) {
	if _, ok := n.(*ast.Link); ok {
		if !entering {
			k.inLink--
			return
		}
		defer func() { k.inLink++ }()
	}
	if entering {
		k.visit(n, resolve)
	}
}

func (k *linker) add(l Link) {
	if k.seen[l] {
		return
	}
	if k.seen == nil {
		k.seen = map[Link]bool{}
	}
	k.seen[l] = true
	k.links = append(k.links, l)
}

// visit handles one node. With resolve false it only records links, which
// is all Summarize needs.
func (k *linker) visit(n ast.Node, resolve bool) {
	switch n := n.(type) {
	case *wikilink.Node:
		target, frag := string(n.Target), string(n.Fragment)
		if target == "" {
			if resolve {
				n.Destination = []byte("#" + heading.Slug(frag))
			}
			return
		}
		l := Link{Kind: LinkWiki, Target: target, Fragment: frag, Line: k.lines.of(n)}
		k.add(l)
		if !resolve || k.inLink > 0 { // a link inside a link is shown as text: HTML cannot nest them
			return
		}
		p, exists, valid := resolveLink(k.ctx.Resolver, k.ctx.Page, k.file, l)
		switch {
		case !valid:
		case exists:
			n.Destination = []byte(safeURL(k.urls.Page(p, heading.Slug(frag))))
			n.Class = []byte("wikilink")
		default:
			n.Destination = []byte(safeURL(k.urls.Create(p)))
			n.Class = []byte("missing")
		}
	case *ast.AutoLink:
		// It shows its own address, so print adds none. Only web links: the
		// sanitizer drops other schemes, and a bare <a class> with them.
		if resolve && k.lines != nil {
			u := strings.ToLower(string(n.URL(k.lines.src[k.lines.bodyStart:])))
			if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
				n.SetAttributeString("class", []byte("url"))
			}
		}
	case *ast.Link:
		p, query, frag, ok := relativeRef(destination(n.Destination))
		if !ok {
			return
		}
		if strings.HasSuffix(p, ".md") {
			l := Link{Kind: LinkMarkdown, Target: p, Fragment: frag, Line: k.lines.of(n)}
			k.add(l)
			if !resolve {
				return
			}
			page, exists, valid := resolveLink(k.ctx.Resolver, k.ctx.Page, k.file, l)
			switch {
			case !valid:
				n.SetAttributeString("class", []byte("missing"))
			case exists:
				n.Destination = linkDestination(k.urls.Page(page, frag))
			default:
				n.Destination = linkDestination(k.urls.Create(page))
				n.SetAttributeString("class", []byte("missing"))
			}
			return
		}
		if resolve {
			n.Destination = k.fileURL(p, query, frag, n.Destination)
		}
	case *ast.Image:
		if !resolve {
			return
		}
		if p, query, frag, ok := relativeRef(destination(n.Destination)); ok {
			n.Destination = k.fileURL(p, query, frag, n.Destination)
		}
	}
}

// fileURL points a relative link at an attachment. A path that climbs out
// of the wiki is left as written, visibly broken.
func (k *linker) fileURL(p, query, frag string, dest []byte) []byte {
	joined, err := wikipath.Join(fileDir(k.ctx.Page, k.file), p)
	if err != nil || joined == "" {
		return dest
	}
	u := k.urls.File(joined)
	if query != "" {
		u += "?" + query
	}
	if frag != "" {
		u += "#" + frag
	}
	return linkDestination(u)
}

// destination is a link destination as goldmark will write it: goldmark
// keeps the source text and resolves escapes and entities when rendering.
func destination(raw []byte) string {
	return string(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(raw))))
}

// linkDestination turns a URL into a goldmark destination, protecting any
// '&' from the entity resolution goldmark applies when rendering.
func linkDestination(u string) []byte {
	return []byte(strings.ReplaceAll(safeURL(u), "&", "&amp;"))
}

// lineIndex maps positions in a page's body to lines of its source file.
type lineIndex struct {
	src       []byte
	bodyStart int // the body is a suffix of src, after the front matter
}

func newLineIndex(src, body []byte) *lineIndex {
	return &lineIndex{src: src, bodyStart: len(src) - len(body)}
}

// of is the line n starts on: its first text, the text before it, or its
// block's first line. 0 when unknown.
func (x *lineIndex) of(n ast.Node) int {
	if x == nil {
		return 0
	}
	off := -1
	switch {
	case n.FirstChild() != nil && n.FirstChild().Kind() == ast.KindText:
		off = n.FirstChild().(*ast.Text).Segment.Start
	case n.PreviousSibling() != nil && n.PreviousSibling().Kind() == ast.KindText:
		off = n.PreviousSibling().(*ast.Text).Segment.Stop
	default:
		for b := n; b != nil; b = b.Parent() {
			if b.Type() == ast.TypeBlock && b.Lines().Len() > 0 {
				off = b.Lines().At(0).Start
				break
			}
		}
	}
	if off < 0 || x.bodyStart+off > len(x.src) {
		return 0
	}
	return 1 + bytes.Count(x.src[:x.bodyStart+off], []byte("\n"))
}
