package web

import (
	"net/http"
	"strconv"

	"github.com/gitwiki/gitwiki/internal/present"
)

// proposalsList shows open, merged and rejected proposals.
func (s *Server) proposalsList(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		return err
	}
	list, err := s.review.List(r.Context())
	if err != nil {
		return err
	}
	v := s.model(st).Proposals(s.output(r, st), list)
	s.withReader(r, &v.Base)
	v.Maintainer, v.GitURL = s.isMaintainer(r), s.gitURL(r)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "proposals", v)
	return nil
}

// proposalsFeed is an Atom feed of open proposals.
func (s *Server) proposalsFeed(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		return err
	}
	list, err := s.review.List(r.Context())
	if err != nil {
		return err
	}
	origin := s.origin(r)
	f := s.model(st).ProposalsFeed(present.ProposalsFeedLinks{
		Self: origin + s.urlFor("proposals-feed"), List: origin + s.urlFor("proposals"),
		Proposal: func(id int) string { return origin + s.urlFor("proposal", "id", strconv.Itoa(id)) },
	}, list)
	return s.writeFeed(w, r, f)
}

// gitURL is the clone URL shown in instructions.
func (s *Server) gitURL(r *http.Request) string { return s.origin(r) + s.urlFor("git-base") }
