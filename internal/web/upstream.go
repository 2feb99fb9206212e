package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/upstream"
)

// Upstream is the sync with an upstream repository as the server uses it;
// *upstream.Syncer is one. The server reports its state (/-/health, the
// maintainers' banner), asks for a round after every write, and passes on
// the webhooks that say the upstream moved.
type Upstream interface {
	State() upstream.State
	// Diverged: the branch and the upstream's conflict, and edits are
	// held as proposals until a maintainer reconciles them.
	Diverged() bool
	// Kick asks for a round soon; it never blocks.
	Kick()
}

// upstreamParts is the server's side of the sync, set from Options.
type upstreamParts struct {
	upstream Upstream        // nil: no upstream
	hooks    *upstream.Hooks // nil: /-/hooks/push answers 404
	hookRate *limiter        // deliveries per client
	onion    string          // the onion service's address, for Onion-Location
}

// Webhook deliveries a client may make at once, and how fast they come
// back: hosts send one per push, and retry a few times.
const (
	hookBurst  = 30
	hookRefill = 2 * time.Second
)

func (s *Server) initUpstream(o Options) {
	s.upstreamParts = upstreamParts{upstream: o.Upstream, hooks: o.Hooks, onion: strings.TrimSuffix(o.OnionURL, "/"),
		hookRate: newLimiter(hookBurst, hookRefill, limiterEntries)}
}

// upstreamHealth is what /-/health adds when the wiki has an upstream:
// the state in one word, how far the branch is behind and ahead of the
// upstream's, how many refs wait to be pushed, whether a round is under
// way or due (then the counts may be about to change), and what went wrong last
// (a word, never the error text, which names hosts).
func (s *Server) upstreamHealth(out map[string]any) {
	if s.upstream == nil {
		return
	}
	st := s.upstream.State()
	out["upstream"] = st.Upstream
	out["behind"] = st.Behind
	out["ahead"] = st.Ahead
	out["pending"] = len(st.Pending)
	if st.Syncing {
		out["syncing"] = true
	}
	if st.Problem != "" {
		out["problem"] = st.Problem
	}
	if len(st.Conflicts) > 0 {
		out["conflicts"] = len(st.Conflicts)
	}
	if !st.LastFetch.IsZero() {
		out["last_fetch"] = st.LastFetch.UTC().Format(time.RFC3339)
	}
	if !st.LastPush.IsZero() {
		out["last_push"] = st.LastPush.UTC().Format(time.RFC3339)
	}
}

// upstreamBanner shows maintainers, on every view, that edits are held
// as proposals and the exact commands that reconcile the branch.
func (s *Server) upstreamBanner(b *theme.Base) {
	if s.upstream == nil || !b.Maintainer || !s.upstream.Diverged() {
		return
	}
	st := s.upstream.State()
	b.Upstream = &theme.UpstreamNotice{Conflicts: st.Conflicts, Commands: st.Resolve}
}

// bannerTag is what a maintainer's ETag adds for the banner, so a page
// kept by the browser shows the banner when it appears and goes.
func (s *Server) bannerTag() string {
	if s.upstream == nil || !s.upstream.Diverged() {
		return ""
	}
	return " diverged " + strings.Join(s.upstream.State().Conflicts, "\x00")
}

// noKick lists the POST routes that write nothing to the repository; every
// other successful POST under /-/ (edits, moves, proposals, comments,
// merges, rejections, git pushes) asks the sync to push at once.
var noKick = []string{"/-/preview", "/-/login", "/-/logout", "/-/lang", "/-/setup", "/-/hooks/"}

// upstreamMiddleware kicks the sync after writes and sets Onion-Location.
// It sits just inside logRequests, so the writer it gets records the
// status.
func (s *Server) upstreamMiddleware(h http.Handler) http.Handler {
	if s.upstream == nil && s.onion == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.onionLocation(w, r)
		h.ServeHTTP(w, r)
		if s.upstream == nil || r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, "/-/") {
			return
		}
		for _, p := range noKick {
			if strings.HasPrefix(r.URL.Path, p) {
				return
			}
		}
		if sw, ok := w.(*statusWriter); ok && sw.status >= 400 {
			return
		}
		s.upstream.Kick()
	})
}

// onionLocation tells Tor Browser that the page is also served as an onion
// service (the static export, under the same paths). The wiki's own
// addresses under /-/ have no counterpart there.
func (s *Server) onionLocation(w http.ResponseWriter, r *http.Request) {
	if s.onion == "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) || strings.HasPrefix(r.URL.Path, "/-/") {
		return
	}
	w.Header().Set("Onion-Location", s.onion+r.URL.EscapedPath())
}
