package smarthttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/pktline"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/gitwiki/gitwiki/internal/store"
)

// ReceivePack answers "POST git-receive-pack" (push), from a shallow clone
// too: the server has the history such a client lacks, and the pack is
// refused if it needs any the server does not have. The pack is received
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
	ur, err := parseCommands(body)
	if err != nil {
		return nil, protocolError(w, "bad push request: %v", err)
	}
	for _, c := range ur.caps.All() {
		if !accepts(receiveCaps, c) {
			return nil, protocolError(w, "unsupported capability %s", c)
		}
	}
	reasons, needPack := checkCommands(ur.cmds)
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
	updates := s.apply(ctx, ur.cmds, reasons, allow)
	if !ur.caps.Supports(capability.ReportStatus) {
		return updates, nil
	}
	rs := packp.NewReportStatus()
	rs.UnpackStatus = unpack
	for i, cmd := range ur.cmds {
		st := "ok"
		if reasons[i] != "" {
			st = reasons[i]
		}
		rs.CommandStatuses = append(rs.CommandStatuses, &packp.CommandStatus{ReferenceName: plumbing.ReferenceName(cmd.Name), Status: st})
	}
	if err := rs.Encode(w); err != nil {
		return updates, err
	}
	if unpack != "ok" {
		return updates, fmt.Errorf("%w: unpack: %s", ErrProtocol, unpack)
	}
	return updates, nil
}

// pushRequest is the start of a push: commands, then the pack.
//
//	shallow <id>...                 from a shallow clone; not needed here
//	<old> <new> <ref>\0<capabilities>
//	<old> <new> <ref>...
//	flush
type pushRequest struct {
	cmds []RefUpdate
	caps *capability.List
}

// maxCommands bounds the ref updates of one push.
const maxCommands = 10000

func parseCommands(body io.Reader) (*pushRequest, error) {
	pr := &pushRequest{caps: capability.NewList()}
	sc := pktline.NewScanner(body)
	for {
		line, err := nextLine(sc)
		if err != nil {
			return nil, err
		}
		if len(line) == 0 {
			break
		}
		if bytes.HasPrefix(line, []byte("shallow ")) && len(pr.cmds) == 0 {
			if _, _, err := parseID(line[8:]); err != nil {
				return nil, err
			}
			continue
		}
		if len(pr.cmds) == 0 {
			var caps []byte
			line, caps, _ = bytes.Cut(line, []byte{0})
			if err := pr.caps.Decode(caps); err != nil {
				return nil, fmt.Errorf("capabilities: %v", err)
			}
		}
		from, rest, err := parseID(line)
		if err != nil || len(rest) < 1 {
			return nil, fmt.Errorf("malformed command %.60q", line)
		}
		to, rest, err := parseID(rest[1:])
		if err != nil || len(rest) < 2 || rest[0] != ' ' {
			return nil, fmt.Errorf("malformed command %.60q", line)
		}
		pr.cmds = append(pr.cmds, RefUpdate{Name: string(rest[1:]), Old: store.Hash(from), New: store.Hash(to)})
		if len(pr.cmds) > maxCommands {
			return nil, fmt.Errorf("more than %d ref updates in one push", maxCommands)
		}
	}
	if len(pr.cmds) == 0 {
		return nil, errors.New("no commands")
	}
	return pr, nil
}

// checkCommands refuses what no push may do, by command: a reason for each
// refused one, "" for the others.
func checkCommands(cmds []RefUpdate) (reasons []string, needPack bool) {
	reasons = make([]string, len(cmds))
	seen := map[string]bool{}
	for i, cmd := range cmds {
		name := cmd.Name
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
func (s *Server) apply(ctx context.Context, cmds []RefUpdate, reasons []string, allow Policy) []RefUpdate {
	var updates []RefUpdate
	st := s.openObjects()
	defer st.Close()
	for i, cmd := range cmds {
		if reasons[i] != "" {
			continue
		}
		u := cmd
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
// only forward, is never deleted, and is not moved under a working tree
// that has it checked out. It returns the reason for refusing, or "".
func (s *Server) checkUpdate(ctx context.Context, u RefUpdate, st storer.EncodedObjectStorer) string {
	main := u.Name == "refs/heads/"+s.repo.Branch()
	if u.New.IsZero() {
		if main {
			return "deletion of the served branch is not allowed"
		}
		return ""
	}
	if main && len(s.repo.CheckedOut()) > 0 {
		// As C git's receive.denyCurrentBranch: the checkout would stay
		// behind, and its next commit would undo the push.
		return "refusing to update the served branch: the server has it checked out in a working tree; serve a bare clone"
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
