package web

import (
	"html/template"
	"net/http"
	"strings"
)

// startRetry is the Retry-After of answers given while the server starts.
const startRetry = "2"

// Ready reports whether the server can serve the wiki: false while Warm
// reads the head (on a first start, every page of a large wiki is read
// and parsed once).
func (s *Server) Ready() bool { return !s.starting.Load() }

// whileStarting answers requests that need the wiki with a short 503 page
// until the server is Ready; the health check, theme assets and git's
// routes need no read model and pass.
func (s *Server) whileStarting(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if s.Ready() || p == "/-/health" || strings.HasPrefix(p, "/-/static/") || strings.HasPrefix(p, "/-/git/") {
			h.ServeHTTP(w, r)
			return
		}
		s.startingPage(w, r)
	})
}

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
