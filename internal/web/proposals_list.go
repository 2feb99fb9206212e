package web

import (
	"net/http"

	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
)

// proposalsList shows open, merged and rejected proposals.
func (s *Server) proposalsList(w http.ResponseWriter, r *http.Request) {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	list, err := s.review.List(r.Context())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	v := &theme.ProposalsView{Base: s.base(r, st, "Proposals", ""), Maintainer: s.isMaintainer(r), GitURL: s.gitURL(r)}
	v.NoIndex = true
	for _, p := range list {
		item := proposalItem(st, p)
		switch p.State {
		case review.Merged:
			v.Merged = append(v.Merged, item)
		case review.Rejected:
			v.Rejected = append(v.Rejected, item)
		default:
			v.Open = append(v.Open, item)
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "proposals", v)
}

func proposalItem(st *site.Site, p *review.Proposal) theme.ProposalItem {
	item := theme.ProposalItem{
		ID: p.ID, Title: p.Title, State: string(p.State), Author: p.Author.Name,
		Created: p.Created, Updated: p.Updated, Comments: len(p.Comments), Pushed: p.Pushed,
		Page: theme.PageRef{Title: p.Page.Title(), Page: p.Page},
	}
	if pg, ok := st.Page(p.Page); ok {
		item.Page.Title = pg.Title
	}
	if item.Title == "" {
		item.Title = "Proposal " + itoa(p.ID)
	}
	return item
}

// gitURL is the clone URL shown in instructions.
func (s *Server) gitURL(r *http.Request) string { return s.origin(r) + "/-/git" }
