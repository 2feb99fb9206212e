package web

import (
	"net/http"

	"github.com/gitwiki/gitwiki/internal/present"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
)

// historyLimit bounds one history page; older commits are reached with ?rev=.
const historyLimit = 200

// pageHistory lists the commits that changed a page, newest first.
func (s *Server) pageHistory(w http.ResponseWriter, r *http.Request) error {
	name, err := page(r)
	if err != nil {
		return err
	}
	st, rev, err := s.siteAt(r)
	if err != nil {
		return err
	}
	p, ok := st.Page(name)
	if !ok {
		return errNotFound("no_history", "Name", string(name))
	}
	build := func(r *http.Request) (string, any, string, error) {
		v, err := s.historyView(r, st, p)
		return "history", v, "", err
	}
	if rev == "" {
		if k, ok := s.viewKey(r, st, kindHistory, name); ok {
			return s.serveView(w, r, k, build)
		}
	}
	if notModified(w, r, s.etag(r, "history", st.Commit.String(), string(name), rev)) {
		return nil
	}
	_, v, _, err := build(r)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-cache")
	s.render(w, r, http.StatusOK, "history", v)
	return nil
}

// historyView lists up to historyLimit commits that changed p, newest
// first. A commit's history never changes, so anonymous readers get it
// from the view cache.
func (s *Server) historyView(r *http.Request, st *site.Site, p *site.Page) (*theme.HistoryView, error) {
	commits, err := st.PageHistory(r.Context(), p, historyLimit)
	if err != nil {
		return nil, err
	}
	v := &theme.HistoryView{Base: s.baseT(r, st, p.Name, "title.history", "Title", p.Title), Page: p.Name}
	v.NoIndex = true
	for _, c := range commits {
		v.Entries = append(v.Entries, *present.Change(c))
	}
	// "Compare with previous" means the previous change to this page, not the
	// commit's parent, which may predate the page's last edit by far.
	for i := range v.Entries {
		switch {
		case i+1 < len(v.Entries):
			v.Entries[i].Parent = v.Entries[i+1].Hash
		case len(commits) < historyLimit:
			v.Entries[i].Parent = "" // the page's first version
		}
	}
	return v, nil
}
