// Package render turns a page's markdown into sanitized HTML, and reads what
// the rest of the wiki needs from it (title, front matter, links, text). It
// is the only importer of goldmark and bluemonday.
package render

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"html/template"
	"path"
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/render/dashes"
	"github.com/gitwiki/gitwiki/internal/render/guard"
	"github.com/gitwiki/gitwiki/internal/render/heading"
	"github.com/gitwiki/gitwiki/internal/render/highlight"
	"github.com/gitwiki/gitwiki/internal/render/tasklabel"
	"github.com/gitwiki/gitwiki/internal/render/wikilink"
	"github.com/gitwiki/gitwiki/internal/wikipath"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
)

// DefaultCacheBytes bounds each of the document and summary caches when
// Config leaves CacheBytes at 0: about a thousand ordinary pages.
const DefaultCacheBytes = 32 << 20

// Config chooses how a Renderer behaves.
type Config struct {
	// CacheBytes bounds each of the document and summary caches by the
	// bytes their entries hold; 0 means DefaultCacheBytes.
	CacheBytes int64
	// CacheEntries bounds them by entries too; 0 is no bound but the bytes.
	CacheEntries int
	// UntrustedWorkers bounds the RenderUntrusted calls rendering at once;
	// 0 means runtime.GOMAXPROCS(0).
	UntrustedWorkers int
	// UntrustedQueue bounds the RenderUntrusted calls waiting for a worker;
	// past it they fail at once with ErrBusy. 0 means 4 per worker, and a
	// negative value lets none wait.
	UntrustedQueue int
	// UntrustedTimeout bounds one RenderUntrusted call, waiting included;
	// 0 means DefaultUntrustedTimeout.
	UntrustedTimeout time.Duration
	// KeepParses is for a batch that summarizes every page and then
	// renders each once (a build, a check): Summarize keeps its parse, and
	// Render of the same file and source takes it instead of parsing
	// again. Up to KeepBytes of sources (0: DefaultKeepBytes) are kept;
	// past that, Render parses as usual. A server leaves it off: it
	// renders a page long after the read model summarized it, if ever.
	KeepParses bool
	KeepBytes  int64
}

// Renderer is safe for concurrent use: the markdown pipeline and the
// sanitizer policy are built once in New and only read afterwards.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	docs   *lru[*Document]
	sums   *lru[*Summary]
	pool   *pool
	kept   *kept // nil unless Config.KeepParses
}

// New builds the markdown pipeline and the sanitizer policy.
func New(cfg Config) *Renderer {
	n, bytes := max(cfg.CacheEntries, 0), cfg.CacheBytes
	if bytes <= 0 {
		bytes = DefaultCacheBytes
	}
	r := &Renderer{
		md:     newMarkdown(true),
		policy: newPolicy(),
		docs:   newLRU(n, bytes, docSize),
		sums:   newLRU(n, bytes, summarySize),
		pool:   newPool(cfg),
	}
	if cfg.KeepParses {
		r.kept = newKept(cfg.KeepBytes)
	}
	return r
}

// newMarkdown builds the pipeline; tests build it unguarded too, to show
// that the guard leaves ordinary pages as they were.
func newMarkdown(guarded bool) goldmark.Markdown {
	extensions := []goldmark.Extender{
		// GFM, with alignment as an attribute: style attributes are sanitized away.
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough,
		extension.Linkify,
		extension.TaskList,
		tasklabel.New(), // each checkbox named by its item's text
		extension.Footnote,
		extension.DefinitionList,
		extension.Typographer,
		dashes.New(), // "--flag" stays as typed
		highlight.New(),
		wikilink.New(),
		heading.New(),
	}
	options := []goldmark.Option{
		// Raw HTML is written as is and made safe by Sanitize, which every
		// output passes through.
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
	}
	if guarded {
		// goldmark's parser with link reference definitions read in
		// bounded chunks; with guard.New, parsing stays linear.
		options = append(options, goldmark.WithParser(guard.NewParser()))
		extensions = append(extensions, guard.New())
	}
	return goldmark.New(append(options, goldmark.WithExtensions(extensions...))...)
}

// parsed is one parse of a page, shared by Render and Summarize.
type parsed struct {
	Summary
	body []byte
	doc  ast.Node
	// omitTitle: the first block is the h1 the theme shows as the title.
	omitTitle bool
}

