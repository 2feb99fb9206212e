package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/search"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/users"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// handler is a route's function. It writes a response, or returns why it
// could not, and serveError answers: handlers never choose a status for an
// error themselves.
type handler func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handler to net/http.
func (s *Server) handle(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.serveError(w, r, err)
		}
	}
}

// Refusals decided here rather than in a domain package: who may act,
// limits on clients, and what a request must look like.
var (
	errMaintainersOnly  = errors.New("only maintainers can do this")
	errTooManyWrites    = errors.New("too many writes from this client")
	errTooManyPreviews  = errors.New("too many previews from this client")
	errTooManyLogins    = errors.New("too many login attempts")
	errHoneypot         = errors.New("the form was filled in by software")
	errBadForm          = errors.New("the form could not be read")
	errPasswordsDiffer  = errors.New("the two passwords differ")
	errBadSetupToken    = errors.New("the setup link is not valid")
	errBadRevisionField = errors.New("the form names a revision that is not a commit id")
)

// notFoundError is a 404 with a sentence about what is missing.
type notFoundError struct{ message string }

func (e *notFoundError) Error() string { return e.message }
func (e *notFoundError) Unwrap() error { return store.ErrNotFound }

func errNotFound(msg string) error { return &notFoundError{msg} }

// errAccountsOff answers the account pages of a wiki without accounts.
var errAccountsOff = errNotFound("There is no page at this address.")

// answer is what a reader is told about an error.
type answer struct {
	status           int
	heading, message string
	field            string // the form field at fault, if any
}

// statuses maps the kinds of refusal the domain packages return.
var kindStatus = map[pages.Kind]int{
	pages.Invalid:     http.StatusBadRequest,
	pages.TooLarge:    http.StatusRequestEntityTooLarge,
	pages.Unsupported: http.StatusUnsupportedMediaType,
	pages.Exists:      http.StatusConflict,
	pages.Gone:        http.StatusNotFound,
	pages.Unresolved:  http.StatusConflict,
}

// sentinels maps every domain and web sentinel to what the reader is told.
// Order matters where one wraps another: the more specific comes first.
var sentinels = []struct {
	err error
	answer
}{
	{review.ErrNotFound, answer{http.StatusNotFound, "No such proposal", "There is no proposal with this number. It may have been numbered differently, or the link is incomplete.", ""}},
	{errBadSetupToken, answer{http.StatusForbidden, "This setup link is not valid", "Use the whole link the server printed when it started, or create the first maintainer on the server with: gitwiki user add NAME --maintainer.", ""}},
	{store.ErrNotFound, answer{http.StatusNotFound, "Not found", "There is nothing at this address in the wiki, at least not at this revision.", ""}},
	{store.ErrBadRevision, answer{http.StatusBadRequest, "Invalid revision", "The revision in this address is not a commit id or branch name.", ""}},
	{store.ErrTooLarge, answer{http.StatusRequestEntityTooLarge, "Too large", "This file is too large to be shown.", ""}},
	{search.ErrBadQuery, answer{http.StatusBadRequest, "Search not understood", "", ""}},
	{pages.ErrEditingClosed, answer{http.StatusForbidden, "Editing is closed", "This wiki is read-only at the moment: its maintainers have closed editing.", ""}},
	{pages.ErrCheckedOut, answer{http.StatusForbidden, "Editing on the web is off", "This wiki is served from a git working copy, and a web edit would be undone by the next commit made there. Its maintainers can turn editing on by serving a bare clone of the repository instead.", ""}},
	{pages.ErrNoProposals, answer{http.StatusForbidden, "Proposals are off", "This wiki does not take proposals, so this change cannot be saved.", ""}},
	{pages.ErrBusy, answer{http.StatusServiceUnavailable, "The wiki is busy", "The wiki is very busy and could not save this. Nothing was lost: please save again.", ""}},
	{review.ErrClosed, answer{http.StatusConflict, "Already decided", "This proposal has been merged or rejected already, so it cannot be changed.", ""}},
	{review.ErrBadToken, answer{http.StatusForbidden, "Not your proposal", "This link does not allow revising the proposal. Use the private link you were given when you proposed it.", ""}},
	{review.ErrEmptyText, answer{http.StatusBadRequest, "Empty comment", "The comment is empty or too long (at most 20,000 characters).", ""}},
	{review.ErrChanged, answer{http.StatusConflict, "Revised meanwhile", "The contributor revised this proposal after you loaded it, so it was not merged. Review the new version below, then merge again.", ""}},
	{users.ErrBusy, answer{http.StatusServiceUnavailable, "Please try again", "Many people are logging in at this moment. Please try again in a minute.", ""}},
	{users.ErrBadCredentials, answer{http.StatusUnauthorized, "Not logged in", "Wrong name or password.", ""}},
	{errMaintainersOnly, answer{http.StatusForbidden, "Not allowed", "Only maintainers can do this. Log in first.", ""}},
	{errTooManyWrites, answer{http.StatusTooManyRequests, "Please wait", "You have saved many changes in a short time. Nothing was lost: wait a few minutes and save again.", ""}},
	{errTooManyPreviews, answer{http.StatusTooManyRequests, "Please wait", "You have asked for many previews in a short time. Your text is kept: wait a minute, then preview again.", ""}},
	{render.ErrBusy, answer{http.StatusServiceUnavailable, "The wiki is busy", "The wiki is showing many pages at this moment. Nothing was lost: please try again in a moment.", ""}},
	{render.ErrTooComplex, answer{http.StatusUnprocessableEntity, "Too complex to show", "This text takes too long to show: it may hold very long runs of brackets or emphasis marks. Shorten those runs and try again.", "content"}},
	{errTooManyLogins, answer{http.StatusTooManyRequests, "Please wait", "Too many failed attempts to log in. Wait a minute, then try again.", ""}},
	{errBusyFiles, answer{http.StatusServiceUnavailable, "Please try again", "Many large files are being sent at this moment. Please try again in a minute.", ""}},
	{errHoneypot, answer{http.StatusBadRequest, "Not saved", "The form was filled in by software, so it was not saved. If you are a person, clear the field labelled “Leave this empty” and try again.", ""}},
	{errBadForm, answer{http.StatusBadRequest, "Bad request", "The form could not be read. Reload the page and try again.", ""}},
	{users.ErrInvalid, answer{http.StatusBadRequest, "Not accepted", "", ""}},
	{users.ErrExists, answer{http.StatusBadRequest, "Not accepted", "", ""}},
	{errBadRevisionField, answer{http.StatusBadRequest, "Bad request", "The form names a revision that is not a commit id. Reload the page and try again.", ""}},
	{errNoPageName, answer{http.StatusBadRequest, "Not saved", "Give the new page a name, such as Guides/My-new-page.", "path"}},
	{errTooManyFiles, answer{http.StatusBadRequest, "Not saved", "At most three files can be attached to one edit.", "attachment"}},
	{errDamagedUpload, answer{http.StatusBadRequest, "Not saved", "An attached file was damaged in the form. Please attach it again.", "attachment"}},
	{errPasswordsDiffer, answer{http.StatusBadRequest, "Passwords differ", "The two passwords are not the same.", ""}},
	{site.ErrLoadPanic, answer{http.StatusInternalServerError, "Something went wrong", serverFault, ""}},
}

