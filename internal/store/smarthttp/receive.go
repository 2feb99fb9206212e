package smarthttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/gitwiki/gitwiki/internal/store"
)

// ReceivePack answers "POST git-receive-pack" (push). The pack is received
// into quarantine and checked as a whole (every object well formed, every
// object it names present) before it joins the repository; then each
// command is checked and applied with store.UpdateRef, a compare-and-swap
// against the old value the client saw. The served branch only moves
// forward and cannot be deleted, and allow may refuse any update; its error
// becomes the reason the client prints. The client gets "ok" or
// "ng <reason>" for each ref, and the caller gets the refs that moved. A
// gzip body is inflated.
func (s *Server) ReceivePack(ctx context.Context, req io.Reader, w io.Writer, allow Policy) ([]RefUpdate, error) {
	body, err := inflate(req, maxInflatedPush)
	if err != nil {
		return nil, protocolError(w, "%v", err)
	}
	if isFlushProbe(body) {
		return nil, nil // git probes with a bare flush before a large push
	}
	ur := packp.NewReferenceUpdateRequest()
	if err := ur.Decode(body); err != nil {
		return nil, protocolError(w, "bad push request: %v", err)
	}
	if ur.Shallow != nil {
		return nil, protocolError(w, "pushes from shallow clones are not supported; fetch with --unshallow first")
	}
	for _, c := range ur.Capabilities.All() {
		if !accepts(receiveCaps, c) {
			return nil, protocolError(w, "unsupported capability %s", c)
		}
	}
	reasons, needPack := checkCommands(ur.Commands)
	unpack := "ok"
	if needPack {
		if err := s.receive(ctx, body); err != nil {
			unpack = oneLine(err.Error())
			for i := range reasons {
				if reasons[i] == "" {
					reasons[i] = unpack
				}
			}
		}
	}
	updates := s.apply(ctx, ur.Commands, reasons, allow)
	if !ur.Capabilities.Supports(capability.ReportStatus) {
		return updates, nil
	}
	rs := packp.NewReportStatus()
	rs.UnpackStatus = unpack
	for i, cmd := range ur.Commands {
		st := "ok"
		if reasons[i] != "" {
			st = reasons[i]
		}
		rs.CommandStatuses = append(rs.CommandStatuses, &packp.CommandStatus{ReferenceName: cmd.Name, Status: st})
	}
	if err := rs.Encode(w); err != nil {
		return updates, err
	}
	if unpack != "ok" {
		return updates, fmt.Errorf("%w: unpack: %s", ErrProtocol, unpack)
	}
	return updates, nil
}

// checkCommands refuses what no push may do, by command: a reason for each
// refused one, "" for the others.
func checkCommands(cmds []*packp.Command) (reasons []string, needPack bool) {
	reasons = make([]string, len(cmds))
	seen := map[string]bool{}
	for i, cmd := range cmds {
		name := cmd.Name.String()
		switch {
		case !strings.HasPrefix(name, "refs/") || !store.ValidRefName(name):
			reasons[i] = "funny refname"
		case seen[name]:
			reasons[i] = "duplicate ref in one push"
		}
		seen[name] = true
		if !cmd.New.IsZero() {
			needPack = true
		}
	}
	return reasons, needPack
}

// receive stores the pack in quarantine, checks it, and installs it. An
// empty pack (a push of objects the server has) is fine.
func (s *Server) receive(ctx context.Context, body io.Reader) error {
	pack, err := s.repo.ReadPack(ctx, body)
	if err != nil {
		return err
	}
	defer pack.Close()
	st := s.openObjects()
	defer st.Close()
	if err := checkPack(ctx, pack, st); err != nil {
		return err
	}
	return pack.Install()
}

// checkPack checks every object of the pack as C git's fsck does (see
// checkObject), and that every object it names is in the pack or already
// in the repository. Objects
// that were already in the repository are trusted to be complete, as git's
// receive-pack trusts them.
func checkPack(ctx context.Context, pack *store.IncomingPack, st storer.EncodedObjectStorer) error {
	missing := map[plumbing.Hash]bool{}
	err := pack.Each(ctx, func(id store.Hash, kind store.ObjectKind, raw []byte) error {
		links, reason := checkObject(kind, raw)
		if reason != "" {
			return fmt.Errorf("%s %s refused: %s", kind, id.Short(), reason)
		}
		for _, l := range links {
			if _, ok := pack.Kind(store.Hash(l)); !ok {
				missing[l] = true
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for h := range missing {
		if st.HasEncodedObject(h) != nil {
			return fmt.Errorf("missing necessary objects: %s", h.String()[:10])
		}
	}
	return nil
}

// apply checks and applies each command not refused yet.
func (s *Server) apply(ctx context.Context, cmds []*packp.Command, reasons []string, allow Policy) []RefUpdate {
	var updates []RefUpdate
	st := s.openObjects()
	defer st.Close()
	for i, cmd := range cmds {
		if reasons[i] != "" {
			continue
		}
		u := RefUpdate{Name: cmd.Name.String(), Old: store.Hash(cmd.Old), New: store.Hash(cmd.New)}
		if reason := s.checkUpdate(ctx, u, st); reason != "" {
			reasons[i] = reason
			continue
		}
		if allow != nil {
			if err := allow(u.Name, u.Old, u.New); err != nil {
				reasons[i] = oneLine(err.Error())
				continue
			}
		}
		if err := s.repo.UpdateRef(ctx, u.Name, u.New, u.Old); err != nil {
			switch {
			case errors.Is(err, store.ErrStale):
				reasons[i] = "fetch first: the ref changed during the push"
			case errors.Is(err, store.ErrLocked):
				reasons[i] = "the ref is locked by another writer; try again"
			default:
				reasons[i] = "failed to update ref"
			}
			continue
		}
		updates = append(updates, u)
	}
	return updates
}

// checkUpdate is what git's receive-pack checks before moving a ref: the new
// value must be present (the pack was checked whole, and older objects are
// complete), a branch must point at a commit, and the served branch moves
// only forward and is never deleted. It returns the reason for refusing,
// or "".
func (s *Server) checkUpdate(ctx context.Context, u RefUpdate, st storer.EncodedObjectStorer) string {
	main := u.Name == "refs/heads/"+s.repo.Branch()
	if u.New.IsZero() {
		if main {
			return "deletion of the served branch is not allowed"
		}
		return ""
	}
	obj, err := st.EncodedObject(plumbing.AnyObject, plumbing.Hash(u.New))
	if err != nil {
		return "missing necessary objects"
	}
	if strings.HasPrefix(u.Name, "refs/heads/") && obj.Type() != plumbing.CommitObject {
		return "a branch must point at a commit"
	}
	if main && !u.Old.IsZero() {
		ff, err := s.repo.IsAncestor(ctx, u.Old, u.New)
		if err != nil || !ff {
			return "non-fast-forward"
		}
	}
	return ""
}
