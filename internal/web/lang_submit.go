package web

import (
	"net/http"
	"time"

	"github.com/gitwiki/gitwiki/internal/i18n"
)

// langCookieAge is how long a reader's language choice is kept.
const langCookieAge = 365 * 24 * time.Hour

// langSubmit keeps the interface language a reader picked, for the views
// without a language of their own, and goes back to the page they were on.
// It works without JavaScript: the picker is a form. An empty choice, or
// one the wiki does not speak, goes back to following the browser.
func (s *Server) langSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	c := &http.Cookie{Name: langCookie, Path: "/", HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode}
	tag, ok := i18n.NormalizeLang(r.PostForm.Get("lang"))
	if ok && s.theme.Catalog().Has(tag) {
		c.Value, c.MaxAge = tag, int(langCookieAge/time.Second)
	} else {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
	next := localPath(r.PostForm.Get("next"))
	if next == "" {
		next = s.urlFor("page", "page", "")
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
