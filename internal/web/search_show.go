package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gitwiki/gitwiki/internal/present"
	"github.com/gitwiki/gitwiki/internal/search"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
)

// searchShow answers /-/search?q=&page=&in=&tag=&lang=, as a page or, with
// format=json, as JSON. Until the index is ready it matches titles from the
// read model and says so: serving never waits for indexing.
func (s *Server) searchShow(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		return err
	}
	q := r.URL.Query()
	req := present.SearchRequest{Query: strings.TrimSpace(q.Get("q")), Folder: q.Get("in"), Tag: q.Get("tag"), Lang: q.Get("lang")}
	page, _ := strconv.Atoi(q.Get("page"))
	qerr := s.runSearch(r, st, &req, page)
	v := s.model(st).Search(s.output(r, st), req)
	s.withReader(r, &v.Base)
	if qe := (*search.QueryError)(nil); errors.As(qerr, &qe) {
		v.Problem = v.I18n.Say(qe)
	}
	w.Header().Set("Cache-Control", "no-store")
	if q.Get("format") == "json" {
		return s.searchJSON(w, v, qerr)
	}
	if qerr != nil {
		return &formError{err: qerr, view: "search", data: v, set: func(_, msg string) { v.Problem = msg }}
	}
	s.render(w, r, http.StatusOK, "search", v)
	return nil
}

// runSearch fills req with the results of its query: from the index, or by
// title while the index is not ready (or broken: then it is rebuilt). It
// returns the query's error, for a query that cannot be searched.
func (s *Server) runSearch(r *http.Request, st *site.Site, req *present.SearchRequest, page int) error {
	if req.Query == "" && req.Folder == "" && req.Tag == "" && req.Lang == "" {
		return nil
	}
	s.search.start(s.loader)
	if ix := s.search.index(); ix != nil {
		res, err := ix.Search(r.Context(), search.Query{Text: req.Query, Folders: nonEmpty(req.Folder), Tags: nonEmpty(req.Tag), Langs: nonEmpty(req.Lang), Page: page})
		var qe *search.QueryError
		switch {
		case err == nil:
			req.Results, req.CatchingUp = res, res.Indexed != st.Commit
			return nil
		case errors.As(err, &qe):
			req.Problem = qe.Reason
			return err
		case errors.Is(err, search.ErrDamaged):
			s.search.changed() // the next round rebuilds it
		case !errors.Is(err, search.ErrNotReady):
			return err
		}
	}
	req.Titles = search.TitleMatches(st, req.Query, searchFallback)
	return nil
}

// searchFallback is how many title matches are shown while the index is
// not ready.
const searchFallback = 20

func nonEmpty(s string) []string {
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	return []string{s}
}

// searchResultJSON is one hit of format=json.
type searchResultJSON struct {
	Page    string          `json:"page"`
	URL     string          `json:"url"`
	Title   string          `json:"title"`
	Lang    string          `json:"lang,omitempty"`
	Crumbs  []searchCrumbJS `json:"crumbs"`
	Snippet string          `json:"snippet"` // escaped HTML, matches in <mark>
}

type searchCrumbJS struct {
	Page  string `json:"page"`
	Title string `json:"title"`
}

// searchJSON writes the view's results as JSON: the same results as the
// page, paging included.
func (s *Server) searchJSON(w http.ResponseWriter, v *theme.SearchView, qerr error) error {
	out := struct {
		Query      string             `json:"query"`
		Total      int                `json:"total"`
		Page       int                `json:"page"`
		Pages      int                `json:"pages"`
		CatchingUp bool               `json:"catchingUp"`
		TitlesOnly bool               `json:"titlesOnly"`
		Error      string             `json:"error,omitempty"`
		Results    []searchResultJSON `json:"results"`
	}{Query: v.Query, Total: v.Total, Page: v.Page, Pages: v.Pages, CatchingUp: v.CatchingUp, TitlesOnly: v.TitlesOnly, Error: v.Problem, Results: []searchResultJSON{}}
	for _, h := range v.Results {
		res := searchResultJSON{Page: string(h.Page), URL: v.Links.Page(h.Page), Title: h.Title, Lang: h.Lang, Snippet: string(h.Snippet), Crumbs: []searchCrumbJS{}}
		for _, c := range h.Crumbs {
			res.Crumbs = append(res.Crumbs, searchCrumbJS{Page: string(c.Page), Title: c.Title})
		}
		out.Results = append(out.Results, res)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if qerr != nil {
		w.WriteHeader(http.StatusBadRequest)
	}
	return json.NewEncoder(w).Encode(out)
}
