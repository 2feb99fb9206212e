package export

import (
	"bytes"
	"encoding/xml"
	"github.com/gitwiki/gitwiki/internal/atom"
	"net/url"
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// feed writes recent changes as Atom. Entry ids are the commits'
// ("urn:git:commit:<hash>"), as the server's are, so a reader that follows
// both sees one entry per change. Atom ids must be absolute, so without a
// base URL the feed's id is made from the repository's root commit
// ("urn:gitwiki:feed:<hash>"), which never changes, and links are relative
// to feed.atom at the site root, which Atom allows (RFC 4287, section 4.2.7).
func (b *build) feed() ([]byte, error) {
	st := b.plan.st
	f := atom.Feed{Title: st.Settings.Title + ": recent changes"}
	if b.plan.live != "" {
		f.ID = b.plan.live + "/"
		f.Links = []atom.Link{{Href: b.plan.live + "/" + feedFile, Rel: "self", Type: "application/atom+xml"}, {Href: b.plan.live + "/"}}
	} else {
		f.ID = "urn:gitwiki:feed:" + b.hist.root.String()
		if d := b.plan.st.Loader().Dir(); d != "" {
			f.ID += ":" + url.PathEscape(d)
		}
		f.Links = []atom.Link{{Href: feedFile, Rel: "self", Type: "application/atom+xml"}, {Href: indexFile}}
	}
	f.Updated = rfc3339(b.commit.Committer.When)
	for i, c := range b.hist.recent {
		if i == 0 {
			f.Updated = rfc3339(c.Author.When)
		}
		e := atom.Entry{
			Title:   c.Subject(),
			ID:      "urn:git:commit:" + c.Hash.String(),
			Updated: rfc3339(c.Author.When),
			Author:  atom.Author{Name: c.Author.Name},
		}
		for i, p := range c.pages {
			// Atom allows one alternate link per entry; the other pages are related.
			l := atom.Link{Href: b.publicURL(p)}
			if i > 0 {
				l.Rel = "related"
			}
			e.Links = append(e.Links, l)
		}
		var sum strings.Builder
		for _, n := range c.names {
			sum.WriteString("Changed " + n + ". ")
		}
		e.Summary = strings.TrimSpace(sum.String())
		f.Entries = append(f.Entries, e)
	}
	return marshalXML(f)
}

// publicURL is a page's address for feeds and the sitemap: absolute under
// the base URL, where hosts serve a folder's index.html, else relative to
// the site root.
func (b *build) publicURL(p wikipath.Page) string {
	if b.plan.live == "" {
		return pageFile(p)
	}
	if p == wikipath.Root {
		return b.plan.live + "/"
	}
	return b.plan.live + "/" + wikipath.EscapePath(string(p)) + "/"
}

type urlSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap lists every published page; only written with a base URL, since
// sitemap locations must be absolute.
func (b *build) sitemap() ([]byte, error) {
	var s urlSet
	if b.plan.pages[wikipath.Root] == nil {
		s.URLs = append(s.URLs, sitemapURL{Loc: b.publicURL(wikipath.Root)})
	}
	for _, p := range b.plan.list {
		u := sitemapURL{Loc: b.publicURL(p.Name)}
		if c := b.hist.lastChange(p); c != nil {
			u.LastMod = rfc3339(c.Author.When)
		}
		s.URLs = append(s.URLs, u)
	}
	for _, d := range b.plan.folders {
		s.URLs = append(s.URLs, sitemapURL{Loc: b.publicURL(d)})
	}
	return marshalXML(s)
}

func (b *build) robots() []byte {
	return []byte("User-agent: *\nAllow: /\n\nSitemap: " + b.plan.live + "/" + sitemapFile + "\n")
}

func marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
