// Package web is the wiki's HTTP face: routes, handlers, middleware and the
// one place errors become responses. It is the only package that knows HTTP
// and the only importer of gorilla/mux.
package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"
	"golang.org/x/sync/semaphore"

	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/upstream"
	"github.com/gitwiki/gitwiki/internal/users"
)

// Options are what the server needs from the outside.
type Options struct {
	Repo    *store.Repo
	Loader  *site.Loader
	Theme   *theme.Theme
	Pages   *pages.Service
	Review  *review.Service
	Logger  *slog.Logger
	BaseURL string // public URL, for absolute links in feeds; "" uses the request's host
	LogIPs  bool
	// SearchDir holds the persistent search index; "" is DATA/search, and
	// with no DataDir either, a temporary folder removed on Close.
	SearchDir string
	// Users are the accounts; when nil, they are opened in DataDir, and with
	// neither, accounts are off. DataDir also appears in the set-up hint.
	Users   *users.Store
	DataDir string
	// WriteBurst and WritesPerHour limit anonymous and non-maintainer writes
	// per client; zero means the defaults, 20 and 60.
	WriteBurst, WritesPerHour int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client, for limits and logged addresses. None by default.
	TrustedProxies []netip.Prefix

	// Upstream, when set, is the sync with an upstream repository
	// (upstream.go); Hooks verifies its webhooks, and OnionURL is sent
	// as Onion-Location.
	Upstream Upstream
	Hooks    *upstream.Hooks
	OnionURL string
	// ViewCacheBytes bounds the rendered responses kept for anonymous
	// readers (viewcache.go); 0 means DefaultViewCacheBytes.
	ViewCacheBytes int64
}

// Server serves one wiki.
type Server struct {
	repo    *store.Repo
	loader  *site.Loader
	theme   *theme.Theme
	pages   *pages.Service
	review  *review.Service
	log     *slog.Logger
	baseURL string
	logIPs  bool
	router  *mux.Router
	handler http.Handler
	// themeID changes when the theme does, so ETags of pages change with it.
	themeID string
	// contentURLs are the links written into rendered pages.
	contentURLs contentURLs
	models      models
	views       *viewCache // whole responses for anonymous readers
	warm        *warmer    // builds the head's models after a write
	// starting is set while Warm reads the head: page views are served
	// from a provisional model meanwhile, most other requests answered 503
	// (starting.go). provisional is set once the head's provisional model
	// is made, so /-/health can say pages are served.
	starting    atomic.Bool
	provisional atomic.Bool
	// beforeFull, when a test sets it, runs in Warm between the
	// provisional model and the full one.
	beforeFull func()

	// uploadPacks holds a token per clone or fetch in progress.
	uploadPacks chan struct{}
	// sendBudget bounds the attachment bytes held for responses in flight.
	sendBudget *semaphore.Weighted
	sendWait   time.Duration // how long a response waits for budget

	search *searcher // the full-text index and its upkeep (searcher.go)

	// gitAuth checks the credentials of git pushes; nil refuses every push.
	gitAuth pushAuth

	users *users.Store // nil when accounts are off
	auth  *auth        // limits, CSRF protection, first-maintainer setup (auth.go)

	upstreamParts // the sync with an upstream, webhooks, Onion-Location (upstream.go)
}

// New builds the server and its routes.
func New(o Options) (*Server, error) {
	s := &Server{
		repo:    o.Repo,
		loader:  o.Loader,
		theme:   o.Theme,
		pages:   o.Pages,
		review:  o.Review,
		log:     o.Logger,
		baseURL: o.BaseURL,
		logIPs:  o.LogIPs,
	}
	s.uploadPacks = make(chan struct{}, maxUploadPacks)
	s.sendBudget, s.sendWait = semaphore.NewWeighted(attachmentBudget), attachmentWait
	s.contentURLs = contentURLs{s}
	s.views = newViewCache(o.ViewCacheBytes)
	s.warm = newWarmer(s)
	if s.log == nil {
		s.log = slog.Default()
	}
	h := sha256.New()
	for _, a := range s.theme.Assets() {
		h.Write([]byte(a.Hashed))
	}
	s.themeID = hex.EncodeToString(h.Sum(nil))[:8]
	s.search = newSearcher(o.SearchDir, o.DataDir, s.log)
	if err := s.initAuth(o); err != nil {
		return nil, err
	}
	s.initUpstream(o)
	s.router = s.routes()
	s.handler = s.middleware(s.router)
	return s, nil
}

// routeTable builds URLs where there is no server, such as LiveEditURL.
var routeTable = func() *Server {
	s := &Server{}
	s.router = s.routes()
	return s
}()

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Close stops indexing, without waiting for a build to finish, and closes
// the search index.
func (s *Server) Close() error {
	s.warm.close()
	return s.search.close()
}

// Warm loads the head's read model so the first reader does not wait, and
// opens and fills the search index in the background: on a large wiki that
// takes seconds, and reading never waits for it.
// Until the head is read, Ready is false: page views are served from a
// provisional model made from the tree first (on a first start, reading
// every page takes seconds; one page needs only its blob and the tree),
// and most other requests answer 503 with Retry-After (starting.go).
func (s *Server) Warm(ctx context.Context) error {
	s.starting.Store(true)
	defer func() {
		s.starting.Store(false)
		s.provisional.Store(false)
		s.models.dropProvisional()
	}()
	h, err := s.loader.HeadCommit(ctx)
	if err != nil {
		return err
	}
	if _, err := s.loader.Provisional(ctx, h, ""); err != nil {
		return err
	}
	s.provisional.Store(true)
	if s.beforeFull != nil {
		s.beforeFull()
	}
	if _, err := s.loader.At(ctx, h); err != nil {
		return err
	}
	s.search.start(s.loader)
	return nil
}
