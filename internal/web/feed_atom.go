package web

import (
	"encoding/xml"
	"net/http"
	"time"
)

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomEntry struct {
	Title   string     `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Author  atomAuthor `xml:"author"`
	Links   []atomLink `xml:"link"`
	Summary string     `xml:"summary"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

// feedAtom publishes recent changes, one entry per commit.
func (s *Server) feedAtom(w http.ResponseWriter, r *http.Request) {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	if notModified(w, r, s.etag(r, "feed", st.Commit.String(), s.origin(r))) {
		return
	}
	changes, err := s.recentChanges(r.Context(), st)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	origin := s.origin(r)
	f := atomFeed{
		Title: st.Settings.Title + ": recent changes",
		ID:    origin + "/",
		Links: []atomLink{{Href: origin + s.urlFor("feed"), Rel: "self", Type: "application/atom+xml"}, {Href: origin + "/"}},
	}
	f.Updated = time.Unix(0, 0).UTC().Format(time.RFC3339)
	for i, c := range changes {
		if i == 0 {
			f.Updated = c.Date.UTC().Format(time.RFC3339)
		}
		e := atomEntry{
			Title:   c.Summary,
			ID:      "urn:git:commit:" + c.Hash,
			Updated: c.Date.UTC().Format(time.RFC3339),
			Author:  atomAuthor{Name: c.Author},
		}
		var summary []byte
		for _, p := range c.Pages {
			e.Links = append(e.Links, atomLink{Href: origin + p.Page.URL()})
			summary = append(summary, ("Changed " + p.Title + ". ")...)
		}
		for _, f := range c.Files {
			summary = append(summary, ("Changed file " + f + ". ")...)
		}
		e.Summary = string(summary)
		f.Entries = append(f.Entries, e)
	}
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if r.Method != http.MethodHead {
		w.Write([]byte(xml.Header))
		w.Write(out)
	}
}

// origin is the wiki's public scheme and host: the configured base URL, or
// the request's own.
func (s *Server) origin(r *http.Request) string {
	if s.baseURL != "" {
		return s.baseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
