package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gitwiki/gitwiki/internal/present"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/theme"
)

func itoa(n int) string { return strconv.Itoa(n) }

// proposalID reads {id}; the route admits digits only, nine at most.
func proposalID(r *http.Request) int {
	id, _ := strconv.Atoi(routeVar(r, "id"))
	return id
}

// proposalShow shows one proposal: its diff per file, the proposed page
// rendered, comments, and the maintainer's actions.
func (s *Server) proposalShow(w http.ResponseWriter, r *http.Request) error {
	v, err := s.proposalView(r, proposalID(r))
	if err != nil {
		return err
	}
	if token := reviseToken(r, v.Proposal.ID); token != "" && v.CanRevise {
		v.JustOpened = r.URL.Query().Get("opened") == "1"
		v.ReviseURL = s.origin(r) + s.reviseURL(v.Proposal, token)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "proposal", v)
	return nil
}

// reviseURL is the contributor's private link to revise a proposal.
func (s *Server) reviseURL(p theme.ProposalItem, token string) string {
	return s.urlFor("edit", "page", string(p.Page.Page)) + "?proposal=" + strconv.Itoa(p.ID) + "&token=" + url.QueryEscape(token)
}

func (s *Server) proposalView(r *http.Request, id int) (*theme.ProposalView, error) {
	ctx := r.Context()
	st, err := s.loader.Head(ctx)
	if err != nil {
		return nil, err
	}
	p, err := s.review.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	files, err := s.review.Changes(ctx, p)
	if err != nil {
		return nil, err
	}
	var preview template.HTML
	if head := p.HeadHash(); !head.IsZero() {
		if pst, err := s.loader.At(ctx, head); err == nil {
			if pg, ok := pst.Page(p.Page); ok {
				if doc, err := pst.Render(ctx, pg, s.contentURLs, urlsKey); err == nil {
					preview = doc.HTML
				}
			}
		}
	}
	v := s.model(st).Proposal(s.output(r, st), p, files, preview)
	s.withReader(r, &v.Base)
	v.Maintainer = s.isMaintainer(r)
	v.CanRevise = p.State == review.Open && p.CheckToken(reviseToken(r, id))
	v.Honeypot = honeypotField
	v.GitURL = s.gitURL(r)
	standing, err := s.review.Standing(ctx, p)
	if err != nil {
		return nil, err
	}
	v.Standing = s.model(st).Standing(v.I18n, standing)
	if v.Maintainer && standing.Conflict != nil {
		// Offered at once, not first when Merge is pressed.
		v.Conflict = present.ConflictView(standing.Conflict, nil)
	}
	return v, nil
}

// proposalForm shows the proposal again with the reason a form posted on it
// was refused; conflict, when set, asks for the files to be resolved.
func (s *Server) proposalForm(r *http.Request, id int, err error, conflict *theme.MergeConflictView) error {
	v, verr := s.proposalView(r, id)
	if verr != nil {
		return verr
	}
	if conflict != nil {
		v.Conflict = conflict
	}
	return &formError{err: err, view: "proposal", data: v, set: func(_, msg string) { v.Problem = msg }}
}
