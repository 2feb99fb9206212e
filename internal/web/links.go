package web

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// links builds the server's URLs for templates, from the route table.
type links struct {
	s      *Server
	policy string
}

var _ theme.Links = links{}

func (l links) Page(p wikipath.Page) string { return l.s.urlFor("page", "page", string(p)) }

func (l links) Asset(name string) string {
	h, ok := l.s.theme.AssetName(name)
	if !ok {
		return ""
	}
	return l.s.urlFor("static", "name", h)
}

func (l links) File(path string) string { return l.s.urlFor("page", "page", path) }

// Action offers every action the server has; editing ones disappear while
// the wiki is closed, and account ones when accounts are off.
func (l links) Action(a theme.Action, p wikipath.Page) string {
	switch a {
	case theme.ActionEdit, theme.ActionMove, theme.ActionDelete, theme.ActionUpload:
		if l.policy == site.PolicyClosed {
			return ""
		}
		return l.s.urlFor(string(a), "page", string(p))
	case theme.ActionEditRaw:
		if l.policy == site.PolicyClosed {
			return ""
		}
		return l.s.urlFor("edit", "page", string(p)) + "?raw=1"
	case theme.ActionHistory, theme.ActionRaw, theme.ActionDiff:
		return l.s.urlFor(string(a), "page", string(p))
	case theme.ActionHome:
		return l.Page(wikipath.Root)
	case theme.ActionPages, theme.ActionRecent, theme.ActionSearch, theme.ActionFeed, theme.ActionTags,
		theme.ActionProposals, theme.ActionProposalsFeed, theme.ActionNew, theme.ActionCheck, theme.ActionTranslations, theme.ActionLang:
		return l.s.urlFor(string(a))
	case theme.ActionSuggest:
		return l.s.urlFor("search-suggest")
	case theme.ActionPageFeed:
		if p == wikipath.Root {
			return l.s.urlFor("feed") // the home page's feed is the wiki's
		}
		return l.s.urlFor("feed") + "?page=" + queryPath(string(p))
	case theme.ActionPreview:
		u := l.s.urlFor(string(a))
		if p != "" {
			u += "?page=" + url.QueryEscape(string(p))
		}
		return u
	case theme.ActionLogin, theme.ActionLogout, theme.ActionSetup:
		if l.s.users == nil {
			return ""
		}
		return l.s.urlFor(string(a))
	}
	return "" // the export's own, such as the offline search index
}

func (l links) Translate(p wikipath.Page, lang string) string {
	if l.policy == site.PolicyClosed {
		return ""
	}
	return l.s.urlFor("translate", "page", string(p)) + "?lang=" + url.QueryEscape(lang)
}

// EditSection is the editor of one section, while the wiki takes edits.
func (l links) EditSection(p wikipath.Page, n int) string {
	if l.policy == site.PolicyClosed || n < 1 {
		return ""
	}
	return l.s.urlFor("edit", "page", string(p)) + "?section=" + strconv.Itoa(n)
}

func (l links) Tag(kind, name string) string {
	return l.s.urlFor("tag", "kind", kind, "name", name)
}

func (l links) Diff(p wikipath.Page, from, to string) string {
	q := url.Values{}
	if from != "" {
		q.Set("from", from)
	}
	if to != "" {
		q.Set("to", to)
	}
	u := l.s.urlFor("diff", "page", string(p))
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func (l links) PageAt(p wikipath.Page, rev string) string {
	if rev == "" {
		return l.Page(p)
	}
	return l.Page(p) + "?rev=" + url.QueryEscape(rev)
}

func (l links) Proposal(id int, action string) string {
	if action == "" {
		return l.s.urlFor("proposal", "id", strconv.Itoa(id))
	}
	return l.s.urlFor("proposal-"+action, "id", strconv.Itoa(id))
}

// urlsKey names the URL scheme of rendered content in the render cache.
const urlsKey = "server"

// contentURLs are the URLs written into rendered pages, from the route table.
type contentURLs struct{ s *Server }

var _ render.URLs = contentURLs{}

func (c contentURLs) Page(p wikipath.Page, fragment string) string {
	u := c.s.urlFor("page", "page", string(p))
	if fragment != "" {
		u += "#" + fragment
	}
	return u
}

func (c contentURLs) Create(p wikipath.Page) string { return c.s.urlFor("edit", "page", string(p)) }

func (c contentURLs) File(p string) string { return c.s.urlFor("page", "page", p) }

// LiveEditURL is the editor of page p on the live wiki at base (its public
// URL), for the static export's "Edit on the live wiki" links. It follows
// the route table without a running server.
func LiveEditURL(base string, p wikipath.Page) string {
	return base + routeTable.urlFor("edit", "page", string(p))
}

// queryPath escapes a page name for a query value, keeping its slashes and
// writing spaces as %20, so the address still reads as the page's name.
func queryPath(p string) string {
	return strings.ReplaceAll(strings.ReplaceAll(url.QueryEscape(p), "%2F", "/"), "+", "%20")
}
