package web

import "net/http"

// checkShow serves /-/check: the link and page report of gitwiki check,
// for maintainers. Making it renders every page once per commit.
func (s *Server) checkShow(w http.ResponseWriter, r *http.Request) error {
	if !s.isMaintainer(r) {
		return errMaintainersOnly
	}
	st, err := s.loader.Head(r.Context())
	if err != nil {
		return err
	}
	findings, err := st.Check(r.Context())
	if err != nil {
		return err
	}
	v := s.model(st).Check(s.output(r, st), findings)
	s.withReader(r, &v.Base)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "check", v)
	return nil
}
