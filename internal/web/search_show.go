package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/gitwiki/gitwiki/internal/search"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

const searchLimit = 50

// searchShow answers /-/search?q= from the index of the head commit.
func (s *Server) searchShow(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		return err
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if err := s.syncSearch(r.Context(), st); err != nil {
		return err
	}
	v := &theme.SearchView{Base: s.base(r, st, "Search", "")}
	v.Query = q
	v.NoIndex = true
	if q != "" {
		v.Title = "Search: " + q
		hits, _, err := s.searchIndex.Search(r.Context(), q, searchLimit)
		if err != nil {
			return err
		}
		for _, h := range hits {
			v.Results = append(v.Results, theme.SearchResult{
				PageRef: theme.PageRef{Title: h.Title, Page: wikipath.Page(h.Page)},
				Snippet: h.Snippet,
			})
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "search", v)
	return nil
}

// syncSearch brings the index up to the given commit; only pages whose
// blob changed are indexed again.
func (s *Server) syncSearch(ctx context.Context, st *site.Site) error {
	s.searchMu.Lock()
	defer s.searchMu.Unlock()
	if s.searchCommit == st.Commit {
		return nil
	}
	var docs []search.Doc
	for _, p := range st.Pages() {
		if p.Hidden {
			continue
		}
		docs = append(docs, search.Doc{
			Page:    string(p.Name),
			Version: p.Blob.String(),
			Title:   p.Title,
			Text:    p.Summary.Text,
			Tags:    p.FrontMatter().Tags,
			Lang:    st.Lang(p),
		})
	}
	if _, _, _, err := s.searchIndex.Sync(ctx, docs); err != nil {
		return err
	}
	s.searchCommit = st.Commit
	return nil
}
