package web

import (
	"net/http"
	"strings"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/review"
)

// proposalComment adds a comment; anyone may comment, within the write limit.
func (s *Server) proposalComment(w http.ResponseWriter, r *http.Request) error {
	id := proposalID(r)
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := parseForm(r); err != nil {
		return err
	}
	if err := s.checkWrite(r); err != nil {
		return s.proposalForm(r, id, err, nil)
	}
	author := strings.TrimSpace(r.FormValue("name"))
	if u := s.user(r); u != nil {
		author = u.Name
	}
	ident, err := pages.Identity(author, "")
	if err != nil {
		return s.proposalForm(r, id, err, nil)
	}
	err = s.review.AddComment(r.Context(), id, review.Comment{Author: ident.Name, Maintainer: s.isMaintainer(r), Account: s.user(r) != nil, Text: r.FormValue("text")})
	if err != nil {
		return s.proposalForm(r, id, err, nil)
	}
	s.seeOther(w, r, s.urlFor("proposal", "id", itoa(id))+"#comments")
	return nil
}
