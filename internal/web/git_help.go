package web

import "net/http"

// gitHelp answers a browser that opens the clone address itself.
func (s *Server) gitHelp(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, err := w.Write([]byte("This is the wiki's git repository. Copy it with:\n\n    git clone " + s.gitURL(r) + " wiki\n"))
	return err
}
