package web

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// routes lists every URL of the wiki in one place, each with a name: every
// URL the wiki writes is built from this table (urlFor), never by hand.
// Everything but pages and attachments lives under /-/, which no page name
// may start with.
func (s *Server) routes() *mux.Router {
	r := mux.NewRouter()
	// Paths are validated by wikipath, which answers ".." with a 400; mux's
	// cleaning would answer it with a redirect instead.
	r.SkipClean(true)
	get := []string{http.MethodGet, http.MethodHead}
	post := []string{http.MethodPost}
	// Pages first, for everything outside /-/: most requests are page
	// views, and matching every other route's pattern first was a tenth
	// of a cached one.
	r.NewRoute().MatcherFunc(outsideReserved).Path("/{page:.*}").Methods(get...).HandlerFunc(s.handle(s.pageShow)).Name("page")
	for _, rt := range []struct {
		path    string
		methods []string
		name    string
		h       handler
	}{
		{"/-/health", get, "health", s.health},
		{"/-/hooks/push", post, "hooks-push", s.hooksPush},
		{"/-/static/{name}", get, "static", s.static},
		{"/-/raw/{page:.*}", get, "raw", s.pageRaw},
		{"/-/history/{page:.*}", get, "history", s.pageHistory},
		{"/-/diff/{page:.*}", get, "diff", s.pageDiff},
		{"/-/pages", get, "pages", s.pagesList},
		{"/-/recent", get, "recent", s.recentList},
		{"/-/feed.atom", get, "feed", s.feedAtom},
		{"/-/search", get, "search", s.searchShow},
		{"/-/search/suggest", get, "search-suggest", s.searchSuggest},
		{"/-/tags", get, "tags", s.tagsList},
		{"/-/check", get, "check", s.checkShow},
		{"/-/tags/{kind:tag|category}/{name:.+}", get, "tag", s.tagShow},
		{"/-/edit/{page:.*}", get, "edit", s.tokenToCookie(s.editShow)},
		{"/-/edit/{page:.*}", post, "edit-submit", s.editSubmit},
		{"/-/new", get, "new", s.newShow},
		{"/-/new", post, "new-submit", s.editSubmit},
		{"/-/move/{page:.*}", get, "move", s.moveShow},
		{"/-/move/{page:.*}", post, "move-submit", s.moveSubmit},
		{"/-/delete/{page:.*}", get, "delete", s.moveShow},
		{"/-/delete/{page:.*}", post, "delete-submit", s.moveSubmit},
		{"/-/preview", post, "preview", s.preview},
		{"/-/upload/{page:.*}", post, "upload", s.editUpload},
		{"/-/proposals", get, "proposals", s.proposalsList},
		{"/-/proposals/feed.atom", get, "proposals-feed", s.proposalsFeed},
		{"/-/proposals/{id:[0-9]{1,9}}", get, "proposal", s.tokenToCookie(s.proposalShow)},
		{"/-/proposals/{id:[0-9]{1,9}}/comment", post, "proposal-comment", s.proposalComment},
		{"/-/proposals/{id:[0-9]{1,9}}/merge", post, "proposal-merge", s.proposalMerge},
		{"/-/proposals/{id:[0-9]{1,9}}/reject", post, "proposal-reject", s.proposalReject},
		{"/-/login", get, "login", s.loginShow},
		{"/-/login", post, "login-submit", s.loginSubmit},
		{"/-/logout", post, "logout", s.logoutSubmit},
		{"/-/setup", get, "setup", s.setupShow},
		{"/-/setup", post, "setup-submit", s.setupSubmit},
		{"/-/git", get, "git-base", s.gitHelp},
		{"/-/lang", post, "lang", s.langSubmit},
		{"/-/translations", get, "translations", s.translationsShow},
		{"/-/translate/{page:.*}", get, "translate", s.translateShow},
	} {
		r.HandleFunc(rt.path, s.handle(rt.h)).Methods(rt.methods...).Name(rt.name)
	}
	for _, g := range s.gitRoutes() {
		r.HandleFunc(g.path, g.handler).Methods(g.method).Name(g.name)
	}
	r.PathPrefix("/-/").HandlerFunc(s.notFound).Name("reserved")

	r.NotFoundHandler = http.HandlerFunc(s.notFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.methodNotAllowed)
	return r
}

// outsideReserved matches the paths pages and attachments live at: all
// but /-/ and what is under it.
func outsideReserved(r *http.Request, _ *mux.RouteMatch) bool {
	return !strings.HasPrefix(r.URL.Path, "/-/")
}

// urlFor builds a route's path from its name and variables, given
// unescaped: each is escaped here, segment by segment, so any page name
// (spaces, "?", "#", a newline in a name pushed with git) makes a valid URL.
func (s *Server) urlFor(name string, pairs ...string) string {
	for i := 1; i < len(pairs); i += 2 {
		pairs[i] = wikipath.EscapePath(pairs[i])
	}
	u, err := s.router.Get(name).URLPath(pairs...)
	if err != nil {
		// Route names and variables are fixed in code: a failure is a bug.
		panic("urlFor " + name + ": " + err.Error())
	}
	return u.Path
}

// routeVar is a route variable of the request, unescaped.
func routeVar(r *http.Request, name string) string { return mux.Vars(r)[name] }

// routeName is the name of the route the request matched.
func routeName(r *http.Request) string {
	if rt := mux.CurrentRoute(r); rt != nil {
		return rt.GetName()
	}
	return ""
}
