package web

import (
	"github.com/gitwiki/gitwiki/internal/atom"
	"net/http"
	"time"

	"github.com/gitwiki/gitwiki/internal/review"
)

// proposalsFeed is an Atom feed of open proposals, so maintainers learn of
// new ones in their feed reader.
func (s *Server) proposalsFeed(w http.ResponseWriter, r *http.Request) {
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
	origin := s.origin(r)
	f := atom.Feed{
		Title:   st.Settings.Title + ": open proposals",
		ID:      origin + s.urlFor("proposals"),
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339),
		Links:   []atom.Link{{Href: origin + s.urlFor("proposals-feed"), Rel: "self", Type: "application/atom+xml"}, {Href: origin + s.urlFor("proposals")}},
	}
	for _, p := range list {
		if p.State != review.Open {
			continue
		}
		if u := p.Updated.UTC().Format(time.RFC3339); u > f.Updated {
			f.Updated = u
		}
		f.Entries = append(f.Entries, atom.Entry{
			Title:   "Proposal " + itoa(p.ID) + ": " + p.Title,
			ID:      origin + s.urlFor("proposal", "id", itoa(p.ID)),
			Updated: p.Updated.UTC().Format(time.RFC3339),
			Author:  atom.Author{Name: p.Author.Name},
			Links:   []atom.Link{{Href: origin + s.urlFor("proposal", "id", itoa(p.ID))}},
			Summary: "Changes " + string(p.Page) + ", proposed by " + p.Author.Name + ".",
		})
	}
	s.writeFeed(w, r, &f)
}
