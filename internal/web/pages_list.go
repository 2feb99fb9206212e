package web

import "net/http"

// pagesList shows every listed page by folder.
func (s *Server) pagesList(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		return err
	}
	if notModified(w, r, s.etag(r, "pages", st.Commit.String())) {
		return nil
	}
	v := s.model(st).Pages(s.output(r, st))
	s.withReader(r, &v.Base)
	w.Header().Set("Cache-Control", "no-cache")
	s.render(w, r, http.StatusOK, "pages", v)
	return nil
}
