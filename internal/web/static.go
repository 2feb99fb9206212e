package web

import (
	"bytes"
	"net/http"
)

// static serves theme assets under content-hashed names, so they can be
// cached for a year: a changed file gets a new name.
func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	a, ok := s.theme.Asset(routeVar(r, "name"))
	if !ok {
		return errNotFound("no_theme_file")
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("ETag", `"`+a.Hashed+`"`)
	http.ServeContent(w, r, "", zeroTime, bytes.NewReader(a.Data))
	return nil
}
