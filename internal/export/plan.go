package export

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Files at the root of every export.
const (
	indexFile    = "index.html"
	notFoundFile = "404.html"
	feedFile     = "feed.atom"
	sitemapFile  = "sitemap.xml"
	robotsFile   = "robots.txt"
	noJekyllFile = ".nojekyll"
	// MarkerFile marks a directory as a gitwiki export, which a later build
	// may replace. A directory without it is never deleted.
	MarkerFile = ".gitwiki-export"
)

// maxAttachment matches what the server reads into memory to serve a file.
const maxAttachment = 64 << 20

// plan is what one build writes: which pages, folder listings, redirects,
// tag pages and attachments, each claiming its output path once.
type plan struct {
	st    *site.Site
	theme *theme.Theme
	live  string // base URL without the trailing slash, "" without one
	edit  func(live string, p wikipath.Page) string

	pages   map[wikipath.Page]*site.Page // published: not hidden, not drafts
	list    []*site.Page                 // pages, sorted by name
	folders []wikipath.Page              // folders with published pages but no page of their own
	folder  map[wikipath.Page]bool
	aliases map[wikipath.Page]wikipath.Page // old name → page, for redirects
	redirs  []wikipath.Page                 // sorted aliases
	files   map[string]bool                 // attachments copied
	attach  []string                        // sorted attachments
	tags    map[tagKey]string               // tag → folder name under -/tags/KIND/
	tagList []site.TagCount

	searchIndexName func() string // -/search/ file of the index, named by its hash; waits for it
	assetsUsed      sync.Map      // theme assets the pages link to, by source name

	// pageFiles are the escaped output paths of the HTML pages, computed once:
	// every page links to a hundred others through the sidebar.
	pageFiles map[wikipath.Page]string

	claimed map[string]bool // output files
	dirs    map[string]bool // folders those files need
	skipped []Problem       // what was left out, and why
}

type tagKey struct{ kind, name string }

// newPlan decides what to write. With drafts (gitwiki check), drafts count
// as published, as they do on the server.
func newPlan(st *site.Site, th *theme.Theme, live string, drafts bool) *plan {
	pl := &plan{
		st: st, theme: th, live: live,
		pages:   map[wikipath.Page]*site.Page{},
		folder:  map[wikipath.Page]bool{},
		aliases: map[wikipath.Page]wikipath.Page{},
		files:   map[string]bool{},
		tags:    map[tagKey]string{},
		claimed: map[string]bool{},
		dirs:    map[string]bool{},
	}
	// The build's own files come first: nothing from the wiki may replace them.
	for _, f := range []string{indexFile, notFoundFile, feedFile, noJekyllFile, MarkerFile} {
		pl.claim(f)
	}
	if live != "" {
		pl.claim(sitemapFile)
		pl.claim(robotsFile)
	}
	pl.dirs["-"] = true // every "-/..." output is the build's own
	pl.planPages(drafts)
	pl.planRedirects()
	pl.planTags()
	pl.pageFiles = map[wikipath.Page]string{}
	for _, p := range pl.list {
		pl.pageFiles[p.Name] = pageFile(p.Name)
	}
	for _, d := range pl.folders {
		pl.pageFiles[d] = pageFile(d)
	}
	pl.planAttachments()
	return pl
}

// planPages claims the published pages, and a listing for every folder
// above one that has no page of its own, so navigation and breadcrumbs
// always lead somewhere.
func (pl *plan) planPages(drafts bool) {
	st := pl.st
	for _, p := range st.Pages() {
		switch {
		case p.Hidden, p.FrontMatter().Draft && !drafts:
			continue
		case p.Name == wikipath.Root:
		case !pl.claim(string(p.Name) + "/" + indexFile):
			pl.skip(p.File, "", "the page's output "+string(p.Name)+"/index.html clashes with another file")
			continue
		}
		pl.pages[p.Name] = p
		pl.list = append(pl.list, p)
	}
	for _, p := range pl.list {
		for d := p.Name.Dir(); d != wikipath.Root; d = d.Dir() {
			if pl.pages[d] != nil || pl.folder[d] {
				continue
			}
			if _, isAlias := st.Alias(d); isAlias {
				continue
			}
			if pl.claim(string(d) + "/" + indexFile) {
				pl.folder[d] = true
				pl.folders = append(pl.folders, d)
			}
		}
	}
	sort.Slice(pl.folders, func(i, j int) bool { return pl.folders[i] < pl.folders[j] })
}

