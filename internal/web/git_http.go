package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/store/smarthttp"
	"github.com/gitwiki/gitwiki/internal/users"
)

// gitRoute is one endpoint of git's smart HTTP protocol, so that
// "git clone http://HOST/-/git" works. Only the smart protocol is served.
type gitRoute struct {
	method, path, name string
	handler            http.HandlerFunc
}

// smartHTTP serves git's protocol for the wiki's repository. It keeps no
// state between requests, so one per request costs nothing.
func (s *Server) smartHTTP() *smarthttp.Server { return smarthttp.New(s.repo, smarthttp.Options{}) }

func (s *Server) gitRoutes() []gitRoute {
	return []gitRoute{
		{http.MethodGet, "/-/git/info/refs", "git-info-refs", s.gitInfoRefs},
		{http.MethodPost, "/-/git/git-upload-pack", "git-upload-pack", s.gitUploadPack},
		{http.MethodPost, "/-/git/git-receive-pack", "git-receive-pack", s.gitReceivePack},
	}
}

const (
	// maxFetchRequest bounds a clone or fetch negotiation (wants and haves).
	maxFetchRequest = 32 << 20
	// maxPush bounds the pack of one push.
	maxPush = 200 << 20
	// gitDeadline replaces the server's read and write timeouts, which are
	// sized for pages, for a clone or push of a large wiki on a slow link.
	gitDeadline = 30 * time.Minute
)

// pushAuth checks a pusher's HTTP basic credentials against the accounts.
type pushAuth interface {
	Verify(name, password string) (maintainer bool, err error)
}

// gitInfoRefs advertises the refs. Reading is anonymous; the receive-pack
// advertisement already asks for credentials, which is when git prompts.
func (s *Server) gitInfoRefs(w http.ResponseWriter, r *http.Request) {
	svc := r.URL.Query().Get("service")
	switch svc {
	case smarthttp.ServiceUploadPack:
	case smarthttp.ServiceReceivePack:
		if _, ok := s.gitPusher(w, r); !ok {
			return
		}
	default:
		gitFail(w, http.StatusForbidden, "Only git's smart HTTP protocol is served here (git 1.6.6 or later).")
		return
	}
	// The advertisement is small: buffered, a failure can still be a 500.
	var buf bytes.Buffer
	if err := s.smartHTTP().AdvertiseRefs(r.Context(), svc, &buf); err != nil {
		s.gitLog(r, err)
		gitFail(w, http.StatusInternalServerError, "Something went wrong on our side. The error has been logged; please try again later.")
		return
	}
	gitHeaders(w, "application/x-"+svc+"-advertisement")
	w.Write(buf.Bytes())
}

// maxUploadPacks bounds clones and fetches served at once: each walks
// history and builds a pack, and anonymous clients could otherwise tie up
// every core and much memory while readers wait.
const maxUploadPacks = 4

// gitUploadPack serves clone and fetch.
func (s *Server) gitUploadPack(w http.ResponseWriter, r *http.Request) {
	if !gitRequest(w, r, smarthttp.ServiceUploadPack) {
		return
	}
	select {
	case s.uploadPacks <- struct{}{}:
		defer func() { <-s.uploadPacks }()
	default:
		w.Header().Set("Retry-After", "30")
		gitFail(w, http.StatusServiceUnavailable, "The wiki is serving many clones at the moment. Please try again in a minute.")
		return
	}
	body := http.MaxBytesReader(w, r.Body, maxFetchRequest)
	gitDeadlines(w)
	gitHeaders(w, "application/x-git-upload-pack-result")
	if err := s.smartHTTP().UploadPack(r.Context(), body, w); err != nil {
		s.gitLog(r, err)
	}
}

// gitReceivePack serves push, for maintainers. A pushed proposals/* branch
// becomes a proposal the next time proposals are listed.
func (s *Server) gitReceivePack(w http.ResponseWriter, r *http.Request) {
	user, ok := s.gitPusher(w, r)
	if !ok || !gitRequest(w, r, smarthttp.ServiceReceivePack) {
		return
	}
	body := http.MaxBytesReader(w, r.Body, maxPush)
	gitDeadlines(w)
	gitHeaders(w, "application/x-git-receive-pack-result")
	moved, err := s.smartHTTP().ReceivePack(r.Context(), body, w, s.allowPush)
	if err != nil {
		s.gitLog(r, err)
	}
	for _, u := range moved {
		s.log.Info("git push", "user", user, "ref", u.Name, "old", u.Old.String(), "new", u.New.String())
	}
	if len(moved) > 0 {
		s.wrote()
	}
	// A push may merge proposals or bring new ones: write that down now.
	if len(moved) > 0 && s.review != nil {
		if err := s.review.Refresh(context.WithoutCancel(r.Context())); err != nil {
			s.log.Warn("notice pushed proposals", "err", err)
		}
	}
}