const (
	serverFault = "Something went wrong on our side. The error has been logged; please try again later."
	formFault   = "Something went wrong on our side, and this was not saved. Everything you sent is kept below: copy your text somewhere safe, then try again in a while."
)

// classify maps an error to what the reader is told. Only unexpected errors
// become a 500, and only those are logged in detail.
func classify(err error) answer {
	var (
		nf  *notFoundError
		pe  *wikipath.Error
		pr  *pages.Problem
		cl  *pages.Cleaned
		cf  *pages.Conflict
		mc  *review.MergeConflict
		un  *review.Unresolved
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &nf):
		return answer{http.StatusNotFound, "Not found", nf.message, ""}
	case errors.As(err, &pe):
		return answer{http.StatusBadRequest, "Invalid address", "This address cannot be a wiki page: " + pe.Reason + ".", "path"}
	case errors.As(err, &pr):
		return answer{kindStatus[pr.Kind], "Not saved", pr.Reason, pr.Field}
	case errors.As(err, &cl):
		return answer{http.StatusUnprocessableEntity, "Check the text", "Some HTML in your text is not allowed on this wiki and was removed (see the list below). Check the text and save again.", "content"}
	case errors.As(err, &cf):
		return answer{http.StatusConflict, "Edit conflict", "", "content"}
	case errors.As(err, &un):
		return answer{http.StatusConflict, "Conflict markers left", sentence(err), "content"}
	case errors.As(err, &mc):
		return answer{http.StatusConflict, "Merge conflict", "This proposal changes lines that were also changed on the main branch since it was made. Resolve each file below, then merge.", ""}
	case errors.As(err, &mbe):
		return answer{http.StatusRequestEntityTooLarge, "Too large", "What you sent is larger than the wiki accepts. Pages are limited to 1 MB of text and files to 10 MB each.", ""}
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			a := s.answer
			if a.message == "" {
				a.message = sentence(err)
			}
			return a
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return answer{http.StatusServiceUnavailable, "Too slow", "The wiki took too long to answer. Please try again.", ""}
	}
	return answer{http.StatusInternalServerError, "Something went wrong", serverFault, ""}
}

// formError shows a form again, with everything the person sent, and the
// reason the submission was refused.
type formError struct {
	err  error
	view string
	data any
	// set writes the reason into data, for the field at fault.
	set func(field, message string)
}

func (e *formError) Error() string { return e.err.Error() }
func (e *formError) Unwrap() error { return e.err }

// serveError is the one place errors become responses.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return // the reader went away
	}
	a := classify(err)
	if a.status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	switch {
	case a.status == http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "60")
	case a.status == http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "5")
	}
	w.Header().Set("Cache-Control", "no-store")
	// A form is shown again whatever went wrong, even on our side: what the
	// person typed is never lost to an error page.
	var fe *formError
	if errors.As(err, &fe) {
		if a.status >= 500 {
			a.message = formFault
		}
		fe.set(a.field, a.message)
		s.render(w, r, a.status, fe.view, fe.data)
		return
	}
	s.renderError(w, r, &theme.ErrorView{Status: a.status, Heading: a.heading, Message: a.message})
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
