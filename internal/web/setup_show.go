package web

import (
	"crypto/subtle"
	"net/http"

	"github.com/gitwiki/gitwiki/internal/theme"
)

// setupShow serves GET /-/setup?token=: the form creating the first
// maintainer. It exists only until a maintainer does, however made.
func (s *Server) setupShow(w http.ResponseWriter, r *http.Request) {
	s.auth.setupMu.Lock()
	tok := s.setupTokenLocked()
	s.auth.setupMu.Unlock()
	if tok == "" {
		s.notFound(w, r)
		return
	}
	given := r.URL.Query().Get("token")
	if !sameToken(given, tok) {
		s.setupRefused(w, r)
		return
	}
	s.renderSetup(w, r, http.StatusOK, &theme.SetupView{Token: given})
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

func (s *Server) setupRefused(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, &theme.ErrorView{
		Status:  http.StatusForbidden,
		Heading: "This setup link is not valid",
		Message: "Use the whole link the server printed when it started, or create the first maintainer on the server with: " + s.setupCommand() + ".",
	})
}

func (s *Server) setupCommand() string {
	data := s.auth.dataDir
	if data == "" {
		data = "DATA"
	}
	return "gitwiki user add NAME --maintainer --data " + data
}

func (s *Server) renderSetup(w http.ResponseWriter, r *http.Request, status int, v *theme.SetupView) {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	v.Base = s.base(r, st, "Create the first maintainer", "")
	v.NoIndex = true
	v.Command = s.setupCommand()
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "setup", v)
}
