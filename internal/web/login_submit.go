package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/users"
)

// loginSubmit serves POST /-/login. A failure says only "wrong name or
// password", whether the name exists or not, and keeps the name typed.
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	if s.users == nil {
		return errAccountsOff
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxAuthForm)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	name := strings.TrimSpace(r.PostForm.Get("username"))
	v, err := s.loginView(r, &theme.LoginView{Username: name, Next: s.loginNext(r.PostForm.Get("next"))})
	if err != nil {
		return err
	}
	if len(v.Username) > 256 {
		v.Username = ""
	}
	var u users.User
	err = s.limitLogin(s.clientID(r), name, s.knownDevice(r, name), func() (err error) {
		u, err = s.users.Verify(name, r.PostForm.Get("password"))
		return err
	})
	if err == nil && !s.startSession(w, r, u.Name) {
		err = users.ErrBadCredentials // the account vanished meanwhile
	}
	if err != nil && !errors.Is(err, errTooManyLogins) && !errors.Is(err, users.ErrBusy) {
		err = users.ErrBadCredentials // never say which of the two was wrong
	}
	if err == nil {
		s.rememberDevice(w, r, u.Name)
	}
	if err != nil {
		return &formError{err: err, view: "login", data: v, set: func(_, msg string) { v.Error = msg }}
	}
	to := v.Next
	if to == "" {
		to = s.urlFor("page", "page", "")
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
