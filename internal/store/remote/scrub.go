package remote

import (
	"context"
	"encoding/base64"
	"errors"
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// scrubbed is an error whose text has lost every secret. It unwraps to
// sentinels only, never to the original error, whose text might still
// hold the token.
type scrubbed struct {
	msg  string
	kind []error
}

func (e *scrubbed) Error() string   { return e.msg }
func (e *scrubbed) Unwrap() []error { return e.kind }

// userinfo finds credentials in any URL quoted by a lower layer.
var userinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@`)

// scrubber removes the secrets, and the forms they take on the wire (URL
// escaping, the basic-auth header), from a message.
func scrubber(secrets ...string) func(string) string {
	var forms []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		forms = append(forms, s, url.QueryEscape(s), url.PathEscape(s), base64.StdEncoding.EncodeToString([]byte(s)))
		for _, user := range []string{"x-access-token", "oauth2", "git"} {
			forms = append(forms, base64.StdEncoding.EncodeToString([]byte(user+":"+s)))
		}
	}
	return func(msg string) string {
		for _, f := range forms {
			msg = strings.ReplaceAll(msg, f, "[redacted]")
		}
		return userinfo.ReplaceAllString(msg, "$1")
	}
}

// kindOf sorts a lower layer's error into this package's sentinels, plus
// the context's own error when that is what ended the work.
func kindOf(err error) []error {
	var out []error
	for _, s := range []error{ErrNonFastForward, ErrStale, ErrRejected, ErrHostKey, ErrAuth, ErrNoRepo, ErrConfig, ErrBadObject, ErrUnreachable} {
		if errors.Is(err, s) {
			out = append(out, s)
		}
	}
	for _, c := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, c) {
			out = append(out, c, ErrUnreachable)
		}
	}
	if len(out) > 0 {
		return out
	}
	msg := err.Error()
	var herr *githttp.Err
	var nerr net.Error
	var uerr *plumbing.UnexpectedError
	switch {
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed):
		return []error{ErrAuth}
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return []error{ErrNoRepo}
	case strings.Contains(msg, "knownhosts:"), strings.Contains(msg, "host key mismatch"):
		return []error{ErrHostKey}
	case strings.Contains(msg, "unable to authenticate"):
		return []error{ErrAuth}
	case errors.Is(err, store.ErrStale), errors.Is(err, store.ErrLocked):
		return []error{ErrStale}
	case errors.As(err, &herr):
		if herr.Response != nil && herr.Response.StatusCode >= 500 {
			return []error{ErrUnreachable}
		}
		return nil
	case errors.As(err, &nerr), errors.As(err, &uerr):
		return []error{ErrUnreachable}
	}
	return nil
}
