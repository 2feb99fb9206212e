// Package confluence imports a Confluence space: a real HTML space export
// (index.html, one HTML file per page, attachments/<pageid>/..., breadcrumbs
// and #main-content), as a folder or its zip, or a backup of page bodies
// kept inside Jekyll-style front matter (the orgsec.community backup).
//
// Every page becomes a markdown file named from its title, in the folder
// tree the page parents give; old /display/KEY/Title URLs and page-id URLs
// become aliases; links, images and attachments are rewritten; macros become
// the wiki's own features or a visible note.
package confluence

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/gitwiki/gitwiki/internal/importer"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Options choose where the space goes.
type Options struct {
	// Into is the folder of the wiki the space is written into; "" is the
	// content root, where the space's home page becomes index.md.
	Into string
}

// space is the whole import: the pages and what links between them.
type space struct {
	src  *importer.Source
	rep  *importer.Report
	conv *importer.Converter
	into string

	key, name, base string // space key and name, and the site's address without a trailing "/"

	pages   []*page
	byTitle map[string]*page
	byID    map[string]*page
	byFile  map[string]*page
	home    *page

	names     *importer.Names
	copied    map[string]string // source attachment → file written
	files     []importer.File
	final     bool            // the second conversion pass, which reports
	used      map[string]bool // attachments the page being converted links
	idByTitle map[string]string
	render    *render.Renderer
}

// page is one Confluence page.
type page struct {
	src      string // source file
	id       string
	title    string
	rawTitle string // as the source wrote it: Confluence URLs keep double spaces ("++")
	date     string
	raw      string // the body's HTML
	parentOf string // export: the source file of the parent page
	parent   *page
	children []*page
	order    int               // position among its siblings in the space's page tree, from 1
	attach   map[string]string // export: attachment source path → its name
	file     string            // the markdown file written
	toc      bool
	ids      []string          // Confluence heading ids in order
	anchors  map[string]string // Confluence heading id → the wiki's
	headings map[string]string // heading text folded → the wiki's id
}

// Import reads a space and returns the pages and attachments to commit.
func Import(src *importer.Source, opts Options) (*importer.Result, error) {
	into, err := cleanInto(opts.Into)
	if err != nil {
		return nil, err
	}
	s := &space{
		src: src, into: into, conv: importer.NewConverter(),
		rep:     &importer.Report{Kind: "confluence", Source: src.Name},
		byTitle: map[string]*page{}, byID: map[string]*page{}, byFile: map[string]*page{},
		copied: map[string]string{},
	}
	for _, p := range src.Problems {
		s.rep.Problemf("", "%s", p)
	}
	switch {
	case s.isExport():
		err = s.loadExport()
	default:
		err = s.loadBackup()
	}
	if err != nil {
		return nil, err
	}
	if len(s.pages) == 0 {
		return nil, fmt.Errorf("%w: %s holds no Confluence pages (expected a space export with index.html and pages with #main-content, or Markdown files with Confluence page bodies)", importer.ErrSource, src.Name)
	}
	s.index()
	s.tree()
	s.place()
	return s.convertAll()
}

func cleanInto(into string) (string, error) {
	into = strings.Trim(into, "/")
	if into == "" {
		return "", nil
	}
	c, err := wikipath.CleanFile(into)
	if err != nil {
		return "", fmt.Errorf("%w: --into %q: %v", importer.ErrSource, into, err)
	}
	return c, nil
}

// titleKey folds a title for lookups: Confluence titles are unique within a
// space regardless of case.
func titleKey(t string) string { return strings.ToLower(importer.CleanTitle(t)) }

// index fills the lookups, and takes the space's home: the page titled as
// the space, or the one root of the page tree when it has children.
func (s *space) index() {
	sort.SliceStable(s.pages, func(i, j int) bool { return s.pages[i].src < s.pages[j].src })
	for _, p := range s.pages {
		if _, dup := s.byTitle[titleKey(p.title)]; !dup {
			s.byTitle[titleKey(p.title)] = p
		}
		if p.id != "" {
			s.byID[p.id] = p
		}
		s.byFile[p.src] = p
		s.byFile[path.Base(p.src)] = p
	}
	if s.name != "" {
		s.home = s.byTitle[titleKey(s.name)]
	}
}

// tree links pages to their parents and orders siblings.
func (s *space) tree() {
	for _, p := range s.pages {
		if q := s.byFile[p.parentOf]; q != nil && q != p {
			p.parent = q
			q.children = append(q.children, p)
		}
	}
	var roots []*page
	for _, p := range s.pages {
		if p.parent == nil {
			roots = append(roots, p)
		}
	}
	if s.home == nil && len(roots) == 1 && len(roots[0].children) > 0 {
		s.home = roots[0]
	}
	for _, p := range s.pages {
		sortPages(p.children)
	}
}

