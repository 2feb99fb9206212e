package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/gitwiki/gitwiki/internal/i18n"
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

// notFoundError is a 404 with a sentence about what is missing: a key of
// the catalog's error texts, with its arguments.
type notFoundError struct {
	key  string
	args []any
}

func (e *notFoundError) Error() string { return "not found: " + e.key }
func (e *notFoundError) Unwrap() error { return store.ErrNotFound }

// errNotFound is a 404 saying error.<key>.text, with name-value args.
func errNotFound(key string, args ...any) error { return &notFoundError{key, args} }

// errAccountsOff answers the account pages of a wiki without accounts.
var errAccountsOff = errNotFound("no_page")

// answer is what a reader is told about an error: error.<id>.title and
// .text from the catalog, in the reader's language. A domain error that
// says why itself (a Sayer) is told in its own words instead of .text.
type answer struct {
	status int
	id     string
	field  string // the form field at fault, if any
	text   string // the key of the text, when not error.<id>.text
	args   []any
	say    i18n.Sayer
	quiet  bool // the view explains it (an edit conflict): no text
}

// words are the heading and message of a in l's language.
func (a answer) words(l *i18n.Lang) (heading, message string) {
	heading = l.T("error." + a.id + ".title")
	switch {
	case a.quiet:
	case a.say != nil:
		message = l.Say(a.say)
	case a.text != "":
		message = l.T(a.text, a.args...)
	default:
		message = l.T("error." + a.id + ".text")
	}
	return heading, message
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
	{review.ErrNotFound, answer{status: http.StatusNotFound, id: "no_proposal"}},
	{errBadSetupToken, answer{status: http.StatusForbidden, id: "bad_setup_token"}},
	{errSetupDone, answer{status: http.StatusGone, id: "setup_done"}},
	{store.ErrNotFound, answer{status: http.StatusNotFound, id: "not_found"}},
	{store.ErrBadRevision, answer{status: http.StatusBadRequest, id: "bad_revision"}},
	{store.ErrTooLarge, answer{status: http.StatusRequestEntityTooLarge, id: "file_too_large"}},
	{search.ErrBadQuery, answer{status: http.StatusBadRequest, id: "bad_query"}},
	{pages.ErrEditingClosed, answer{status: http.StatusForbidden, id: "editing_closed"}},
	{pages.ErrCheckedOut, answer{status: http.StatusForbidden, id: "checked_out"}},
	{pages.ErrNoProposals, answer{status: http.StatusForbidden, id: "no_proposals"}},
	{pages.ErrBusy, answer{status: http.StatusServiceUnavailable, id: "busy_save"}},
	{review.ErrClosed, answer{status: http.StatusConflict, id: "decided"}},
	{review.ErrBadToken, answer{status: http.StatusForbidden, id: "bad_token"}},
	{review.ErrEmptyText, answer{status: http.StatusBadRequest, id: "empty_comment"}},
	{review.ErrChanged, answer{status: http.StatusConflict, id: "revised"}},
	{review.ErrUnchosen, answer{status: http.StatusUnprocessableEntity, id: "unchosen"}},
	{users.ErrBusy, answer{status: http.StatusServiceUnavailable, id: "busy_login"}},
	{users.ErrBadCredentials, answer{status: http.StatusUnauthorized, id: "bad_credentials"}},
	{errMaintainersOnly, answer{status: http.StatusForbidden, id: "maintainers_only"}},
	{errTooManyWrites, answer{status: http.StatusTooManyRequests, id: "too_many_writes"}},
	{errTooManyPreviews, answer{status: http.StatusTooManyRequests, id: "too_many_previews"}},
	{render.ErrBusy, answer{status: http.StatusServiceUnavailable, id: "busy_render"}},
	{render.ErrTooComplex, answer{status: http.StatusUnprocessableEntity, id: "too_complex", field: "content"}},
	{errTooManyLogins, answer{status: http.StatusTooManyRequests, id: "too_many_logins"}},
	{errBusyFiles, answer{status: http.StatusServiceUnavailable, id: "busy_files"}},
	{errHoneypot, answer{status: http.StatusBadRequest, id: "honeypot"}},
	{errBadForm, answer{status: http.StatusBadRequest, id: "bad_form"}},
	{users.ErrInvalid, answer{status: http.StatusBadRequest, id: "not_accepted"}},
	{users.ErrExists, answer{status: http.StatusBadRequest, id: "not_accepted"}},
	{errBadRevisionField, answer{status: http.StatusBadRequest, id: "bad_revision_field"}},
	{errNoPageName, answer{status: http.StatusBadRequest, id: "no_page_name", field: "path"}},
	{errTooManyFiles, answer{status: http.StatusBadRequest, id: "too_many_files", field: "attachment"}},
	{errDamagedUpload, answer{status: http.StatusBadRequest, id: "damaged_upload", field: "attachment"}},
	{errPasswordsDiffer, answer{status: http.StatusBadRequest, id: "passwords_differ"}},
	{site.ErrLoadPanic, answer{status: http.StatusInternalServerError, id: "fault"}},
}