// planRedirects claims a redirect page at every alias of a published page.
func (pl *plan) planRedirects() {
	for old, to := range pl.st.Aliases() {
		if pl.pages[to] != nil {
			pl.aliases[wikipath.Page(old)] = to
			pl.redirs = append(pl.redirs, wikipath.Page(old))
		}
	}
	sort.Slice(pl.redirs, func(i, j int) bool { return pl.redirs[i] < pl.redirs[j] })
	kept := pl.redirs[:0]
	for _, old := range pl.redirs {
		if pl.claim(string(old) + "/" + indexFile) {
			kept = append(kept, old)
		} else {
			pl.skip(string(old), "", "the redirect to "+string(pl.aliases[old])+" clashes with another file")
			delete(pl.aliases, old)
		}
	}
	pl.redirs = kept
}

// planAttachments claims the attachments a static host may serve.
func (pl *plan) planAttachments() {
	for _, f := range pl.st.Files() {
		if _, isPage := wikipath.FromFile(f); isPage {
			continue
		}
		if reason := activeFile(f); reason != "" {
			pl.skip(f, "", reason)
			continue
		}
		if !pl.claim(f) {
			pl.skip(f, "", "the attachment clashes with a page or a file of the export")
			continue
		}
		pl.files[f] = true
		pl.attach = append(pl.attach, f)
	}
}

// claim reserves an output file. It fails when the path, or a folder it
// needs, is taken: the first claim wins.
func (pl *plan) claim(file string) bool {
	if pl.claimed[file] || pl.dirs[file] {
		return false
	}
	for d := path.Dir(file); d != "."; d = path.Dir(d) {
		if pl.claimed[d] {
			return false
		}
	}
	pl.claimed[file] = true
	for d := path.Dir(file); d != "."; d = path.Dir(d) {
		pl.dirs[d] = true
	}
	return true
}

func (pl *plan) skip(file, target, reason string) {
	pl.skipped = append(pl.skipped, Problem{Path: file, Target: target, Reason: reason})
}

// isPage reports whether an HTML page (a page, a folder listing or a
// redirect) is exported at p.
func (pl *plan) isPage(p wikipath.Page) bool {
	if p == wikipath.Root {
		return true
	}
	_, alias := pl.aliases[p]
	return pl.pages[p] != nil || pl.folder[p] || alias
}

// activeFile explains why an attachment is not copied: a static host would
// serve it as part of the site, where it could run script (an SVG or XML
// file opened on its own runs its scripts in the site's origin), while the
// server sends it sandboxed or as a download.
func activeFile(f string) string {
	switch strings.ToLower(path.Ext(f)) {
	case ".html", ".htm", ".xhtml", ".xht", ".shtml", ".js", ".mjs", ".cjs",
		".svg", ".svgz", ".xml", ".xsl", ".xslt", ".rdf", ".mml", ".swf":
		return "not exported: a static host would run its scripts as part of the site (use PNG for diagrams)"
	}
	return ""
}

// planTags names one folder per tag and category of published pages. Names
// are free text, so the folder is a slug, with a hash when the slug alone
// could clash or lose characters.
func (pl *plan) planTags() {
	counts := map[tagKey]int{}
	for _, p := range pl.list {
		fm := p.FrontMatter()
		for _, t := range fm.Tags {
			if t = strings.TrimSpace(t); t != "" {
				counts[tagKey{"tag", t}]++
			}
		}
		if c := strings.TrimSpace(fm.Category); c != "" {
			counts[tagKey{"category", c}]++
		}
	}
	for _, t := range pl.st.AllTags() {
		k := tagKey{t.Kind, t.Name}
		n := counts[k]
		if n == 0 {
			continue
		}
		pl.tags[k] = tagSlug(t.Name)
		pl.tagList = append(pl.tagList, site.TagCount{Kind: t.Kind, Name: t.Name, Count: n})
	}
}

func tagSlug(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
		if b.Len() >= 40 {
			break
		}
	}
	slug := strings.TrimSuffix(b.String(), "-")
	if slug == name && slug != "" {
		return slug
	}
	sum := sha256.Sum256([]byte(name))
	if slug == "" {
		return hex.EncodeToString(sum[:])[:10]
	}
	return slug + "-" + hex.EncodeToString(sum[:])[:6]
}
