package web

import "net/http"

// logoutSubmit serves POST /-/logout. It ends every session of the account,
// not only this browser's: a cookie copied elsewhere stops working too.
func (s *Server) logoutSubmit(w http.ResponseWriter, r *http.Request) error {
	u := s.user(r)
	s.clearSession(w, r)
	if u != nil {
		if err := s.users.EndSessions(u.Name); err != nil {
			return err
		}
	}
	http.Redirect(w, r, s.urlFor("page", "page", ""), http.StatusSeeOther)
	return nil
}
