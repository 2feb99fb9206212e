package web

import (
	"net/http"

	"github.com/gorilla/mux"
)

// routes lists every URL of the wiki in one place. Everything but pages and
// attachments lives under /-/, which no page name may start with.
func (s *Server) routes() *mux.Router {
	r := mux.NewRouter()
	// Paths are validated by wikipath, which answers ".." with a 400; mux's
	// cleaning would answer it with a redirect instead.
	r.SkipClean(true)
	get := []string{http.MethodGet, http.MethodHead}

	r.HandleFunc("/-/health", s.health).Methods(get...).Name("health")
	r.HandleFunc("/-/static/{name}", s.static).Methods(get...).Name("static")
	r.HandleFunc("/-/raw/{page:.*}", s.pageRaw).Methods(get...).Name("raw")
	r.HandleFunc("/-/history/{page:.*}", s.pageHistory).Methods(get...).Name("history")
	r.HandleFunc("/-/diff/{page:.*}", s.pageDiff).Methods(get...).Name("diff")
	r.HandleFunc("/-/pages", s.pagesList).Methods(get...).Name("pages")
	r.HandleFunc("/-/recent", s.recentList).Methods(get...).Name("recent")
	r.HandleFunc("/-/feed.atom", s.feedAtom).Methods(get...).Name("feed")
	r.HandleFunc("/-/search", s.searchShow).Methods(get...).Name("search")
	r.HandleFunc("/-/tags", s.tagsList).Methods(get...).Name("tags")
	r.HandleFunc("/-/tags/{kind:tag|category}/{name:.+}", s.tagShow).Methods(get...).Name("tag")
	r.HandleFunc("/-/edit/{page:.*}", s.editShow).Methods(get...).Name("edit")
	r.HandleFunc("/-/edit/{page:.*}", s.editSubmit).Methods(http.MethodPost).Name("edit-submit")
	r.HandleFunc("/-/new", s.newShow).Methods(get...).Name("new")
	r.HandleFunc("/-/new", s.editSubmit).Methods(http.MethodPost).Name("new-submit")
	r.HandleFunc("/-/move/{page:.*}", s.moveShow).Methods(get...).Name("move")
	r.HandleFunc("/-/move/{page:.*}", s.moveSubmit).Methods(http.MethodPost).Name("move-submit")
	r.HandleFunc("/-/delete/{page:.*}", s.moveShow).Methods(get...).Name("delete")
	r.HandleFunc("/-/delete/{page:.*}", s.moveSubmit).Methods(http.MethodPost).Name("delete-submit")
	r.HandleFunc("/-/preview", s.preview).Methods(http.MethodPost).Name("preview")
	r.HandleFunc("/-/proposals", s.proposalsList).Methods(get...).Name("proposals")
	r.HandleFunc("/-/proposals/feed.atom", s.proposalsFeed).Methods(get...).Name("proposals-feed")
	r.HandleFunc("/-/proposals/{id:[0-9]{1,9}}", s.proposalShow).Methods(get...).Name("proposal")
	r.HandleFunc("/-/proposals/{id:[0-9]{1,9}}/comment", s.proposalComment).Methods(http.MethodPost).Name("proposal-comment")
	r.HandleFunc("/-/proposals/{id:[0-9]{1,9}}/merge", s.proposalMerge).Methods(http.MethodPost).Name("proposal-merge")
	r.HandleFunc("/-/proposals/{id:[0-9]{1,9}}/reject", s.proposalReject).Methods(http.MethodPost).Name("proposal-reject")
	r.HandleFunc("/-/login", s.loginShow).Methods(get...).Name("login")
	r.HandleFunc("/-/login", s.loginSubmit).Methods(http.MethodPost).Name("login-submit")
	r.HandleFunc("/-/logout", s.logoutSubmit).Methods(http.MethodPost).Name("logout")
	r.HandleFunc("/-/setup", s.setupShow).Methods(get...).Name("setup")
	r.HandleFunc("/-/setup", s.setupSubmit).Methods(http.MethodPost).Name("setup-submit")
	for _, g := range s.gitRoutes() {
		r.HandleFunc(g.path, g.handler).Methods(g.method).Name(g.name)
	}
	r.PathPrefix("/-/").HandlerFunc(s.notFound)
	r.HandleFunc("/{page:.*}", s.pageShow).Methods(get...).Name("page")

	r.NotFoundHandler = http.HandlerFunc(s.notFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.methodNotAllowed)
	return r
}

// urlFor builds a route's path from its name; variables are given unescaped.
func (s *Server) urlFor(name string, pairs ...string) string {
	u, err := s.router.Get(name).URLPath(pairs...)
	if err != nil {
		// Route names and variables are fixed in code: a failure is a bug.
		panic("urlFor " + name + ": " + err.Error())
	}
	return u.String()
}