// allowPush is the policy on pushed refs; the store itself keeps the served
// branch from moving backwards or being deleted.
func (s *Server) allowPush(ref string, old, new store.Hash) error {
	switch {
	case strings.HasPrefix(ref, "refs/meta/"):
		return errors.New("proposal records are kept by the wiki; comment, merge or reject in the web interface")
	case !strings.HasPrefix(ref, "refs/heads/"):
		return errors.New("only branches (refs/heads/...) can be pushed")
	case new.IsZero() && strings.HasPrefix(ref, "refs/heads/proposals/"):
		return errors.New("a proposal branch is closed by merging or rejecting it in the wiki, not by deleting it")
	}
	return nil
}

// gitPusher checks that the request comes from a maintainer. Without valid
// credentials it answers 401 with a Basic challenge, so git prompts for them
// or asks its credential helper.
func (s *Server) gitPusher(w http.ResponseWriter, r *http.Request) (string, bool) {
	if s.gitAuth == nil {
		gitFail(w, http.StatusForbidden, "Pushing is not enabled on this wiki.")
		return "", false
	}
	name, password, ok := r.BasicAuth()
	if !ok {
		gitChallenge(w, "Pushing needs a maintainer account.")
		return "", false
	}
	client := s.clientID(r)
	known := accountKey(name) + "\x00" + client
	var maintainer bool
	err := s.limitLogin(client, name, s.auth.pushers.known(known), func() (err error) {
		maintainer, err = s.gitAuth.Verify(name, password)
		return err
	})
	if err == nil {
		s.auth.pushers.add(known)
	}
	switch {
	case errors.Is(err, errTooManyLogins):
		gitFail(w, http.StatusTooManyRequests, "Too many failed sign-ins; try again in a minute.")
		return "", false
	case errors.Is(err, users.ErrBusy):
		w.Header().Set("Retry-After", "30")
		gitFail(w, http.StatusServiceUnavailable, "Many sign-ins at this moment; try again in a minute.")
		return "", false
	case err != nil:
		gitChallenge(w, "Wrong name or password.")
		return "", false
	}
	if !maintainer {
		gitFail(w, http.StatusForbidden, "Only maintainers can push; propose changes in the wiki instead.")
		return "", false
	}
	return name, true
}

func gitChallenge(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Basic realm="gitwiki", charset="UTF-8"`)
	gitFail(w, http.StatusUnauthorized, msg)
}

// gitRequest checks the body is what git sends. The exact Content-Type also
// keeps a web page from posting to this endpoint with a browser's
// credentials: a form cannot send it.
func gitRequest(w http.ResponseWriter, r *http.Request, svc string) bool {
	if r.Header.Get("Content-Type") != "application/x-"+svc+"-request" {
		gitFail(w, http.StatusUnsupportedMediaType, "Expected a git request.")
		return false
	}
	// The store recognises a gzip body by itself.
	switch r.Header.Get("Content-Encoding") {
	case "", "gzip", "x-gzip":
	default:
		gitFail(w, http.StatusUnsupportedMediaType, "Unsupported Content-Encoding.")
		return false
	}
	return true
}

// gitHeaders starts a git answer: never cached, and never compressed by the
// gzip middleware, which leaves application/x-git-* alone.
func gitHeaders(w http.ResponseWriter, contentType string) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "no-cache, max-age=0, must-revalidate")
	h.Set("Pragma", "no-cache")
	h.Set("Expires", "Fri, 01 Jan 1980 00:00:00 GMT")
	w.WriteHeader(http.StatusOK)
}

func gitDeadlines(w http.ResponseWriter) {
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(gitDeadline))
	rc.SetWriteDeadline(time.Now().Add(gitDeadline))
}

// gitFail answers in plain text, which git shows to its user.
func gitFail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, msg, status)
}

// gitLog records a failed git session. The client was already told, in the
// protocol, so this only decides what the log says.
func (s *Server) gitLog(r *http.Request, err error) {
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, context.Canceled):
	case errors.Is(err, smarthttp.ErrProtocol), errors.As(err, &mbe):
		s.log.Info("git request refused", "path", r.URL.Path, "err", err)
	default:
		s.log.Error("git request failed", "path", r.URL.Path, "err", err)
	}
}
