package web

import (
	"net/http"

	"github.com/gitwiki/gitwiki/internal/theme"
)

// These answer requests that reach no handler of their own: an address
// without a route, a method a route does not take, and a form posted from
// another site.

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.serveError(w, r, errNotFound("There is no page at this address."))
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, &theme.ErrorView{Status: http.StatusMethodNotAllowed, Heading: "Not allowed", Message: "This address does not accept " + r.Method + " requests."})
}

// crossOriginDenied answers a form posted from another site, which a
// browser marks with Sec-Fetch-Site or Origin.
func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, &theme.ErrorView{
		Status:  http.StatusForbidden,
		Heading: "Sent from another website",
		Message: "This form was sent from another website, so the wiki refused it: another site must not act in your name. If you sent it yourself, open the wiki's own page, reload it and try again.",
	})
}
