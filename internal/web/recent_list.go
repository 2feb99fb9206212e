package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// recentLimit is how many commits recent changes and the feed show.
const recentLimit = 50

// recentList shows the latest commits on the served branch with the pages
// each one touched.
func (s *Server) recentList(w http.ResponseWriter, r *http.Request) {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	if notModified(w, r, s.etag(r, "recent", st.Commit.String())) {
		return
	}
	entries, err := s.recentChanges(r.Context(), st)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	v := &theme.RecentView{Base: s.base(r, st, "Recent changes", ""), Entries: entries}
	w.Header().Set("Cache-Control", "no-cache")
	s.render(w, r, http.StatusOK, "recent", v)
}

// recentChanges maps the latest commits' changed files to pages, leaving
// out commits that touched nothing under the content root.
func (s *Server) recentChanges(ctx context.Context, st *site.Site) ([]theme.Change, error) {
	log, err := s.repo.Log(ctx, st.Commit, recentLimit)
	if err != nil {
		return nil, err
	}
	prefix := ""
	if d := s.loader.Dir(); d != "" {
		prefix = d + "/"
	}
	var out []theme.Change
	for _, e := range log {
		c := change(e.Commit)
		for _, fc := range e.Changes {
			if !strings.HasPrefix(fc.Path, prefix) {
				continue
			}
			rel := strings.TrimPrefix(fc.Path, prefix)
			if name, ok := wikipath.FromFile(rel); ok {
				title := name.Title()
				if p, ok := st.Page(name); ok {
					if p.Hidden {
						continue
					}
					title = p.Title
				}
				c.Pages = append(c.Pages, theme.PageRef{Title: title, Page: name})
			} else {
				c.Files = append(c.Files, rel)
			}
		}
		if len(c.Pages)+len(c.Files) > 0 {
			out = append(out, *c)
		}
	}
	return out, nil
}
