package web

import (
	"net/http"
	"strings"

	"github.com/gitwiki/gitwiki/internal/theme"
)

// setupSubmit serves POST /-/setup: it creates the first maintainer, logs
// them in and retires the token. The lock makes the token single-use even
// when two requests race.
func (s *Server) setupSubmit(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxAuthForm)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	s.auth.setupMu.Lock()
	defer s.auth.setupMu.Unlock()
	tok := s.setupTokenLocked()
	if tok == "" {
		return errSetupDone
	}
	given := r.PostForm.Get("token")
	if !sameToken(given, tok) {
		return errBadSetupToken
	}
	name := strings.TrimSpace(r.PostForm.Get("username"))
	v := &theme.SetupView{Token: given, Username: name}
	if len(v.Username) > 256 {
		v.Username = ""
	}
	password := r.PostForm.Get("password")
	if password != r.PostForm.Get("password2") {
		return s.setupForm(r, v, errPasswordsDiffer)
	}
	if err := s.users.Add(name, password, true); err != nil {
		return s.setupForm(r, v, err)
	}
	s.auth.setupToken = ""
	s.log.Info("first maintainer created", "user", name)
	s.startSession(w, r, name)
	http.Redirect(w, r, s.urlFor("page", "page", ""), http.StatusSeeOther)
	return nil
}