// serverFault is the answer when even the error page cannot be rendered,
// so it cannot be translated either.
const serverFault = "Something went wrong on our side. The error has been logged; please try again later."

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
		say i18n.Sayer
	)
	switch {
	case errors.As(err, &nf):
		return answer{status: http.StatusNotFound, id: "not_found", text: "error." + nf.key + ".text", args: nf.args}
	case errors.As(err, &pe):
		return answer{status: http.StatusBadRequest, id: "invalid_address", field: "path", text: "error.invalid_address.text", args: []any{"Reason", pe}}
	case errors.As(err, &pr):
		return answer{status: kindStatus[pr.Kind], id: "not_saved", field: pr.Field, say: pr}
	case errors.As(err, &cl):
		return answer{status: http.StatusUnprocessableEntity, id: "cleaned", field: "content"}
	case errors.As(err, &cf):
		return answer{status: http.StatusConflict, id: "conflict", field: "content", quiet: true}
	case errors.As(err, &un):
		return answer{status: http.StatusConflict, id: "unresolved", field: "content", text: "problem.conflict_markers"}
	case errors.As(err, &mc):
		return answer{status: http.StatusConflict, id: "merge_conflict"}
	case errors.As(err, &mbe):
		return answer{status: http.StatusRequestEntityTooLarge, id: "too_large"}
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			a := s.answer
			if errors.As(err, &say) {
				a.say = say
			}
			return a
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return answer{status: http.StatusServiceUnavailable, id: "too_slow"}
	}
	return answer{status: http.StatusInternalServerError, id: "fault"}
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
		l := s.formLang(r, fe.data)
		_, msg := a.words(l)
		if a.status >= 500 {
			msg = l.T("error.form_fault.text")
		}
		fe.set(a.field, msg)
		s.render(w, r, a.status, fe.view, fe.data)
		return
	}
	s.renderAnswer(w, r, a)
}

// formLang is the language of a form shown again: its view's.
func (s *Server) formLang(r *http.Request, data any) *i18n.Lang {
	if v, ok := data.(interface{ Language() *i18n.Lang }); ok && v.Language() != nil {
		return v.Language()
	}
	return s.theme.Catalog().Lang(s.theme.Catalog().Choose(readerChoice(r), r.Header.Get("Accept-Language"), ""))
}

// renderAnswer shows an error page in the wiki's chrome, in the reader's
// language, when the head can be read, and as plain text when even that
// fails.
func (s *Server) renderAnswer(w http.ResponseWriter, r *http.Request, a answer) {
	w.Header().Set("Cache-Control", "no-store")
	st, err := s.loader.Head(r.Context())
	if err != nil {
		http.Error(w, serverFault, a.status)
		return
	}
	v := &theme.ErrorView{Status: a.status}
	v.Base = s.base(r, st, "", "")
	v.Heading, v.Message = a.words(v.I18n)
	v.Title = v.Heading
	v.NoIndex = true
	s.render(w, r, v.Status, "error", v)
}
