package present

import (
	"net/url"
	"strconv"

	"github.com/gitwiki/gitwiki/internal/search"
	"github.com/gitwiki/gitwiki/internal/theme"
)

// SearchRequest is what a reader asked of search.
type SearchRequest struct {
	Query               string
	Folder, Tag, Lang   string
	Results             *search.Results     // nil before a query, or when only titles were matched
	Titles              []search.Suggestion // matches by title while the index is not ready
	Problem             string
	CatchingUp, NoIndex bool
}

// Search is the search page with its results.
func (m *Model) Search(o Output, r SearchRequest) *theme.SearchView {
	v := &theme.SearchView{Base: m.BaseT(o, "", "title.search"), Problem: r.Problem, Folder: r.Folder, Tag: r.Tag, Lang: r.Lang}
	v.Query, v.NoIndex = r.Query, true
	if r.Query != "" {
		v.Title = v.I18n.T("title.search_query", "Query", r.Query)
	}
	switch {
	case r.Results != nil:
		res := r.Results
		v.Total, v.Page, v.Pages, v.CatchingUp = res.Total, res.Page, res.Pages(), res.CatchingUp || r.CatchingUp
		for _, h := range res.Hits {
			sr := theme.SearchResult{PageRef: theme.PageRef{Title: h.Title, Page: h.Page}, Lang: h.Lang, Snippet: h.Snippet}
			for _, c := range h.Crumbs {
				sr.Crumbs = append(sr.Crumbs, theme.PageRef{Title: c.Title, Page: c.Page})
			}
			v.Results = append(v.Results, sr)
		}
		if base := o.Links.Action(theme.ActionSearch, ""); base != "" {
			if v.Page > 1 {
				v.PrevURL = m.searchURL(base, r, v.Page-1)
			}
			if v.Page < v.Pages {
				v.NextURL = m.searchURL(base, r, v.Page+1)
			}
		}
	case r.Query != "" && r.Problem == "":
		v.TitlesOnly = true
		v.Total, v.Page, v.Pages = len(r.Titles), 1, 1
		for _, t := range r.Titles {
			v.Results = append(v.Results, theme.SearchResult{PageRef: theme.PageRef{Title: t.Title, Page: t.Page}, Lang: t.Lang})
		}
	}
	return v
}

func (m *Model) searchURL(base string, r SearchRequest, page int) string {
	q := url.Values{"q": {r.Query}}
	for k, v := range map[string]string{"in": r.Folder, "tag": r.Tag, "lang": r.Lang} {
		if v != "" {
			q.Set(k, v)
		}
	}
	q.Set("page", strconv.Itoa(page))
	return base + "?" + q.Encode()
}

// AZ is the A–Z index of the published pages.
func (m *Model) AZ() []theme.AZLetter {
	var pages = m.listed()
	var out []theme.AZLetter
	for _, l := range search.TitleIndex(pages) {
		al := theme.AZLetter{Letter: l.Letter}
		al.Pages = m.Refs(l.Pages)
		out = append(out, al)
	}
	return out
}
