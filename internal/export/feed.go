package export

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/present"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// feed writes recent changes as Atom, built by present as the server's is.
// Atom ids must be absolute, so without a base URL the feed's id is made
// from the repository's root commit ("urn:gitwiki:feed:<hash>"), which never
// changes, and links are relative to feed.atom at the site root, which Atom
// allows (RFC 4287, section 4.2.7).
func (b *build) feed() ([]byte, error) {
	l := present.FeedLinks{Page: b.publicURL}
	if b.plan.live != "" {
		l.ID, l.Self, l.Home = b.plan.live+"/", b.plan.live+"/"+feedFile, b.plan.live+"/"
	} else {
		l.ID, l.Self, l.Home = "urn:gitwiki:feed:"+b.hist.Root.String(), feedFile, indexFile
		if d := b.plan.st.Loader().Dir(); d != "" {
			l.ID += ":" + url.PathEscape(d)
		}
	}
	f := b.model.Feed(l, b.hist.Recent)
	if len(f.Entries) == 0 {
		f.Updated = rfc3339(b.commit.Committer.When)
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
	XHTML   string       `xml:"xmlns:xhtml,attr,omitempty"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
	// Alternates are the page in every language, itself included, as
	// Google's sitemap extension for localized pages has them.
	Alternates []sitemapAlternate `xml:"xhtml:link"`
}

type sitemapAlternate struct {
	Rel      string `xml:"rel,attr"`
	HrefLang string `xml:"hreflang,attr"`
	Href     string `xml:"href,attr"`
}

// sitemap lists every published page; only written with a base URL, since
// sitemap locations must be absolute.
func (b *build) sitemap() ([]byte, error) {
	var s urlSet
	if b.plan.pages[wikipath.Root] == nil {
		s.URLs = append(s.URLs, sitemapURL{Loc: b.publicURL(wikipath.Root)})
	}
	st := b.plan.st
	for _, p := range b.plan.list {
		u := sitemapURL{Loc: b.publicURL(p.Name)}
		if c := b.hist.Last[p.File]; c != nil {
			u.LastMod = rfc3339(c.Author.When)
		}
		var alts []sitemapAlternate
		for _, t := range st.Translations(p) {
			if b.plan.pages[t.Name] != nil {
				alts = append(alts, sitemapAlternate{Rel: "alternate", HrefLang: st.Lang(t), Href: b.publicURL(t.Name)})
			}
		}
		if len(alts) > 0 {
			alts = append(alts, sitemapAlternate{Rel: "alternate", HrefLang: st.Lang(p), Href: u.Loc})
			slices.SortFunc(alts, func(a, b sitemapAlternate) int { return strings.Compare(a.HrefLang, b.HrefLang) })
			u.Alternates = alts
			s.XHTML = "http://www.w3.org/1999/xhtml"
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
