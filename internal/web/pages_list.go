package web

import (
	"net/http"

	"github.com/gitwiki/gitwiki/internal/theme"
)

// pagesList shows every listed page by folder.
func (s *Server) pagesList(w http.ResponseWriter, r *http.Request) {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	if notModified(w, r, s.etag(r, "pages", st.Commit.String())) {
		return
	}
	v := &theme.PagesView{Base: s.base(r, st, "All pages", ""), Tree: navItems(st.Nav(), "", true)}
	for _, p := range st.Pages() {
		if !p.Hidden {
			v.Count++
		}
	}
	w.Header().Set("Cache-Control", "no-cache")
	s.render(w, r, http.StatusOK, "pages", v)
}
