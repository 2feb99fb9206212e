package web

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gitwiki/gitwiki/internal/theme"
)

// parseForm reads urlencoded and multipart bodies alike; a body over the
// limit is a 413 with a sentence, and a broken one a 400. (ParseMultipartForm
// parses an urlencoded body itself and drops its error, so the two are
// told apart first.)
func parseForm(r *http.Request) error {
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		err = r.ParseMultipartForm(4 << 20)
	} else {
		err = r.ParseForm()
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	if err != nil {
		return errBadForm
	}
	return nil
}

// checkWrite refuses a write from software (the honeypot) and past the
// client's write limit. Maintainers are never limited.
func (s *Server) checkWrite(r *http.Request) error {
	if s.honeypotTripped(r) {
		return errHoneypot
	}
	if !s.allowWrite(r) {
		return errTooManyWrites
	}
	return nil
}

// checkPreview spends one of the client's preview tokens: a preview is
// rendered for anyone who asks, so it is limited like a write, with a
// budget for typing (the editor previews as the person types).
func (s *Server) checkPreview(r *http.Request) error {
	if s.isMaintainer(r) || s.auth.previews.allow(s.clientID(r)) {
		return nil
	}
	return errTooManyPreviews
}

// wrote tells what keeps up with the repository that the server just
// changed it, so that it catches up at once.
func (s *Server) wrote() {
	s.search.changed()
	s.warm.kick()
}

func (s *Server) seeOther(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// proposalURL leads to a proposal; with the token it lets the contributor
// revise it, and opened says it was just created.
func (s *Server) proposalURL(id int, token string, opened bool) string {
	u := s.urlFor("proposal", "id", strconv.Itoa(id))
	var q []string
	if token != "" {
		q = append(q, "token="+url.QueryEscape(token))
	}
	if opened {
		q = append(q, "opened=1")
	}
	if len(q) > 0 {
		u += "?" + strings.Join(q, "&")
	}
	return u
}

// caughtUp is the source revision a translator marked their translation
// up to date with, "" when they did not tick the box.
func caughtUp(v *theme.EditView) string {
	if t := v.Translating; t != nil && !t.New && t.CaughtUp {
		return t.Rev
	}
	return ""
}
