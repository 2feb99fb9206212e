package web

import "net/http"

// logoutSubmit serves POST /-/logout. It ends every session of the account,
// not only this browser's: a cookie copied elsewhere stops working too.
func (s *Server) logoutSubmit(w http.ResponseWriter, r *http.Request) {
	u := s.user(r)
	s.clearSession(w, r)
	if u != nil {
		if err := s.users.EndSessions(u.Name); err != nil {
			s.serveError(w, r, err)
			return
		}
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