func (r *Renderer) parse(src []byte, file string, page wikipath.Page) *parsed {
	fm, body, err := ParseFrontMatter(src)
	p := &parsed{Summary: Summary{FrontMatter: fm}, body: body}
	if err != nil {
		p.Warnings = append(p.Warnings, frontMatterWarning(err))
	}
	pc := parser.NewContext(parser.WithIDs(heading.NewIDs()))
	p.doc = r.md.Parser().Parse(text.NewReader(body), parser.WithContext(pc))

	p.Title = fm.Title
	for c := p.doc.FirstChild(); c != nil; c = c.NextSibling() {
		h, ok := c.(*ast.Heading)
		if !ok || h.Level != 1 {
			continue
		}
		h1 := tidyText(heading.AppendText(nil, h, body))
		if h1 == "" {
			break
		}
		first := c == p.doc.FirstChild()
		switch {
		case p.Title == "":
			p.Title, p.omitTitle = h1, first
		case first && strings.EqualFold(h1, p.Title):
			p.omitTitle = true
		}
		break
	}
	if p.Title == "" {
		if fp, ok := wikipath.FromFile(file); ok {
			page = fp
		} else if file != "" {
			page = wikipath.Page(strings.TrimSuffix(file, path.Ext(file)))
		}
		p.Title, p.Untitled = page.Title(), true
	}
	return p
}

// Render renders a page. It never fails: problems become Warnings. Every
// input renders in time linear in its size (see package guard), but for
// text from anyone prefer RenderUntrusted, which also bounds concurrency.
func (r *Renderer) Render(src []byte, rc Context) *Document {
	doc, _ := r.render(context.Background(), src, rc) // no error without a deadline
	return doc
}

