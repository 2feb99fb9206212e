package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/gitwiki/gitwiki/internal/search"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// httpError carries a status and a sentence for the reader.
type httpError struct {
	status  int
	heading string
	message string
}

func (e *httpError) Error() string { return e.message }

func errBadRequest(msg string) error { return &httpError{http.StatusBadRequest, "Bad request", msg} }
func errNotFound(msg string) error   { return &httpError{http.StatusNotFound, "Not found", msg} }

// classify maps an error to what the reader is told. Only unexpected errors
// become a 500, and only those are logged in detail.
func classify(err error) *httpError {
	var he *httpError
	var pe *wikipath.Error
	switch {
	case errors.As(err, &he):
		return he
	case errors.As(err, &pe):
		return &httpError{http.StatusBadRequest, "Invalid address", "This address cannot be a wiki page: " + pe.Reason + "."}
	case errors.Is(err, store.ErrBadRevision):
		return &httpError{http.StatusBadRequest, "Invalid revision", "The revision in this address is not a commit id or branch name."}
	case errors.Is(err, store.ErrNotFound), errors.Is(err, site.ErrNotFound):
		return &httpError{http.StatusNotFound, "Not found", "There is nothing at this address in the wiki, at least not at this revision."}
	case errors.Is(err, store.ErrTooLarge):
		return &httpError{http.StatusRequestEntityTooLarge, "Too large", "This file is too large to be shown."}
	case errors.Is(err, search.ErrBadQuery):
		return &httpError{http.StatusBadRequest, "Search not understood", err.Error()}
	}
	return &httpError{http.StatusInternalServerError, "Something went wrong", "Something went wrong on our side. The error has been logged; please try again later."}
}

// serveError is the one place errors become responses.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return // the reader went away
	}
	he := classify(err)
	if he.status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.renderError(w, r, &theme.ErrorView{Status: he.status, Heading: he.heading, Message: he.message})
}

// renderError shows an error page in the wiki's chrome when the head can be
// read, and as plain text when even that fails.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, v *theme.ErrorView) {
	w.Header().Set("Cache-Control", "no-store")
	st, err := s.loader.Head(r.Context())
	if err != nil {
		http.Error(w, v.Message, v.Status)
		return
	}
	v.Base = s.base(r, st, v.Heading, "")
	v.NoIndex = true
	s.render(w, r, v.Status, "error", v)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.serveError(w, r, errNotFound("There is no page at this address."))
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, &theme.ErrorView{Status: http.StatusMethodNotAllowed, Heading: "Not allowed", Message: "This address does not accept " + r.Method + " requests."})
}

func errForbidden(msg string) error { return &httpError{http.StatusForbidden, "Not allowed", msg} }

// errClosed answers edits while wiki.yaml says edit_policy: closed.
var errClosed = &httpError{http.StatusForbidden, "Editing is closed", "This wiki is read-only at the moment: its maintainers have closed editing."}

// editableHead is the head's read model for a request that changes the
// wiki: errClosed while wiki.yaml says edit_policy: closed.
func (s *Server) editableHead(ctx context.Context) (*site.Site, error) {
	st, err := s.loader.Head(ctx)
	if err != nil {
		return nil, err
	}
	if st.Settings.EditPolicy == site.PolicyClosed {
		return nil, errClosed
	}
	return st, nil
}
