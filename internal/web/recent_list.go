package web

import (
	"context"
	"net/http"

	"github.com/gitwiki/gitwiki/internal/site"
)

// recentLimit is how many changes recent changes and the feed show.
const recentLimit = 50

// recentList shows the latest commits on the served branch with the pages
// each one touched.
func (s *Server) recentList(w http.ResponseWriter, r *http.Request) error {
	st, err := s.loader.Head(r.Context())
	if err != nil {
		return err
	}
	if notModified(w, r, s.etag(r, "recent", st.Commit.String())) {
		return nil
	}
	changes, err := recent(r.Context(), st)
	if err != nil {
		return err
	}
	v := s.model(st).Recent(s.output(r, st), changes)
	s.withReader(r, &v.Base)
	w.Header().Set("Cache-Control", "no-cache")
	s.render(w, r, http.StatusOK, "recent", v)
	return nil
}

func recent(ctx context.Context, st *site.Site) ([]site.Change, error) {
	h, err := st.History(ctx, site.HistoryQuery{Recent: recentLimit})
	if err != nil {
		return nil, err
	}
	return h.Recent, nil
}
