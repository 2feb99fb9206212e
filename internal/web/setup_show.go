package web

import (
	"crypto/subtle"
	"errors"
	"net/http"

	"github.com/gitwiki/gitwiki/internal/theme"
)

// errSetupDone answers the setup link once a maintainer exists, however
// made: 410 Gone, saying the link was used, not a bare "not found".
var errSetupDone = errors.New("the setup link was already used")

// setupShow serves GET /-/setup?token=: the form creating the first
// maintainer. It exists only until a maintainer does, however made.
func (s *Server) setupShow(w http.ResponseWriter, r *http.Request) error {
	s.auth.setupMu.Lock()
	tok := s.setupTokenLocked()
	s.auth.setupMu.Unlock()
	if tok == "" {
		return errSetupDone
	}
	given := r.URL.Query().Get("token")
	if !sameToken(given, tok) {
		return errBadSetupToken
	}
	v, err := s.setupView(r, &theme.SetupView{Token: given})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "setup", v)
	return nil
}

// SetupToken returns the one-time token of the first-maintainer link, or ""
// when a maintainer exists. It is kept in memory only.
func (s *Server) SetupToken() string {
	if s.users == nil {
		return ""
	}
	s.auth.setupMu.Lock()
	defer s.auth.setupMu.Unlock()
	return s.setupTokenLocked()
}

// setupTokenLocked forgets the token once a maintainer exists, including
// one added with the command line. Callers hold setupMu.
func (s *Server) setupTokenLocked() string {
	if s.users == nil {
		return ""
	}
	if s.auth.setupToken != "" && s.users.HasMaintainer() {
		s.auth.setupToken = ""
	}
	return s.auth.setupToken
}

func sameToken(given, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(given), []byte(want)) == 1
}

func (s *Server) setupCommand() string {
	data := s.auth.dataDir
	if data == "" {
		data = "DATA"
	}
	return "gitwiki user add NAME --maintainer --data " + data
}

func (s *Server) setupView(r *http.Request, v *theme.SetupView) (*theme.SetupView, error) {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		return nil, err
	}
	v.Base = s.baseT(r, st, "", "title.setup")
	v.NoIndex = true
	v.Command = s.setupCommand()
	return v, nil
}

// setupForm shows the setup form again with the reason err gives.
func (s *Server) setupForm(r *http.Request, v *theme.SetupView, err error) error {
	v, verr := s.setupView(r, v)
	if verr != nil {
		return verr
	}
	return &formError{err: err, view: "setup", data: v, set: func(_, msg string) { v.Error = msg }}
}
