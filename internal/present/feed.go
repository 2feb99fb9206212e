package present

import (
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/atom"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// FeedLinks are the addresses a feed writes: absolute under the wiki's
// public URL, or relative to the feed file where there is none (RFC 4287
// resolves them against the feed's own address).
type FeedLinks struct {
	ID   string // the feed's id, absolute: a URL or a urn
	Self string // the feed's own address
	Home string // the wiki's home page
	// Page is a page's public address; "" leaves the page unlinked.
	Page func(wikipath.Page) string
	// Of names the page or folder the feed follows; "" for the whole wiki.
	Of string
}

// Feed is recent changes as Atom, one entry per commit. Entry ids are the
// commits' ("urn:git:commit:<hash>"), so a reader following the server's and
// an export's feed sees one entry per change. RFC 4287 allows one alternate
// link per entry (a link without rel is one): it leads to the first published page the change touched
// (the home page when it touched only files), and the others are related.
func (m *Model) Feed(l FeedLinks, changes []site.Change) *atom.Feed {
	tr := m.siteLang()
	f := &atom.Feed{
		Title:   tr.T("layout.feed_title", "Site", m.Site.Settings.Title),
		ID:      l.ID,
		Updated: rfc3339(epoch),
		Links:   []atom.Link{{Href: l.Self, Rel: "self", Type: "application/atom+xml"}, {Href: l.Home}},
	}
	if l.Of != "" {
		f.Title = tr.T("feed.of_title", "Title", l.Of, "Site", m.Site.Settings.Title)
	}
	for _, c := range changes {
		e := atom.Entry{
			Title:   c.Subject(),
			ID:      "urn:git:commit:" + c.Hash.String(),
			Updated: rfc3339(c.Author.When),
			Author:  atom.Author{Name: c.Author.Name},
		}
		if ch := Change(c.Commit); ch.Reviewer != "" {
			e.Author.Name = ch.Author // a merged proposal: its authors
		}
		if e.Author.Name == "" {
			e.Author.Name = tr.T("author.anonymous")
		}
		var sum strings.Builder
		for _, p := range c.Pages {
			if p.Page != nil && !m.published(p.Page) {
				continue // a draft or hidden page: not in the feed either
			}
			sum.WriteString(tr.T("feed.changed_page", "Title", p.Title()) + " ")
			if p.Page == nil {
				continue // deleted since: nothing to link to
			}
			if href := safeHref(l.Page(p.Name)); href != "" {
				rel := "" // alternate, the default (RFC 4287, section 4.2.7.2)
				if len(e.Links) > 0 {
					rel = "related"
				}
				e.Links = append(e.Links, atom.Link{Href: href, Rel: rel})
			}
		}
		for _, file := range c.Files {
			sum.WriteString(tr.T("feed.changed_file", "File", file) + " ")
		}
		if sum.Len() == 0 {
			continue
		}
		if len(e.Links) == 0 {
			e.Links = []atom.Link{{Href: l.Home}}
		}
		e.Summary = strings.TrimSpace(sum.String())
		if len(f.Entries) == 0 {
			f.Updated = e.Updated
		}
		f.Entries = append(f.Entries, e)
	}
	return f
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// safeHref keeps a relative link relative: a page called "javascript:x"
// has the relative address "javascript:x/index.html", which a feed reader
// would take for a script URL. Only http, https and the feed's urns pass
// as absolute.
func safeHref(u string) string {
	i := strings.IndexAny(u, ":/?#")
	if i <= 0 || u[i] != ':' {
		return u
	}
	switch strings.ToLower(u[:i]) {
	case "http", "https", "urn":
		return u
	}
	return "./" + u
}
