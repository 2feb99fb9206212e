package web

import "net/http"

// proposalReject closes a proposal with an optional reason (maintainers).
func (s *Server) proposalReject(w http.ResponseWriter, r *http.Request) error {
	id := proposalID(r)
	u := s.user(r)
	if u == nil || !u.Maintainer {
		return errMaintainersOnly
	}
	// The reason is stored in the proposal's record, which has a size limit.
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.review.Reject(r.Context(), id, u.Name, r.FormValue("reason")); err != nil {
		return err
	}
	s.seeOther(w, r, s.urlFor("proposal", "id", itoa(id)))
	return nil
}
