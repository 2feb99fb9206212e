package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gitwiki/gitwiki/internal/theme"
)

// loginShow serves GET /-/login: the form, returning to ?next= afterwards.
func (s *Server) loginShow(w http.ResponseWriter, r *http.Request) error {
	if s.users == nil {
		return errAccountsOff
	}
	v, err := s.loginView(r, &theme.LoginView{Next: s.loginNext(r.URL.Query().Get("next"))})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "login", v)
	return nil
}

func (s *Server) loginView(r *http.Request, v *theme.LoginView) (*theme.LoginView, error) {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		return nil, err
	}
	v.Base = s.baseT(r, st, "", "title.login")
	v.NoIndex = true
	return v, nil
}

// loginNext is where a login returns to: a path on this site (localPath),
// but not the account pages themselves, which would only say "you are
// logged in" (the header's Log in link names the page it is on).
func (s *Server) loginNext(next string) string {
	next = localPath(next)
	for _, name := range []string{"login", "logout", "setup"} {
		if p := s.urlFor(name); next == p || strings.HasPrefix(next, p+"?") {
			return ""
		}
	}
	return next
}

// localPath returns next if it is a path on this site, and "" otherwise, so
// a login link cannot send anyone to another site afterwards. Browsers read
// "//host", "/\host" and paths with tabs or newlines ("/\t/host") as other
// hosts, so those are refused along with absolute URLs.
func localPath(next string) string {
	if len(next) < 1 || len(next) > 2048 || next[0] != '/' {
		return ""
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return ""
		}
	}
	if len(next) > 1 && next[1] == '/' {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	return next
}
