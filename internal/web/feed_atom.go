package web

import (
	"github.com/gitwiki/gitwiki/internal/atom"
	"net/http"
	"time"
)

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
	f := atom.Feed{
		Title: st.Settings.Title + ": recent changes",
		ID:    origin + "/",
		Links: []atom.Link{{Href: origin + s.urlFor("feed"), Rel: "self", Type: "application/atom+xml"}, {Href: origin + "/"}},
	}
	f.Updated = time.Unix(0, 0).UTC().Format(time.RFC3339)
	for i, c := range changes {
		if i == 0 {
			f.Updated = c.Date.UTC().Format(time.RFC3339)
		}
		e := atom.Entry{
			Title:   c.Summary,
			ID:      "urn:git:commit:" + c.Hash,
			Updated: c.Date.UTC().Format(time.RFC3339),
			Author:  atom.Author{Name: c.Author},
		}
		var summary []byte
		for _, p := range c.Pages {
			e.Links = append(e.Links, atom.Link{Href: origin + p.Page.URL()})
			summary = append(summary, ("Changed " + p.Title + ". ")...)
		}
		for _, f := range c.Files {
			summary = append(summary, ("Changed file " + f + ". ")...)
		}
		e.Summary = string(summary)
		f.Entries = append(f.Entries, e)
	}
	s.writeFeed(w, r, &f)
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

func (s *Server) writeFeed(w http.ResponseWriter, r *http.Request, f *atom.Feed) {
	out, err := f.Marshal()
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if r.Method != http.MethodHead {
		w.Write(out)
	}
}
