package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gitwiki/gitwiki/internal/theme"
)

// loginSubmit serves POST /-/login. A failure says only "wrong name or
// password", whether the name exists or not, and keeps the name typed.
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	if s.users == nil {
		s.notFound(w, r)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAuthForm)
	if err := r.ParseForm(); err != nil {
		s.serveError(w, r, errBadRequest("The login form could not be read. Reload the page and try again."))
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("username"))
	v := &theme.LoginView{Username: name, Next: localPath(r.PostForm.Get("next"))}
	if len(v.Username) > 256 {
		v.Username = ""
	}
	u, err := s.checkPassword(r, name, r.PostForm.Get("password"))
	if errors.Is(err, errTooManyLogins) {
		w.Header().Set("Retry-After", "60")
		v.Error = "Too many failed attempts to log in. Wait a minute, then try again."
		s.renderLogin(w, r, http.StatusTooManyRequests, v)
		return
	}
	if err != nil || !s.startSession(w, r, u.Name) {
		v.Error = "Wrong name or password."
		s.renderLogin(w, r, http.StatusUnauthorized, v)
		return
	}
	to := v.Next
	if to == "" {
		to = "/"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
