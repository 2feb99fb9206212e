package web

import (
	"encoding/json"
	"net/http"
)

// health reports that the wiki can read its branch, and at which commit,
// and with an upstream, how the sync stands (upstreamHealth). While the
// server starts: 503 "starting" until pages can be served, then "ok" with
// "loading": true until the head's full model is read (pages are served
// from a provisional one meanwhile, starting.go). "search" is how far the
// full-text index is (searcher.status): "starting" while a first start
// builds it.
func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	loading := !s.Ready()
	if loading && !s.provisional.Load() {
		w.Header().Set("Retry-After", startRetry)
		w.WriteHeader(http.StatusServiceUnavailable)
		return json.NewEncoder(w).Encode(map[string]string{"status": "starting"})
	}
	h, err := s.loader.HeadCommit(r.Context())
	if err != nil {
		s.log.Error("health", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		return json.NewEncoder(w).Encode(map[string]string{"status": "error", "error": "the wiki's branch cannot be read"})
	}
	out := map[string]any{"status": "ok", "revision": h.String(), "search": s.search.status()}
	if loading {
		out["loading"] = true
	}
	s.upstreamHealth(out)
	return json.NewEncoder(w).Encode(out)
}
