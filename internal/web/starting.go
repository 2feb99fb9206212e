package web

import (
	"context"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// startRetry is the Retry-After of answers given while the server starts.
const startRetry = "2"

// Ready reports whether the server has the full read model of the head:
// false while Warm reads it (on a first start, every page of a large wiki
// is read and parsed once).
func (s *Server) Ready() bool { return !s.starting.Load() }

// provisionalHistory bounds how long a provisional view waits for what
// needs the history (provisionalCtx).
const provisionalHistory = 250 * time.Millisecond

// whileStarting lets through, until the server is Ready, what can be
// answered without the head's full model:
//   - page views (GET and HEAD outside /-/, without ?rev=), served from a
//     provisional model (pageSite), which needs the tree and the page's
//     blob only;
//   - writes (every other method): they wait in their handlers for the
//     full model, which a write derives its commit's model from. Answering
//     a form's POST with the starting page would drop what the writer
//     typed (the page reloads by GET); waiting costs them seconds at most;
//   - the health check, theme assets and git's routes.
//
// Everything else (the editor, history, search, lists) gets a short 503
// page until then.
func (s *Server) whileStarting(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if s.Ready() || p == "/-/health" || strings.HasPrefix(p, "/-/static/") || strings.HasPrefix(p, "/-/git/") ||
			provisionalView(r) || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			h.ServeHTTP(w, r)
			return
		}
		s.startingPage(w, r)
	})
}

// provisionalView reports whether r is a page view a provisional model can
// answer: the head's (no ?rev=), outside /-/.
func provisionalView(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && !strings.HasPrefix(r.URL.Path, "/-/") && !r.URL.Query().Has("rev")
}

// pageSite is the model a page view reads: siteAt's once the server is
// Ready; until then, for the head, a provisional model holding the page
// asked for (site.Loader.Provisional), so the first reader of a large
// wiki gets its page before every other page is read.
func (s *Server) pageSite(r *http.Request, want wikipath.Page) (*site.Site, string, error) {
	if s.Ready() || !provisionalView(r) {
		return s.siteAt(r)
	}
	h, err := s.loader.HeadCommit(r.Context())
	if err != nil {
		return nil, "", err
	}
	st, err := s.loader.Provisional(r.Context(), h, want)
	return st, "", err
}

// lastChange is the page's last change as the page view shows it: from
// a provisional model, none when it takes long (provisionally).
func (s *Server) lastChange(ctx context.Context, st *site.Site, p *site.Page) (*store.Commit, error) {
	return provisionally(ctx, st, func(ctx context.Context) (*store.Commit, error) {
		return s.loader.LastChange(ctx, st.Commit, p.File)
	})
}

// translationStatus is the page's translation state as its view shows it:
// from a provisional model, none when it takes long (provisionally).
func (s *Server) translationStatus(ctx context.Context, st *site.Site, p *site.Page) (*site.TranslationState, error) {
	return provisionally(ctx, st, func(ctx context.Context) (*site.TranslationState, error) {
		return st.TranslationStatus(ctx, p)
	})
}

// provisionally runs get, which needs the history; for a provisional
// model within provisionalCtx's bound, and with nothing instead of an
// error when it does not answer in time.
func provisionally[T any](ctx context.Context, st *site.Site, get func(context.Context) (*T, error)) (*T, error) {
	ctx, cancel := provisionalCtx(ctx, st)
	defer cancel()
	v, err := get(ctx)
	if err != nil && st.Provisional() {
		return nil, nil
	}
	return v, err
}

// provisionalPage shows a page from a provisional model: rendered like any
// view, but neither kept nor validated (notFresh).
func (s *Server) provisionalPage(w http.ResponseWriter, r *http.Request, st *site.Site, p *site.Page) error {
	v, err := s.pageModel(r, st, p, "", false)
	if err != nil {
		return err
	}
	notFresh(w)
	w.Header().Set("Content-Language", v.I18n.Tag())
	s.render(w, r, http.StatusOK, "page", v)
	return nil
}

// provisionalCtx bounds, for a view of a provisional model, what needs
// the history (a page's last change, a translation's state) to
// provisionalHistory: on a first start the history index is built only
// once the full model is read, and until then an answer may mean walking
// most of the history. The view goes without it rather than wait.
func provisionalCtx(ctx context.Context, st *site.Site) (context.Context, context.CancelFunc) {
	if !st.Provisional() {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, provisionalHistory)
}

// notFresh marks a response made from a provisional model: never stored,
// and without a validator, or a browser would revalidate it against the
// full view's (same commit, same page) and keep it.
func notFresh(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }

// startingPage says the wiki is starting, in the reader's language, and
// asks the browser to try again shortly. It needs nothing of the wiki: no
// read model, no layout.
func (s *Server) startingPage(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Retry-After", startRetry)
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Add("Vary", "Accept-Language, Cookie")
	w.WriteHeader(http.StatusServiceUnavailable)
	if r.Method == http.MethodHead {
		return
	}
	data := map[string]string{"Lang": "en", "Dir": "ltr", "Title": "The wiki is starting", "Text": "Its pages are being read.", "Retry": startRetry}
	if c := s.theme.Catalog(); c != nil {
		l := c.Lang(c.Choose(readerChoice(r), r.Header.Get("Accept-Language"), ""))
		data["Lang"], data["Dir"], data["Title"], data["Text"] = l.Tag(), l.Dir(), l.T("error.starting.title"), l.T("error.starting.text")
	}
	startingTmpl.Execute(w, data)
}

var startingTmpl = template.Must(template.New("starting").Parse(`<!doctype html>
<html lang="{{.Lang}}" dir="{{.Dir}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{{.Retry}}"><meta name="robots" content="noindex"><title>{{.Title}}</title></head>
<body><main><h1>{{.Title}}</h1><p>{{.Text}}</p></main></body></html>
`))
