package export

import (
	"strings"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// Output folders under "-/", which no page name can start with.
const (
	staticDir = "-/static/"
	searchDir = "-/search/"
	pagesDir  = "-/pages/"
	tagsDir   = "-/tags/"
	// translationsDir holds the translations report, for multilingual wikis.
	translationsDir = "-/translations/"
)

// scheme builds the URLs of one output file. Every URL is prefix plus a
// path from the site root, and every page URL ends in index.html, because
// file:// does not resolve a folder to its index.
type scheme struct {
	plan *plan
	// prefix leads from the file's folder to the site root: "", "../../",
	// or, for 404.html with a base URL, the base URL's path ("/wiki/").
	prefix string
}

func (s scheme) root(rel string) string {
	u := s.prefix + rel
	if s.prefix == "" && hasScheme(u) {
		// A page called "mailto:x" must not become a mailto: URL.
		u = "./" + u
	}
	return u
}

func hasScheme(u string) bool {
	i := strings.IndexAny(u, ":/?#")
	return i > 0 && u[i] == ':'
}

func (s scheme) page(p wikipath.Page) string {
	if f, ok := s.plan.pageFiles[p]; ok {
		return s.root(f)
	}
	return s.root(pageFile(p))
}

// pageFile is the output file of a page, escaped as a URL path.
func pageFile(p wikipath.Page) string {
	if p == wikipath.Root {
		return "index.html"
	}
	return wikipath.EscapePath(string(p)) + "/index.html"
}

// file is the URL of a content path that a link names: the page, folder
// listing or redirect exported there, the copied attachment, or 404.html.
// ok is false when nothing in the wiki has that path.
func (s scheme) file(p string) (u string, ok bool) {
	if s.plan.isPage(wikipath.Page(p)) {
		return s.page(wikipath.Page(p)), true
	}
	if s.plan.files[p] {
		return s.root(wikipath.EscapePath(p)), true
	}
	if _, known := s.plan.st.File(p); known {
		return s.root("404.html"), true // in the wiki, left out of the export and reported
	}
	return s.root("404.html"), false
}

// contentURLs are the URLs written into one rendered page. They note the
// attachments the page names that do not exist.
type contentURLs struct {
	scheme
	missing []string
	// made, when not nil, collects the URLs the renderer wrote (without
	// query or fragment), so fixRawURLs leaves them alone.
	made map[string]bool
}

func (u *contentURLs) note(s string) string {
	if u.made != nil {
		u.made[s] = true
	}
	return s
}

var _ render.URLs = (*contentURLs)(nil)

func (u *contentURLs) Page(p wikipath.Page, fragment string) string {
	s := u.note(u.page(p))
	if fragment != "" {
		s += "#" + fragment
	}
	return s
}

// Create leads to the live wiki's editor when there is one, else to the
// export's "not found" page, as the server would answer.
func (u *contentURLs) Create(p wikipath.Page) string {
	if e := u.plan.editURL(p); e != "" {
		return e
	}
	return u.note(u.root(notFoundFile))
}

func (u *contentURLs) File(p string) string {
	s, ok := u.file(p)
	if !ok {
		u.missing = append(u.missing, p)
	}
	return u.note(s)
}

// links are the template URLs of one output file.
type links struct{ scheme }

var _ theme.Links = links{}

func (l links) Page(p wikipath.Page) string { return l.page(p) }

func (l links) Asset(name string) string {
	h, ok := l.plan.theme.AssetName(name)
	if !ok {
		return ""
	}
	l.plan.assetsUsed.Store(name, true)
	return l.root(staticDir + wikipath.EscapePath(h))
}

func (l links) File(p string) string {
	u, _ := l.file(p)
	return u
}

// Action offers what a static copy can do; history, source, diffs, recent
// changes and proposals need the server and are left out.
func (l links) Action(a theme.Action, p wikipath.Page) string {
	switch a {
	case theme.ActionEdit:
		return l.plan.editURL(p)
	case theme.ActionHome:
		return l.page(wikipath.Root)
	case theme.ActionPages:
		return l.root(pagesDir + "index.html")
	case theme.ActionSearch:
		return l.root(searchDir + "index.html")
	case theme.ActionSearchIndex:
		name := l.plan.searchIndexName()
		if name == "" {
			return ""
		}
		return l.root(searchDir + name)
	case theme.ActionFeed:
		return l.root(feedFile)
	case theme.ActionTags:
		if len(l.plan.tags) == 0 {
			return ""
		}
		return l.root(tagsDir + "index.html")
	case theme.ActionTranslations:
		if len(l.plan.st.Languages()) < 2 {
			return ""
		}
		return l.root(translationsDir + "index.html")
	}
	return ""
}

// EditSection: a static copy links the live editor of the whole page only.
func (l links) EditSection(wikipath.Page, int) string { return "" }

func (l links) Tag(kind, name string) string {
	slug, ok := l.plan.tags[tagKey{kind, name}]
	if !ok {
		return ""
	}
	return l.root(tagsDir + kind + "/" + slug + "/index.html")
}

func (l links) Diff(wikipath.Page, string, string) string { return "" }
func (l links) PageAt(wikipath.Page, string) string       { return "" }
func (l links) Proposal(int, string) string               { return "" }
func (l links) Translate(wikipath.Page, string) string    { return "" }

// editURL is the live wiki's editor for p, or "" without a base URL, when
// the wiki takes no edits, or when the build was not told the server's
// address scheme (Options.EditURL).
func (pl *plan) editURL(p wikipath.Page) string {
	if pl.live == "" || pl.edit == nil || pl.st.Settings.EditPolicy == site.PolicyClosed {
		return ""
	}
	return pl.edit(pl.live, p)
}

// resolver is the page set as the export sees it: only published pages
// exist, so links to drafts and hidden pages are missing links.
type resolver struct{ plan *plan }

func (r resolver) Exists(p wikipath.Page) bool { return r.plan.pages[p] != nil }

func (r resolver) FindWiki(from wikipath.Page, target string) (wikipath.Page, bool) {
	p, found := r.plan.st.FindWiki(from, target)
	if !found || r.plan.pages[p] == nil {
		return "", false
	}
	return p, true
}
