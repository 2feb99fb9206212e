package web

import (
	"net/url"
	"strconv"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// links builds the server's absolute URLs for templates and rendered pages.
type links struct {
	s      *Server
	policy string
}

var _ theme.Links = links{}

// urlsKey names the URL scheme of rendered content in the render cache.
const urlsKey = "server"

// contentURLs are the URLs written into rendered pages.
var contentURLs render.URLs = render.ServerURLs{}

func (l links) Page(p wikipath.Page) string { return p.URL() }

func (l links) Asset(name string) string {
	h, ok := l.s.theme.AssetName(name)
	if !ok {
		return ""
	}
	return l.s.urlFor("static", "name", h)
}

func (l links) File(path string) string { return "/" + wikipath.EscapePath(path) }

func (l links) Action(name string, p wikipath.Page) string {
	switch name {
	case "edit":
		if l.policy == site.PolicyClosed {
			return ""
		}
		return "/-/edit/" + wikipath.EscapePath(string(p))
	case "history", "raw", "diff":
		return l.s.urlFor(name, "page", string(p))
	case "home":
		return "/"
	case "pages", "recent", "search", "feed", "tags", "proposals", "proposals-feed", "new":
		return l.s.urlFor(name)
	case "preview":
		u := l.s.urlFor(name)
		if p != "" {
			u += "?page=" + url.QueryEscape(string(p))
		}
		return u
	case "login", "logout", "setup":
		if l.s.users == nil {
			return ""
		}
		return l.s.urlFor(name)
	case "move", "delete":
		if l.policy == site.PolicyClosed {
			return ""
		}
		return "/-/" + name + "/" + wikipath.EscapePath(string(p))
	}
	return ""
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
		return p.URL()
	}
	return p.URL() + "?rev=" + url.QueryEscape(rev)
}

func (l links) Proposal(id int, action string) string {
	if action == "" {
		return l.s.urlFor("proposal", "id", strconv.Itoa(id))
	}
	return l.s.urlFor("proposal-"+action, "id", strconv.Itoa(id))
}
