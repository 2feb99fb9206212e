package web

import "net/http"

// pagesList shows every listed page by folder. On a large wiki it is the
// costliest view to render: anonymous readers get it from the view cache,
// rendered once per commit and language.
func (s *Server) pagesList(w http.ResponseWriter, r *http.Request) error {
	st, err := s.head(r.Context())
	if err != nil {
		return err
	}
	build := func(r *http.Request) (string, any, string, error) {
		v := s.model(st).Pages(s.output(r, st))
		s.withReader(r, &v.Base)
		return "pages", v, "", nil
	}
	if k, ok := s.viewKey(r, st, kindPages, ""); ok {
		return s.serveView(w, r, k, build)
	}
	w.Header().Set("Cache-Control", "no-cache")
	if notModified(w, r, s.etag(r, "pages", st.Commit.String())) {
		return nil
	}
	view, v, _, _ := build(r)
	s.render(w, r, http.StatusOK, view, v)
	return nil
}
