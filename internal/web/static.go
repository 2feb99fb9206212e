package web

import (
	"bytes"
	"net/http"

	"github.com/gorilla/mux"
)

// static serves theme assets under content-hashed names, so they can be
// cached for a year: a changed file gets a new name.
func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	a, ok := s.theme.Asset(mux.Vars(r)["name"])
	if !ok {
		s.notFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("ETag", `"`+a.Hashed+`"`)
	http.ServeContent(w, r, "", zeroTime, bytes.NewReader(a.Data))
}
