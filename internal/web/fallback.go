package web

import (
	"net/http"
)

// These answer requests that reach no handler of their own: an address
// without a route, a method a route does not take, and a form posted from
// another site.

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.serveError(w, r, errNotFound("no_page"))
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.renderAnswer(w, r, answer{status: http.StatusMethodNotAllowed, id: "method", text: "error.method.text", args: []any{"Method", r.Method}})
}

// crossOriginDenied answers a form posted from another site, which a
// browser marks with Sec-Fetch-Site or Origin.
func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	s.renderAnswer(w, r, answer{status: http.StatusForbidden, id: "cross_origin"})
}
