package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// moveShow asks where to move a page (view "move") or confirms deleting it
// (view "delete"); the route name says which.
func (s *Server) moveShow(w http.ResponseWriter, r *http.Request) {
	v, _, err := s.moveView(r)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, mux.CurrentRoute(r).GetName(), v)
}

func (s *Server) moveView(r *http.Request) (*theme.MoveView, *site.Site, error) {
	name, err := wikipath.Parse(mux.Vars(r)["page"])
	if err != nil {
		return nil, nil, err
	}
	st, err := s.editableHead(r.Context())
	if err != nil {
		return nil, nil, err
	}
	p, ok := st.Page(name)
	if !ok {
		return nil, nil, errNotFound("There is no page called “" + string(name) + "”.")
	}
	verb := "Move "
	if strings.HasPrefix(mux.CurrentRoute(r).GetName(), "delete") {
		verb = "Delete "
	}
	v := &theme.MoveView{
		Base:       s.base(r, st, verb+p.Title, name),
		Page:       name,
		PageTitle:  p.Title,
		NewPath:    string(name),
		BaseRev:    st.Commit.String(),
		Backlinks:  pageRefs(st.Backlinks(name)),
		Maintainer: s.isMaintainer(r),
		Policy:     st.Settings.EditPolicy,
		Honeypot:   honeypotField,
	}
	v.NoIndex = true
	return v, st, nil
}

// moveSubmit moves or deletes a page: a maintainer's change (or any change
// under the open policy) is committed, anyone else's becomes a proposal.
func (s *Server) moveSubmit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	view := "move"
	if mux.CurrentRoute(r).GetName() == "delete-submit" {
		view = "delete"
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := parseForm(r); err != nil {
		s.serveError(w, r, err)
		return
	}
	v, st, err := s.moveView(r)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	v.NewPath, v.Summary, v.Name, v.Email = r.FormValue("path"), r.FormValue("summary"), r.FormValue("name"), r.FormValue("email")
	refuse := func(status int, msg string) {
		v.Problem = msg
		s.render(w, r, status, view, v)
	}
	if s.honeypotTripped(r) {
		refuse(http.StatusBadRequest, "The form was filled in by software, so nothing was changed.")
		return
	}
	maintainer := s.isMaintainer(r)
	if !maintainer && !s.allowWrite(r) {
		refuse(http.StatusTooManyRequests, "You have made many changes in a short time. Please wait a few minutes.")
		return
	}
	author, err := pages.Identity(v.Name, v.Email)
	if u := s.user(r); err == nil && u != nil && strings.TrimSpace(v.Name) == "" {
		author.Name = u.Name
	}
	if err != nil {
		refuse(http.StatusBadRequest, err.Error())
		return
	}
	summary := strings.TrimSpace(strings.ReplaceAll(v.Summary, "\n", " "))
	var ch *pages.Change
	if view == "move" {
		to, err := wikipath.Parse(strings.TrimSuffix(strings.TrimSpace(v.NewPath), ".md"))
		if err != nil {
			var pe *wikipath.Error
			errors.As(err, &pe)
			refuse(http.StatusBadRequest, "The new name cannot be used: "+pe.Reason+".")
			return
		}
		ch = s.pages.Move(v.Page, to, author, summary)
	} else {
		ch = s.pages.Delete(v.Page, author, summary)
	}
	if st.Settings.EditPolicy == site.PolicyOpen || (maintainer && r.FormValue("propose") == "") {
		_, err = s.pages.Apply(ctx, "refs/heads/"+s.repo.Branch(), ch)
		if err == nil {
			to := ch.Page.URL()
			if view == "delete" {
				to = "/"
			}
			s.seeOther(w, r, to)
			return
		}
	} else {
		prop, token, oerr := s.review.OpenChange(ctx, st.Commit, ch)
		if err = oerr; err == nil {
			s.seeOther(w, r, s.proposalURL(prop.ID, token, true))
			return
		}
	}
	var p *pages.Problem
	if errors.As(err, &p) {
		refuse(p.Status, p.Reason)
		return
	}
	s.serveError(w, r, err)
}