func sortPages(ps []*page) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if (a.order > 0) != (b.order > 0) {
			return a.order > 0
		}
		if a.order != b.order {
			return a.order < b.order
		}
		if titleKey(a.title) != titleKey(b.title) {
			return titleKey(a.title) < titleKey(b.title)
		}
		return a.src < b.src
	})
}

// place gives every page its file: the home is the folder's index.md, a
// page with children is index.md of a folder named after it, any other
// page is its slug .md. Names that slug alike get a suffix, reported.
func (s *space) place() {
	s.names = importer.NewNames()
	var walk func(ps []*page, dir string)
	walk = func(ps []*page, dir string) {
		sortPages(ps)
		for _, p := range ps {
			if p == s.home {
				continue
			}
			want := path.Join(dir, importer.Slug(p.title))
			stem := s.names.Claim(want)
			if stem != want {
				s.rep.Renamed = append(s.rep.Renamed, importer.Rename{Title: p.title, Path: stem})
			}
			if len(p.children) > 0 {
				p.file = stem + "/index.md"
				walk(p.children, stem)
			} else {
				p.file = stem + ".md"
			}
		}
	}
	var top []*page
	for _, p := range s.pages {
		if p.parent == nil {
			top = append(top, p)
		}
	}
	if s.home != nil {
		s.home.file = path.Join(s.into, "index.md")
		s.names.Claim(path.Join(s.into, "index"))
		top = append(top, s.home.children...)
		for _, c := range s.home.children {
			c.parent = nil
		}
	}
	walk(top, s.into)
}

// convertAll converts every page twice: the first pass learns the ids the
// wiki gives each heading, the second rewrites links to them and reports.
func (s *space) convertAll() (*importer.Result, error) {
	for _, p := range s.pages {
		md, err := s.convert(p)
		if err != nil {
			return nil, err
		}
		s.learnAnchors(p, md)
	}
	s.final = true
	res := &importer.Result{Report: s.rep}
	for _, p := range s.pages {
		md, err := s.convert(p)
		if err != nil {
			return nil, err
		}
		res.Pages = append(res.Pages, &importer.Page{Path: p.file, Front: s.frontMatter(p), Body: md})
	}
	res.Files = s.files
	if s.into == "" && (s.name != "" || s.home != nil) {
		res.Settings = &importer.Settings{Title: s.name}
		if s.name == "" {
			res.Settings.Title = s.home.title
		}
	}
	if err := res.Finish(); err != nil {
		return nil, err
	}
	return res, nil
}

// frontMatter: title, date, weight, the old addresses as aliases, and toc
// when the page had a table of contents macro.
func (s *space) frontMatter(p *page) importer.FrontMatter {
	var fm importer.FrontMatter
	fm.Set("title", p.title)
	fm.Set("date", p.date)
	if p.order > 0 && p != s.home {
		fm.Set("weight", p.order)
	}
	fm.Set("aliases", s.aliases(p))
	fm.Set("toc", p.toc)
	return fm
}

// aliases are the URLs the page had on the Confluence site, path only, in
// the form the server sees them (unescaped): /display/KEY/Title+With+Plus,
// /display/KEY for the home page, and /pages/ID for the page-id URLs, since
// /pages/viewpage.action?pageId=ID carries its id in the query string,
// which neither the server's alias lookup nor a static export can see.
func (s *space) aliases(p *page) []string {
	var out []string
	add := func(a string) {
		if _, err := wikipath.Parse(a); err != nil {
			s.problem(p, "the old address %s cannot be kept as an alias: %v", a, err)
			return
		}
		out = append(out, a)
	}
	if s.key != "" {
		if p == s.home {
			add("/display/" + s.key)
		}
		seen := map[string]bool{}
		for _, t := range []string{p.rawTitle, p.title} {
			if a := "/display/" + s.key + "/" + strings.ReplaceAll(strings.TrimSpace(t), " ", "+"); displayable(t) && !seen[a] {
				seen[a] = true
				add(a)
			}
		}
	}
	if p.id != "" {
		add("/pages/" + p.id)
	}
	return out
}

// displayable: Confluence serves a title under /display/ only when it holds
// nothing a path cannot (it falls back to a page-id URL otherwise).
func displayable(t string) bool {
	t = strings.TrimSpace(t)
	return t != "" && !strings.ContainsAny(t, "/?#%\\\n\t") && !strings.HasPrefix(t, ".")
}

func (s *space) problem(p *page, format string, a ...any) {
	if s.final {
		s.rep.Problemf(p.file, format, a...)
	}
}

// idOf reads a page id from an export file name: "Title_123.html" or "123.html".
func idOf(file string) string {
	b := strings.TrimSuffix(path.Base(file), ".html")
	if i := strings.LastIndexByte(b, '_'); i >= 0 {
		b = b[i+1:]
	}
	if _, err := strconv.ParseUint(b, 10, 64); err != nil {
		return ""
	}
	return b
}
