package web

import (
	"net/http"
	"strconv"

	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// editShow serves the editor for a page that exists or not. With
// ?proposal=N&token=T it loads the proposal's version for revising.
func (s *Server) editShow(w http.ResponseWriter, r *http.Request) error {
	name, err := page(r)
	if err != nil {
		return err
	}
	return s.showEditor(w, r, name, false)
}

// newShow serves the editor for a page whose name is still to be chosen.
func (s *Server) newShow(w http.ResponseWriter, r *http.Request) error {
	return s.showEditor(w, r, "", true)
}

func (s *Server) showEditor(w http.ResponseWriter, r *http.Request, name wikipath.Page, askPath bool) error {
	ctx := r.Context()
	st, err := s.pages.Editable(ctx)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := s.editView(r, st, name)
	v.AskPath = askPath
	if askPath {
		v.Path = q.Get("path")
	}
	src := st
	if id, err := strconv.Atoi(q.Get("proposal")); err == nil && id > 0 {
		prop, err := s.review.Get(ctx, id)
		if err != nil {
			return err
		}
		token := reviseToken(r, id) // the address's, or its cookie's (revise_token.go)
		if !prop.CheckToken(token) && !s.isMaintainer(r) {
			return review.ErrBadToken
		}
		if src, err = s.loader.At(ctx, prop.HeadHash()); err != nil {
			return err
		}
		v.Proposal, v.Token = id, token
	}
	v.BaseRev = src.Commit.String()
	if p, ok := src.Page(name); ok && !askPath {
		b, err := src.Source(ctx, p)
		if err != nil {
			return err
		}
		v.New = false
		if n, _ := strconv.Atoi(q.Get("section")); n > 0 {
			if err := s.editSection(v, b, p.Title, n); err != nil {
				return err
			}
		} else {
			editSource(v, b, p.Title, q.Get("raw") != "")
		}
	} else {
		v.New = true
		title := name.Title()
		if name == wikipath.Root || askPath {
			title = ""
		}
		var text string
		text, v.Template = templateText(r, st, q.Get("template"))
		editSource(v, []byte(text), title, q.Get("raw") != "")
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "edit", v)
	return nil
}
