package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gitwiki/gitwiki/internal/upstream"
)

// maxHookBody bounds a webhook delivery. Push payloads are a few
// kilobytes (hosts list at most a few dozen commits); one past this is not
// read, and the interval fetch picks the push up anyway.
const maxHookBody = 5 << 20

// hookRefusals maps what Verify refuses to a status and a catalog key.
var hookRefusals = []struct {
	err    error
	status int
	key    string
}{
	{upstream.ErrNoSecret, http.StatusNotFound, "hooks.off"},
	{upstream.ErrNoSignature, http.StatusUnauthorized, "hooks.no_signature"},
	{upstream.ErrBadSignature, http.StatusUnauthorized, "hooks.bad_signature"},
	{upstream.ErrNoDelivery, http.StatusBadRequest, "hooks.no_delivery"},
	{upstream.ErrReplayed, http.StatusConflict, "hooks.replayed"},
	{upstream.ErrBadPayload, http.StatusBadRequest, "hooks.bad_payload"},
}

// hooksPush takes POST /-/hooks/push, a webhook from the upstream host
// (Forgejo, Gitea, GitLab or GitHub) saying that it moved. The delivery is
// signed with GITWIKI_WEBHOOK_SECRET in the host's format; one that
// verifies, and was not received before, asks the sync for a fetch. That
// is all a webhook can do: the wiki fetches from the upstream it knows,
// never from an address a payload names. Cross-origin protection does not
// apply (auth.go): hosts are not browsers, and the signature is the check.
func (s *Server) hooksPush(w http.ResponseWriter, r *http.Request) error {
	if s.hooks == nil {
		return s.hookAnswer(w, r, http.StatusNotFound, "hooks.off")
	}
	if !s.hookRate.allow(s.clientID(r)) {
		w.Header().Set("Retry-After", "60")
		return s.hookAnswer(w, r, http.StatusTooManyRequests, "hooks.too_many")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxHookBody))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return s.hookAnswer(w, r, http.StatusRequestEntityTooLarge, "hooks.too_large")
	case err != nil:
		return s.hookAnswer(w, r, http.StatusBadRequest, "hooks.bad_payload")
	}
	ev, err := s.hooks.Verify(upstream.Header(r.Header), body)
	if err != nil {
		for _, h := range hookRefusals {
			if errors.Is(err, h.err) {
				return s.hookAnswer(w, r, h.status, h.key)
			}
		}
		return err
	}
	if s.upstream != nil {
		s.upstream.Kick()
	}
	s.log.Info("webhook", "host", ev.Host, "event", ev.Kind, "ref", ev.Ref)
	return s.hookAnswer(w, r, http.StatusAccepted, "hooks.accepted")
}

// hookAnswer tells the host what became of its delivery, as JSON: hosts
// show it in their delivery log, for the person setting the hook up.
func (s *Server) hookAnswer(w http.ResponseWriter, r *http.Request, status int, key string) error {
	cat := s.theme.Catalog()
	l := cat.Lang(cat.Choose("", r.Header.Get("Accept-Language"), ""))
	verdict := "refused"
	if status < 300 {
		verdict = "accepted"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(map[string]string{"status": verdict, "reason": strings.TrimPrefix(key, "hooks."), "message": l.T(key)})
}
