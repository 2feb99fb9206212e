package web

import (
	"net/http"
)

// pageRaw serves a page's markdown source as text/markdown.
func (s *Server) pageRaw(w http.ResponseWriter, r *http.Request) error {
	name, err := page(r)
	if err != nil {
		return err
	}
	st, _, err := s.siteAt(r)
	if err != nil {
		return err
	}
	p, ok := st.Page(name)
	if !ok {
		return errNotFound("no_source", "Name", string(name))
	}
	if notModified(w, r, `"`+p.Blob.String()+`"`) {
		return nil
	}
	src, err := st.Source(r.Context(), p)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if r.Method != http.MethodHead {
		w.Write(src)
	}
	return nil
}
