package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/gitwiki/gitwiki/internal/users"
)

// deviceCookie marks a browser that has logged in (users.NewDevice).
const deviceCookie = "gitwiki_device"

// clientAddr is the address of the request's client: the connection's peer,
// or, when that peer is a trusted reverse proxy, the last address in
// X-Forwarded-For that is not one. Without trusted proxies the header is
// ignored: anyone can send it.
func (s *Server) clientAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	addr = addr.Unmap().WithZone("")
	if !s.trusted(addr) {
		return addr
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: the proxy's peer is all we know
		}
		addr = a.Unmap().WithZone("")
		if !s.trusted(addr) {
			break
		}
	}
	return addr
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.auth.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientID names the request's client for the limiters: a keyed hash of its
// address (the /64 network for IPv6, which one host can fill), so neither the
// limiters nor anything derived from them hold an address in clear.
func (s *Server) clientID(r *http.Request) string {
	host := r.RemoteAddr
	if ip := s.clientAddr(r); ip.IsValid() {
		if ip.Is6() {
			p, _ := ip.Prefix(64)
			host = p.String()
		} else {
			host = ip.String()
		}
	}
	m := hmac.New(sha256.New, s.auth.clientKey)
	m.Write([]byte(host))
	return string(m.Sum(nil)[:16])
}

// limitLogin runs check, a password check for account name, within the
// login limits. Failures count against the client, against this account
// from this client, and against the account as a whole; the last does not
// stop a client known to the account (a browser that logged in to it, a
// client that pushed as it), so strangers failing to guess a maintainer's
// password cannot lock the maintainer out. A success gives the tokens back.
func (s *Server) limitLogin(client, name string, known bool, check func() error) error {
	account := accountKey(name)
	type spend struct {
		l   *limiter
		key string
	}
	steps := []spend{{s.auth.loginClient, client}, {s.auth.loginPair, account + "\x00" + client}}
	if !known {
		steps = append(steps, spend{s.auth.loginName, account})
	}
	for i, st := range steps {
		if !st.l.allow(st.key) {
			for _, back := range steps[:i] {
				back.l.refund(back.key)
			}
			return errTooManyLogins
		}
	}
	if err := check(); err != nil {
		return err
	}
	for _, st := range steps {
		st.l.refund(st.key)
	}
	return nil
}

// knownDevice reports whether the request's browser has logged in to the
// account before.
func (s *Server) knownDevice(r *http.Request, name string) bool {
	c, err := r.Cookie(deviceCookie)
	return err == nil && s.users.KnownDevice(c.Value, name)
}

// rememberDevice marks the browser as one that has logged in to name.
func (s *Server) rememberDevice(w http.ResponseWriter, r *http.Request, name string) {
	v := s.users.NewDevice(name)
	if v == "" {
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: deviceCookie, Value: v, Path: "/", MaxAge: int(users.DeviceTTL / time.Second),
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// accountKey is the per-account limiters' key: names are case-insensitive.
func accountKey(name string) string {
	if len(name) > users.MaxNameLen {
		name = name[:users.MaxNameLen]
	}
	return strings.ToLower(name)
}

// knownPushers remembers which clients pushed successfully as which
// account, so a lockout of the account does not stop them: git sends no
// cookies to carry a device token.
type knownPushers struct {
	mu sync.Mutex
	m  map[string]time.Time
}

const pusherMemory = 30 * 24 * time.Hour

func (k *knownPushers) known(key string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	t, ok := k.m[key]
	return ok && time.Since(t) < pusherMemory
}

func (k *knownPushers) add(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil || len(k.m) > limiterEntries {
		k.m = map[string]time.Time{}
	}
	k.m[key] = time.Now()
}

// pushAccounts checks git pushers' basic-auth credentials against the
// accounts; gitPusher applies the limits.
type pushAccounts struct{ s *Server }

func (p pushAccounts) Verify(name, password string) (bool, error) {
	u, err := p.s.users.Verify(name, password)
	return u.Maintainer, err
}
