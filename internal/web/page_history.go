package web

import (
	"net/http"

	"github.com/gitwiki/gitwiki/internal/present"
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
	if notModified(w, r, s.etag(r, "history", st.Commit.String(), string(name), rev)) {
		return nil
	}
	commits, err := st.PageHistory(r.Context(), p, historyLimit)
	if err != nil {
		return err
	}
	v := &theme.HistoryView{Base: s.baseT(r, st, name, "title.history", "Title", p.Title), Page: name}
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
	w.Header().Set("Cache-Control", "no-cache")
	s.render(w, r, http.StatusOK, "history", v)
	return nil
}
