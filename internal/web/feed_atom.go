package web

import (
	"net/http"

	"github.com/gitwiki/gitwiki/internal/atom"
	"github.com/gitwiki/gitwiki/internal/present"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// feedAtom publishes recent changes, one entry per commit.
func (s *Server) feedAtom(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		return err
	}
	origin := s.origin(r)
	if notModified(w, r, s.etag(r, "feed", st.Commit.String(), origin)) {
		return nil
	}
	changes, err := recent(r.Context(), st)
	if err != nil {
		return err
	}
	home := origin + s.urlFor("page", "page", "")
	f := s.model(st).Feed(present.FeedLinks{
		ID: home, Self: origin + s.urlFor("feed"), Home: home,
		Page: func(p wikipath.Page) string { return origin + s.urlFor("page", "page", string(p)) },
	}, changes)
	return s.writeFeed(w, r, f)
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

func (s *Server) writeFeed(w http.ResponseWriter, r *http.Request, f *atom.Feed) error {
	out, err := f.Marshal()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if r.Method != http.MethodHead {
		w.Write(out)
	}
	return nil
}
