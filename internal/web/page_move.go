package web

import (
	"net/http"
	"strings"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// moveShow asks where to move a page (view "move") or confirms deleting it
// (view "delete"); the route name says which.
func (s *Server) moveShow(w http.ResponseWriter, r *http.Request) error {
	v, err := s.moveView(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, moveAction(r), v)
	return nil
}

// moveAction is "move" or "delete", from the route.
func moveAction(r *http.Request) string {
	if strings.HasPrefix(routeName(r), "delete") {
		return "delete"
	}
	return "move"
}

func (s *Server) moveView(r *http.Request) (*theme.MoveView, error) {
	name, err := page(r)
	if err != nil {
		return nil, err
	}
	st, err := s.pages.Editable(r.Context())
	if err != nil {
		return nil, err
	}
	p, ok := st.Page(name)
	if !ok {
		return nil, errNotFound("no_page_named", "Name", string(name))
	}
	key := "title.move"
	if moveAction(r) == "delete" {
		key = "title.delete"
	}
	v := &theme.MoveView{
		Base:       s.baseT(r, st, name, key, "Title", p.Title),
		Page:       name,
		PageTitle:  p.Title,
		NewPath:    string(name),
		BaseRev:    st.Commit.String(),
		Backlinks:  s.model(st).Refs(st.Backlinks(name)),
		Maintainer: s.isMaintainer(r),
		Policy:     st.Settings.EditPolicy,
		Honeypot:   honeypotField,
	}
	v.NoIndex = true
	return v, nil
}

// moveSubmit moves or deletes a page, committed or proposed as
// pages.SaveChange decides.
func (s *Server) moveSubmit(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := parseForm(r); err != nil {
		return err
	}
	v, err := s.moveView(r)
	if err != nil {
		return err
	}
	v.NewPath, v.Summary, v.Name, v.Email = r.FormValue("path"), r.FormValue("summary"), r.FormValue("name"), r.FormValue("email")
	form := func(err error) error {
		return &formError{err: err, view: moveAction(r), data: v, set: func(_, msg string) { v.Problem = msg }}
	}
	if err := s.checkWrite(r); err != nil {
		return form(err)
	}
	who := s.who(r)
	author, err := pages.Identity(v.Name, v.Email)
	if err != nil {
		return form(err)
	}
	if who.Account != "" {
		author = pages.AccountIdentity(who.Account)
	}
	summary := strings.TrimSpace(strings.ReplaceAll(v.Summary, "\n", " "))
	ch := s.pages.Delete(v.Page, author, summary)
	if moveAction(r) == "move" {
		to, err := wikipath.Parse(strings.TrimSuffix(strings.TrimSpace(v.NewPath), ".md"))
		if err != nil {
			return form(err)
		}
		ch = s.pages.Move(v.Page, to, author, summary)
	}
	out, err := s.pages.SaveChange(r.Context(), ch, r.FormValue("base"), who, r.FormValue("propose") != "")
	if err != nil {
		return form(err)
	}
	s.wrote()
	switch {
	case out.Dest == pages.Proposed:
		s.seeOther(w, r, s.proposalURL(out.Proposal, out.Token, true))
	case moveAction(r) == "delete":
		s.seeOther(w, r, s.urlFor("page", "page", ""))
	default:
		s.seeOther(w, r, s.urlFor("page", "page", string(out.Page)))
	}
	return nil
}
