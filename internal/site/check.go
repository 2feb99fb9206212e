package site

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gitwiki/gitwiki/internal/i18n"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/render/heading"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Severity says whether a finding breaks the wiki (an error: gitwiki check
// exits 1) or only deserves a look (a warning).
type Severity int

const (
	Warning Severity = iota + 1
	Error
)

// Finding is one thing gitwiki check, /-/check and a page's maintainers are
// told about a file. Kind sorts those about languages and translations,
// where Value is the front-matter value at fault and Lang the language
// concerned, so a translated interface can word them anew.
type Finding struct {
	Kind     FindingKind // 0 for the link and page report
	Severity Severity    // 0 is a warning
	Page     wikipath.Page
	File     string // content-root relative; for a wanted page, the file it would be; for FindingMissing, the source's
	Line     int    // 0 when it concerns the whole file
	Lang     string
	Value    string
	Message  string // in English
	// Key and Args say Message in the catalog's words (see findings).
	Key  string
	Args []any
}

// IsError reports whether the finding breaks the wiki.
func (f Finding) IsError() bool { return f.Severity == Error }

// String is the "file:line: message" line of gitwiki check; warnings say so.
func (f Finding) String() string {
	loc := f.File
	if f.Line > 0 {
		loc += ":" + strconv.Itoa(f.Line)
	}
	if !f.IsError() {
		return loc + ": warning: " + f.Message
	}
	return loc + ": " + f.Message
}

// Check reports what is wrong with the wiki at this commit: settings and
// front matter that do not parse, links to pages, headings and files that
// do not exist, aliases that collide (errors); pages nobody links to, wanted
// pages, pages without a title, content that would load from other hosts,
// unknown languages, outdated and missing translations (warnings). Errors
// come first, then warnings, each by file and line.
func (s *Site) Check(ctx context.Context) ([]Finding, error) {
	// A Site is one commit: its report is made once.
	s.report.once.Do(func() { s.report.findings, s.report.err = s.check(context.WithoutCancel(ctx)) })
	return s.report.findings, s.report.err
}

// report is a Site's check report, made on first use.
type report struct {
	once     sync.Once
	findings []Finding
	err      error
}

func (s *Site) check(ctx context.Context) ([]Finding, error) {
	c := &checker{st: s, wanted: map[wikipath.Page][]string{}, inbound: map[wikipath.Page]int{}}
	for _, p := range s.Problems {
		c.add(SettingsFile, 0, Error, "settings", "Problem", strings.TrimPrefix(p, SettingsFile+": "))
	}
	for _, p := range s.sorted {
		if strings.HasPrefix(string(p.Name), TemplatesDir+"/") {
			continue // templates hold placeholder links
		}
		for _, w := range p.Summary.Warnings {
			c.add(p.File, 0, Error, "render", "Warning", w)
		}
		c.links(p)
	}
	if err := c.rendered(ctx); err != nil {
		return nil, err
	}
	c.aliases()
	c.pages()
	if err := c.catalogs(ctx); err != nil {
		return nil, err
	}
	// Languages and translations: unknown tags, translationOf that names no
	// usable commit, outdated and missing translations. All warnings.
	c.out = append(c.out, s.LanguageFindings()...)
	tr, err := s.TranslationReport(ctx)
	if err != nil {
		return nil, err
	}
	for _, f := range tr.Warnings() {
		if f.Kind != FindingLang && f.Kind != FindingDuplicate {
			c.out = append(c.out, f)
		}
	}
	sort.SliceStable(c.out, func(i, j int) bool {
		a, b := c.out[i], c.out[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return c.out, nil
}

// catalogs checks the interface catalogs of _i18n/: one that does not
// parse is left out of the interface, so it is an error to fix.
func (c *checker) catalogs(ctx context.Context) error {
	files, err := c.st.CatalogFiles(ctx)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		err := i18n.CheckFile(n, files[n])
		var fe *i18n.FileError
		switch {
		case errors.As(err, &fe):
			c.add(n, fe.Line, Error, "catalog", "Error", strings.TrimPrefix(fe.Error(), fmt.Sprintf("%v: %s:%d:%d: ", i18n.ErrCatalog, n, fe.Line, fe.Column)))
		case err != nil:
			c.add(n, 0, Error, "catalog", "Error", strings.TrimPrefix(err.Error(), i18n.ErrCatalog.Error()+": "))
		}
	}
	return nil
}

type checker struct {
	st      *Site
	mu      sync.Mutex
	out     []Finding
	wanted  map[wikipath.Page][]string // missing page → files that link to it
	inbound map[wikipath.Page]int      // page → links from other pages, hidden ones included
}

func (c *checker) add(file string, line int, sev Severity, key string, args ...any) {
	c.addCount(file, line, sev, key, -1, args...)
}

// addCount adds a finding whose sentence has a plural form chosen by count.
func (c *checker) addCount(file string, line int, sev Severity, key string, count int, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.out = append(c.out, Finding{File: file, Line: line, Severity: sev}.with(key, count, args...))
}

// links checks a page's links to pages and to their headings.
func (c *checker) links(p *Page) {
	for _, l := range p.Summary.Links {
		shown := l.Target
		if l.Kind == render.LinkWiki {
			shown = "[[" + shown + "]]"
		}
		t, ok := render.ResolveLink(c.st, p.Name, p.File, l)
		switch {
		case !ok && t == "":
			c.add(p.File, l.Line, Error, "link_bad_name", "Link", shown)
		case !ok:
			c.add(p.File, l.Line, Error, "link_missing", "Link", shown)
			if !contains(c.wanted[t], p.File) {
				c.wanted[t] = append(c.wanted[t], p.File)
			}
		default:
			if t != p.Name {
				c.inbound[t]++
			}
			if l.Fragment != "" && !c.hasAnchor(t, l) {
				c.add(p.File, l.Line, Error, "link_no_heading", "Link", strings.Trim(shown, "[]"), "Fragment", l.Fragment)
			}
		}
	}
}

// hasAnchor reports whether page t has the heading a link names. A wiki
// link names it as people write it ("Install steps"), a markdown link by
// its id ("install-steps"), possibly escaped.
func (c *checker) hasAnchor(t wikipath.Page, l render.Link) bool {
	tp, ok := c.st.Page(t)
	if !ok {
		return true
	}
	want := []string{l.Fragment, heading.Slug(l.Fragment)}
	if u, err := url.PathUnescape(l.Fragment); err == nil {
		want = append(want, u)
	}
	for _, a := range tp.Summary.Anchors {
		if contains(want, a) {
			return true
		}
	}
	return false
}

// rendered renders every page once to find links to files that do not
// exist and loads from other hosts; only rendering resolves those.
func (c *checker) rendered(ctx context.Context) error {
	for _, p := range c.st.sorted {
		if strings.HasPrefix(string(p.Name), TemplatesDir+"/") {
			continue
		}
		src, err := c.st.Source(ctx, p)
		if err != nil {
			return fmt.Errorf("read %s: %w", p.File, err)
		}
		urls := &fileRecorder{st: c.st}
		doc := c.st.loader.renderer.Render(src, render.Context{Page: p.Name, File: p.File, Resolver: c.st, URLs: urls})
		for _, f := range urls.missing {
			c.add(p.File, 0, Error, "file_missing", "File", f)
		}
		if hosts := render.RemoteHosts(doc.HTML); len(hosts) > 0 {
			c.add(p.File, 0, Warning, "offsite", "Hosts", strings.Join(hosts, ", "))
		}
	}
	return nil
}

// fileRecorder notes the attachments a rendered page names that do not exist.
type fileRecorder struct {
	render.ServerURLs
	st      *Site
	missing []string
}

func (u *fileRecorder) File(p string) string {
	if !u.st.files.has(p) && !contains(u.missing, p) && !u.st.IsFolder(wikipath.Page(p)) {
		if !u.st.pages.has(wikipath.Page(p)) {
			u.missing = append(u.missing, p)
		}
	}
	return u.ServerURLs.File(p)
}

// aliases reports aliases that name an existing page or another page's alias.
func (c *checker) aliases() {
	owner := map[string]*Page{}
	for _, p := range c.st.sorted {
		if p.Hidden {
			continue
		}
		for _, a := range p.FrontMatter().Aliases {
			clean, err := wikipath.Parse(strings.TrimSuffix(strings.TrimSuffix(a, "/"), ".md"))
			switch {
			case err != nil || clean == "":
				c.add(p.File, 0, Error, "alias_bad", "Alias", a)
				continue
			case c.st.Exists(clean):
				c.add(p.File, 0, Error, "alias_page", "Alias", a)
				continue
			}
			if o, taken := owner[string(clean)]; taken && o != p {
				c.add(p.File, 0, Error, "alias_twice", "Alias", a, "File", o.File)
				continue
			}
			owner[string(clean)] = p
		}
	}
}

// pages reports, per page, what only deserves a look: nobody links to it,
// it has no title; and the pages other pages want.
func (c *checker) pages() {
	for _, p := range c.st.sorted {
		if p.Hidden || p.Name == wikipath.Root {
			continue
		}
		if p.Summary.Untitled {
			c.add(p.File, 0, Warning, "no_title", "Title", p.Title)
		}
		if c.inbound[p.Name] == 0 && !c.st.IsFolder(p.Name) {
			c.add(p.File, 0, Warning, "orphan")
		}
	}
	for t, from := range c.wanted {
		sort.Strings(from)
		c.addCount(string(t)+".md", 0, Warning, "wanted", len(from), "From", strings.Join(from, ", "))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
