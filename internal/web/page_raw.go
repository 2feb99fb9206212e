package web

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// pageRaw serves a page's markdown source as text/markdown.
func (s *Server) pageRaw(w http.ResponseWriter, r *http.Request) {
	name, err := wikipath.Parse(mux.Vars(r)["page"])
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	st, _, err := s.siteAt(r)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	p, ok := st.Page(name)
	if !ok {
		s.serveError(w, r, errNotFound("There is no page called “"+string(name)+"” to show the source of."))
		return
	}
	if notModified(w, r, `"`+p.Blob.String()+`"`) {
		return
	}
	src, err := st.Source(r.Context(), p)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if r.Method != http.MethodHead {
		w.Write(src)
	}
}
