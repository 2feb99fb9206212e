package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/users"
)

// setupSubmit serves POST /-/setup: it creates the first maintainer, logs
// them in and retires the token. The lock makes the token single-use even
// when two requests race.
func (s *Server) setupSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxAuthForm)
	if err := r.ParseForm(); err != nil {
		s.serveError(w, r, errBadRequest("The form could not be read. Reload the page and try again."))
		return
	}
	s.auth.setupMu.Lock()
	defer s.auth.setupMu.Unlock()
	tok := s.setupTokenLocked()
	if tok == "" {
		s.notFound(w, r)
		return
	}
	given := r.PostForm.Get("token")
	if !sameToken(given, tok) {
		s.setupRefused(w, r)
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("username"))
	v := &theme.SetupView{Token: given, Username: name}
	if len(v.Username) > 256 {
		v.Username = ""
	}
	password := r.PostForm.Get("password")
	if password != r.PostForm.Get("password2") {
		v.Error = "The two passwords are not the same."
		s.renderSetup(w, r, http.StatusBadRequest, v)
		return
	}
	err := s.users.Add(name, password, true)
	if errors.Is(err, users.ErrInvalid) || errors.Is(err, users.ErrExists) {
		v.Error = sentence(err)
		s.renderSetup(w, r, http.StatusBadRequest, v)
		return
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.auth.setupToken = ""
	s.log.Info("first maintainer created", "user", name)
	s.startSession(w, r, name)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