// render is Render that gives up between its steps, and between the
// tokens of highlighted code, once ctx is done: then it returns ctx's error
// and no document.
func (r *Renderer) render(ctx context.Context, src []byte, rc Context) (doc *Document, err error) {
	defer func() {
		if v := recover(); v != nil {
			doc, err = r.failed(src, v), nil
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var p *parsed
	if r.kept != nil {
		p = r.kept.take(rc.File, src)
	}
	reused := p != nil
	if reused {
		// Summarize's walk recorded these without resolving; the walk below
		// records them again.
		p.Anchors, p.Links = nil, nil
	} else {
		p = r.parse(src, rc.File, rc.Page)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	urls := rc.URLs
	if urls == nil {
		urls = ServerURLs{}
	}
	k := &linker{ctx: rc, urls: urls, file: rc.File, lines: newLineIndex(src, p.body)}
	var toc []Heading
	_ = ast.Walk(p.doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		k.enter(n, entering, true)
		if !entering {
			return ast.WalkContinue, nil
		}
		if h, ok := n.(*ast.Heading); ok {
			id, _ := h.AttributeString("id")
			idb, _ := id.([]byte)
			p.Anchors = append(p.Anchors, string(idb))
			if h.Level >= 2 && h.Level <= 4 {
				toc = append(toc, Heading{Level: h.Level, ID: string(idb), Text: tidyText(heading.AppendText(nil, h, p.body))})
			}
		}
		return ast.WalkContinue, nil
	})
	p.Links = k.links
	if !reused {
		p.Text = plainText(p.doc, p.body)
	}
	secs := sections(p.doc, p.body)
	for i := range secs {
		secs[i].Start += len(src) - len(p.body)
		secs[i].End += len(src) - len(p.body)
	}
	if p.omitTitle {
		p.doc.RemoveChild(p.doc, p.doc.FirstChild())
	}
	if ctx.Done() != nil {
		highlight.SetStop(p.doc, func() bool { return ctx.Err() != nil })
	}
	var buf bytes.Buffer
	if err := r.md.Renderer().Render(&buf, p.body, p.doc); err != nil {
		p.Warnings = append(p.Warnings, "Part of the page could not be shown: "+err.Error())
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &Document{Summary: p.Summary, HTML: r.Sanitize(buf.String()), TOC: toc, Sections: secs}, nil
}

// failed is the page shown when the pipeline panics: the source as text,
// so nothing is lost and nothing unsafe is shown.
func (r *Renderer) failed(src []byte, v any) *Document {
	return &Document{
		Summary: Summary{
			Title:    "Untitled",
			Warnings: []string{fmt.Sprintf("The page could not be rendered (%v); its source is shown instead.", v)},
			Text:     string(src),
		},
		HTML: template.HTML("<pre>" + html.EscapeString(string(src)) + "</pre>"),
	}
}

// RenderCached is Render with a cache. key must identify everything the
// output depends on (blob id, page, and how URLs are built); "" disables
// caching. The returned Document is shared and must not be modified, and
// it is what a view shows (see forView): no Text, Links, Anchors or
// FrontMatter.Raw, which Summarize gives and the read model keeps.
func (r *Renderer) RenderCached(key string, src []byte, ctx Context) *Document {
	if key == "" {
		return r.Render(src, ctx)
	}
	if d, ok := r.docs.get(key); ok {
		return d
	}
	d := forView(r.Render(src, ctx))
	r.docs.put(key, d)
	return d
}

// forView is what the document cache keeps of d: the HTML, the table of
// contents, and what a page view shows around them (title, front matter,
// warnings, the sections its headings offer to edit). The page's text, links and anchors were a third of each entry,
// and the read model holds them already.
func forView(d *Document) *Document {
	v := &Document{HTML: d.HTML, TOC: d.TOC, Sections: d.Sections}
	v.Title, v.Untitled, v.Warnings = d.Title, d.Untitled, d.Warnings
	v.FrontMatter = d.FrontMatter
	v.FrontMatter.Raw = nil
	return v
}

// entryOverhead is what a cache entry costs besides its strings: the
// structs, the list element and the map slot.
const entryOverhead = 256

// docSize is about the memory a cached document holds.
func docSize(d *Document) int64 {
	n := int64(len(d.HTML)) + summarySize(&d.Summary)
	for _, h := range d.TOC {
		n += int64(len(h.ID)+len(h.Text)) + 48
	}
	for _, sec := range d.Sections {
		n += int64(len(sec.ID)+len(sec.Text)) + 64
	}
	return n
}

// summarySize is about the memory a summary holds.
func summarySize(s *Summary) int64 {
	n := int64(entryOverhead + len(s.Title) + len(s.Text))
	for _, w := range s.Warnings {
		n += int64(len(w)) + 16
	}
	for _, a := range s.Anchors {
		n += int64(len(a)) + 16
	}
	for _, l := range s.Links {
		n += int64(len(l.Target)+len(l.Fragment)) + 64
	}
	fm := &s.FrontMatter
	n += int64(len(fm.Title) + len(fm.Description) + len(fm.Date) + len(fm.Category) + len(fm.Lang) + len(fm.TranslationKey))
	for _, t := range fm.Tags {
		n += int64(len(t)) + 16
	}
	for _, a := range fm.Aliases {
		n += int64(len(a)) + 16
	}
	if fm.Raw != nil {
		n += 1024 // not walked: a summary's are few and short
	}
	return n
}

// Summarize reads what the page index needs without rendering HTML: it is
// run on every page of a commit. file is the page's file, which names the
// page when it has no title. Links are as written, not resolved; see
// ResolveLink.
func (r *Renderer) Summarize(src []byte, file string) (s *Summary) {
	defer func() {
		if v := recover(); v != nil {
			s = &r.failed(src, v).Summary
		}
	}()
	p := r.parse(src, file, wikipath.Root)
	k := &linker{lines: newLineIndex(src, p.body)}
	_ = ast.Walk(p.doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		k.enter(n, entering, false)
		if h, ok := n.(*ast.Heading); ok && entering {
			if id, ok := h.AttributeString("id"); ok {
				if b, ok := id.([]byte); ok {
					p.Anchors = append(p.Anchors, string(b))
				}
			}
		}
		return ast.WalkContinue, nil
	})
	p.Links = k.links
	p.Text = plainText(p.doc, p.body)
	// A copy: a pointer into p would keep the page's whole syntax tree and
	// source alive for as long as the read model holds the summary (on a
	// first start or a build, every page's: hundreds of megabytes). Only a
	// batch keeps them, until it renders the page (Config.KeepParses).
	s = new(Summary)
	*s = p.Summary
	if r.kept != nil {
		r.kept.put(file, src, p)
	}
	return s
}

// SummarizeCached is Summarize with a cache keyed like RenderCached.
func (r *Renderer) SummarizeCached(key string, src []byte, file string) *Summary {
	if key == "" {
		return r.Summarize(src, file)
	}
	if s, ok := r.sums.get(key); ok {
		return s
	}
	s := r.Summarize(src, file)
	r.sums.put(key, s)
	return s
}
