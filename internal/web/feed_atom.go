package web

import (
	"net/http"

	"github.com/gitwiki/gitwiki/internal/atom"
	"github.com/gitwiki/gitwiki/internal/present"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// feedAtom publishes recent changes, one entry per commit: of the whole
// wiki, or with ?page= of one page or of every page in a folder, so a
// reader can follow what they care about without an account.
func (s *Server) feedAtom(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		return err
	}
	name, of := wikipath.Root, ""
	if q := r.URL.Query(); q.Has("page") {
		if name, err = wikipath.Parse(q.Get("page")); err != nil {
			return err
		}
		if name != wikipath.Root {
			p, ok := st.Page(name)
			if !ok && !st.IsFolder(name) {
				return errNotFound("no_page_named", "Name", string(name))
			}
			of = name.Title()
			if ok {
				of = p.Title
			}
		}
	}
	origin := s.origin(r)
	if notModified(w, r, s.etag(r, "feed", st.Commit.String(), origin, string(name))) {
		return nil
	}
	changes, err := st.ChangesTo(r.Context(), name, recentLimit)
	if err != nil {
		return err
	}
	home := origin + s.urlFor("page", "page", "")
	self := origin + s.urlFor("feed")
	if of != "" {
		self += "?page=" + queryPath(string(name))
	}
	f := s.model(st).Feed(present.FeedLinks{
		ID: self, Self: self, Home: home, Of: of,
		Page: func(p wikipath.Page) string { return origin + s.urlFor("page", "page", string(p)) },
	}, changes)
	if of == "" {
		f.ID = home // the wiki's feed keeps the id it always had
	}
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
