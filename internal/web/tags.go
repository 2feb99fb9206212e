package web

import "net/http"

// tagsList shows every category and tag with its page count.
func (s *Server) tagsList(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		return err
	}
	v := s.model(st).Tags(s.output(r, st))
	s.withReader(r, &v.Base)
	w.Header().Set("Cache-Control", "no-cache")
	s.render(w, r, http.StatusOK, "tags", v)
	return nil
}

// tagShow lists the pages with one tag or category.
func (s *Server) tagShow(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		return err
	}
	kind, name := routeVar(r, "kind"), routeVar(r, "name")
	v, ok := s.model(st).Tag(s.output(r, st), kind, name)
	if !ok {
		if kind == "category" {
			return errNotFound("no_category", "Name", name)
		}
		return errNotFound("no_tag", "Name", name)
	}
	s.withReader(r, &v.Base)
	w.Header().Set("Cache-Control", "no-cache")
	s.render(w, r, http.StatusOK, "tags", v)
	return nil
}
