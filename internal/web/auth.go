package web

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gitwiki/gitwiki/internal/users"
)

// sessionCookie holds a users.Store session value.
const sessionCookie = "gitwiki_session"

// maxAuthForm bounds the body of the login, logout and setup forms.
const maxAuthForm = 16 << 10

// Login limits (logins.go): a few tries, then one a minute, per client, per
// account and client, and per account for browsers it has not logged in
// from. Writes are limited by Options.WriteBurst and WritesPerHour.
const (
	loginClientBurst = 10
	loginPairBurst   = 5
	loginNameBurst   = 5
	loginRefill      = time.Minute
	limiterEntries   = 100_000
	defaultBurst     = 20
	defaultPerHour   = 60
	// Previews: enough for a person typing (the editor waits between
	// keystrokes), not for a machine.
	previewBurst  = 60
	previewRefill = 2 * time.Second
)

// auth is the server's account state: rate limits, CSRF protection and the
// first-maintainer setup token. All of it lives in memory only.
type auth struct {
	csrf *http.CrossOriginProtection
	// clientKey keys the hash that names clients in the limiters, so no
	// address is kept in clear. It is random per process.
	clientKey   []byte
	proxies     []netip.Prefix // trusted reverse proxies
	loginClient *limiter
	loginPair   *limiter // account and client
	loginName   *limiter // account, for unknown browsers and pushers
	writes      *limiter
	previews    *limiter
	pushers     knownPushers
	dataDir     string

	setupMu    sync.Mutex
	setupToken string // "" once a maintainer exists
}

// initAuth sets up accounts, limits and CSRF protection. With neither
// Options.Users nor Options.DataDir, accounts are off: nobody is logged in
// and the login pages answer 404.
func (s *Server) initAuth(o Options) error {
	s.users = o.Users
	if s.users == nil && o.DataDir != "" {
		us, err := users.Open(o.DataDir)
		if err != nil {
			return err
		}
		s.users = us
	}
	burst, perHour := o.WriteBurst, o.WritesPerHour
	if burst <= 0 {
		burst = defaultBurst
	}
	if perHour <= 0 {
		perHour = defaultPerHour
	}
	a := &auth{
		csrf:        http.NewCrossOriginProtection(),
		clientKey:   make([]byte, 32),
		proxies:     o.TrustedProxies,
		loginClient: newLimiter(loginClientBurst, loginRefill, limiterEntries),
		loginPair:   newLimiter(loginPairBurst, loginRefill, limiterEntries),
		loginName:   newLimiter(loginNameBurst, loginRefill, limiterEntries),
		writes:      newLimiter(burst, time.Hour/time.Duration(perHour), limiterEntries),
		previews:    newLimiter(previewBurst, previewRefill, limiterEntries),
		dataDir:     o.DataDir,
	}
	rand.Read(a.clientKey)
	if s.baseURL != "" {
		u, err := url.Parse(s.baseURL)
		if err != nil {
			return fmt.Errorf("base URL: %w", err)
		}
		if err := a.csrf.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return err
		}
	}
	a.csrf.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	// Webhooks come from the upstream host, not from a browser, and are
	// checked by their signature (hooks_push.go).
	a.csrf.AddInsecureBypassPattern("POST /-/hooks/push")
	if s.users != nil && !s.users.HasMaintainer() {
		t := make([]byte, 32)
		rand.Read(t)
		a.setupToken = base64.RawURLEncoding.EncodeToString(t)
	}
	s.auth = a
	if s.gitAuth == nil && s.users != nil {
		s.gitAuth = pushAccounts{s}
	}
	return nil
}

// user returns the logged-in account, or nil. The session is checked
// against the account list each time, so a removed account is logged out at
// once. Two cookies of the same name (one tossed in by a sibling domain) are
// ignored rather than guessed between.
func (s *Server) user(r *http.Request) *users.User {
	if s.users == nil {
		return nil
	}
	cs := r.CookiesNamed(sessionCookie)
	if len(cs) != 1 {
		return nil
	}
	u, ok := s.users.CheckSession(cs[0].Value)
	if !ok {
		return nil
	}
	return &u
}

// isMaintainer reports whether the request comes from a logged-in maintainer.
func (s *Server) isMaintainer(r *http.Request) bool {
	u := s.user(r)
	return u != nil && u.Maintainer
}

// allowWrite spends one of the client's write tokens and reports whether
// there was one. Maintainers are never limited. Handlers call it before any
// anonymous or non-maintainer write, and answer 429 when it says no.
func (s *Server) allowWrite(r *http.Request) bool {
	if s.isMaintainer(r) {
		return true
	}
	return s.auth.writes.allow(s.clientID(r))
}

// secure reports whether cookies must be sent over HTTPS only: the request
// came over TLS, or the wiki's public URL is https (behind a TLS proxy).
func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(strings.ToLower(s.baseURL), "https://")
}

// startSession sets the session cookie for an account; false when the
// account vanished meanwhile.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, name string) bool {
	v := s.users.NewSession(name, users.DefaultSessionTTL)
	if v == "" {
		return false
	}
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    v,
		Path:     "/",
		MaxAge:   int(users.DefaultSessionTTL / time.Second),
		HttpOnly: true,
		Secure:   s.secure(r),
		SameSite: http.SameSiteLaxMode,
	})
	return true
}

func (s *Server) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   s.secure(r),
		SameSite: http.SameSiteLaxMode,
	})
}

// privateCache keeps shared caches from storing what a logged-in reader is
// shown: every answer to a request carrying a session cookie is private,
// except for answers marked public (content-hashed theme assets) or no-store.
func privateCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.CookiesNamed(sessionCookie)) == 0 {
			h.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(&privateWriter{ResponseWriter: w}, r)
	})
}

type privateWriter struct {
	http.ResponseWriter
	done bool
}

func (w *privateWriter) fix() {
	if w.done {
		return
	}
	w.done = true
	hd := w.Header()
	cc := strings.ToLower(hd.Get("Cache-Control"))
	if strings.Contains(cc, "no-store") || strings.Contains(cc, "public") {
		return
	}
	hd.Set("Cache-Control", "private, no-cache")
}

func (w *privateWriter) WriteHeader(code int) {
	w.fix()
	w.ResponseWriter.WriteHeader(code)
}

func (w *privateWriter) Write(b []byte) (int, error) {
	w.fix()
	return w.ResponseWriter.Write(b)
}

func (w *privateWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
