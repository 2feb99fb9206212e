package upstream

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/store/remote"
)

// Closer is what Review may offer besides Reject: recording a proposal as
// merged when the host merged it by squash or rebase, so that its commits
// are not in the served branch although its changes are. Without it such
// a proposal is closed with a reason that says so.
type Closer interface {
	MarkMerged(ctx context.Context, id int, by string) error
}

// reconcileProposals brings the upstream's records and proposal branches
// in, in that order (the records say which branch is whose), then lets
// review adopt new branches and notice merges.
func (s *Syncer) reconcileProposals(ctx context.Context, res *remote.FetchResult) error {
	if err := s.reconcileMeta(ctx, res); err != nil {
		return err
	}
	recs, err := s.records(ctx)
	if err != nil {
		return err
	}
	var conflicts []string
	var hostMade []string
	names := make([]string, 0, len(res.Upstream))
	for name := range res.Upstream {
		if strings.HasPrefix(name, remote.ProposalPrefix) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		out, err := s.reconcileBranch(ctx, name, res.Upstream[name], recs)
		if err != nil {
			return err
		}
		switch out {
		case conflicting:
			conflicts = append(conflicts, strings.TrimPrefix(name, "refs/heads/"))
		case twoProposals:
			hostMade = append(hostMade, name)
		}
	}
	for _, name := range hostMade {
		clash, err := s.yieldNumber(ctx, name, res)
		if err != nil {
			return err
		}
		if clash {
			conflicts = append(conflicts, strings.TrimPrefix(name, "refs/heads/"))
		}
	}
	s.mu.Lock()
	s.state.ProposalConflicts = conflicts
	s.mu.Unlock()
	if _, ok := res.Upstream["refs/heads/"+s.branch]; !ok && len(res.Gone) > 0 {
		// An upstream without the served branch is new, or was emptied:
		// its missing branches say nothing about the proposals.
		s.cfg.Logger.Warn("the upstream has no served branch; pushing everything to it again", "branch", s.branch)
		if err := s.forgetGone(ctx, res); err != nil {
			return err
		}
	} else {
		for _, g := range res.Gone {
			if err := s.gone(ctx, g, recs); err != nil {
				return err
			}
		}
	}
	return s.cfg.Review.Refresh(ctx)
}

// reconcileMeta merges the upstream's records into ours.
func (s *Syncer) reconcileMeta(ctx context.Context, res *remote.FetchResult) error {
	up := res.Upstream[remote.MetaRef]
	done, err := s.cfg.Repo.Turn(ctx, remote.MetaRef)
	if err != nil {
		return err
	}
	defer done()
	local, err := s.resolve(ctx, remote.MetaRef)
	if err != nil {
		return err
	}
	rel, err := s.relate(ctx, local, up)
	if err != nil {
		return err
	}
	switch rel {
	case onlyUp, behind:
		return s.cfg.Repo.UpdateRef(ctx, remote.MetaRef, up, local)
	case bothMoved:
		return s.mergeMeta(ctx, res, local, up)
	}
	return nil
}

func (s *Syncer) mergeMeta(ctx context.Context, res *remote.FetchResult, local, up store.Hash) error {
	base, err := s.cfg.Repo.MergeBase(ctx, local, up)
	if err != nil {
		return err
	}
	branches, err := s.cfg.Repo.Refs(ctx, remote.ProposalPrefix)
	if err != nil {
		return err
	}
	taken := func(n int) bool {
		name := fmt.Sprintf("%s%d", remote.ProposalPrefix, n)
		_, here := branches[name]
		_, there := res.Upstream[name]
		return here || there
	}
	writes, moves, err := s.mergeRecords(ctx, base, local, up, taken)
	if err != nil {
		return err
	}
	// The renumbered proposals get their new branches before the records
	// name them; a crash in between leaves a branch review adopts.
	var made []renumber
	for _, m := range moves {
		if m.head.IsZero() {
			continue
		}
		if err := s.cfg.Repo.UpdateRef(ctx, proposalRef(m.to), m.head, store.ZeroHash); err != nil {
			s.undo(ctx, made)
			return err
		}
		made = append(made, m)
	}
	sig := s.cfg.Committer
	sig.When = time.Now()
	msg := "Merge upstream proposal records\n"
	for _, m := range moves {
		msg += fmt.Sprintf("\nProposal %d of this wiki is now %d: the upstream gave %d to another proposal first.", m.from, m.to, m.from)
	}
	c, err := s.cfg.Repo.WriteCommit(ctx, local, writes, store.CommitInfo{Author: sig, Committer: sig, Message: msg + "\n", ExtraParents: []store.Hash{up}})
	if err == nil {
		err = s.cfg.Repo.UpdateRef(ctx, remote.MetaRef, c, local)
	}
	if err != nil {
		s.undo(ctx, made)
		return err
	}
	for _, m := range made {
		s.handOver(ctx, m, res.Upstream[proposalRef(m.from)])
		s.cfg.Logger.Info("proposal renumbered: its number was taken on the upstream first", "from", m.from, "to", m.to)
	}
	return nil
}

// handOver gives a renumbered proposal's old branch to the proposal that
// now has the number: the upstream's branch, or none yet.
func (s *Syncer) handOver(ctx context.Context, m renumber, theirs store.Hash) {
	name := proposalRef(m.from)
	done, err := s.cfg.Repo.Turn(ctx, name)
	if err != nil {
		return
	}
	defer done()
	if cur, err := s.resolve(ctx, name); err == nil && cur == m.head {
		_ = s.cfg.Repo.UpdateRef(ctx, name, theirs, cur)
	}
}

func (s *Syncer) undo(ctx context.Context, made []renumber) {
	for _, m := range made {
		_ = s.cfg.Repo.UpdateRef(ctx, proposalRef(m.to), store.ZeroHash, m.head)
	}
}

func proposalRef(id int) string { return fmt.Sprintf("%s%d", remote.ProposalPrefix, id) }

// outcome is what reconcileBranch made of a branch.
type outcome int

const (
	settled      outcome = iota
	conflicting          // revised on both sides, and the revisions conflict
	twoProposals         // the two sides hold different proposals under one name
)

// reconcileBranch brings one upstream proposal branch in. A branch that
// moved on both sides is merged when it is one proposal revised on both;
// otherwise it is left as it is, and the outcome says why.
func (s *Syncer) reconcileBranch(ctx context.Context, name string, up store.Hash, recs *recordSet) (outcome, error) {
	rec := recs.byBranch[name]
	closed := rec != nil && rec.State != review.Open
	done, err := s.cfg.Repo.Turn(ctx, name)
	if err != nil {
		return settled, err
	}
	defer done()
	local, err := s.resolve(ctx, name)
	if err != nil {
		return settled, err
	}
	rel, err := s.relate(ctx, local, up)
	if err != nil {
		return settled, err
	}
	switch {
	case closed:
		// Decided here; the upstream's copy goes with the next push.
		return settled, nil
	case rel == onlyUp:
		return settled, s.cfg.Repo.UpdateRef(ctx, name, up, store.ZeroHash)
	case rel == behind:
		return settled, s.cfg.Repo.UpdateRef(ctx, name, up, local)
	case rel != bothMoved || rec == nil:
		// A branch without a record is being opened right now; leave it.
		return settled, nil
	case leftover(recs, name, local):
		return settled, s.cfg.Repo.UpdateRef(ctx, name, up, local)
	}
	return s.mergeBranch(ctx, name, local, up)
}

// oneProposal reports whether two lines of a proposal branch share a
// commit that is not on the served branch, so that they are versions of
// one proposal rather than two proposals that took one number.
func (s *Syncer) oneProposal(ctx context.Context, base store.Hash) (bool, error) {
	if base.IsZero() {
		return false, nil
	}
	main, err := s.resolve(ctx, "refs/heads/"+s.branch)
	if err != nil || main.IsZero() {
		return false, err
	}
	in, err := s.cfg.Repo.IsAncestor(ctx, base, main)
	return !in, err
}

// leftover: local is the head of another proposal's branch, so this
// branch only kept it because a renumbering stopped half-way.
func leftover(recs *recordSet, name string, local store.Hash) bool {
	for branch, p := range recs.byBranch {
		if branch != name && p.HeadHash() == local {
			return true
		}
	}
	return false
}

// mergeBranch merges a proposal branch revised both here and upstream.
func (s *Syncer) mergeBranch(ctx context.Context, name string, local, up store.Hash) (outcome, error) {
	base, err := s.cfg.Repo.MergeBase(ctx, local, up)
	if err != nil {
		return settled, err
	}
	if one, err := s.oneProposal(ctx, base); err != nil || !one {
		return twoProposals, err
	}
	writes, conflicts, err := MergeTrees(ctx, s.cfg.Repo, base, local, up)
	if err != nil {
		return settled, err
	}
	if len(conflicts) > 0 {
		return conflicting, nil
	}
	sig := s.cfg.Committer
	sig.When = time.Now()
	msg := fmt.Sprintf("Merge upstream %s\n", strings.TrimPrefix(name, "refs/heads/"))
	c, err := s.cfg.Repo.WriteCommit(ctx, local, writes, store.CommitInfo{Author: sig, Committer: sig, Message: msg, ExtraParents: []store.Hash{up}})
	if err != nil {
		return settled, err
	}
	return settled, s.cfg.Repo.UpdateRef(ctx, name, c, local)
}

// yieldNumber settles a proposal branch that holds another proposal on
// the upstream than here. When the upstream's records do not name it, it
// was pushed on the host, where a numbered branch keeps its number (as
// review adopts it): this wiki's proposal moves to a free number, and the
// host's becomes proposal N here. When they do, somebody rewrote the
// branch on the host; that is left to a person (clash).
func (s *Syncer) yieldNumber(ctx context.Context, name string, res *remote.FetchResult) (clash bool, err error) {
	theirs, err := readRecords(ctx, s.cfg.Repo, res.Upstream[remote.MetaRef])
	if err != nil {
		return false, err
	}
	if _, named := theirs.byBranch[name]; named {
		return true, nil
	}
	done, err := s.cfg.Repo.Turn(ctx, remote.MetaRef)
	if err != nil {
		return false, err
	}
	defer done()
	meta, err := s.resolve(ctx, remote.MetaRef)
	if err != nil {
		return false, err
	}
	recs, err := readRecords(ctx, s.cfg.Repo, meta)
	if err != nil {
		return false, err
	}
	p, ok := recs.byBranch[name]
	local, err := s.resolve(ctx, name)
	if err != nil || !ok || local.IsZero() || p.HeadHash() != local {
		return false, err // it changed meanwhile; the next round looks again
	}
	to, err := s.freeNumber(ctx, res, recs, theirs)
	if err != nil {
		return false, err
	}
	moved := *p
	moved.ID, moved.Branch = to, proposalRef(to)
	out, err := encodeRecord(&moved)
	if err != nil {
		return false, err
	}
	m := renumber{from: p.ID, to: to, head: local}
	if err := s.cfg.Repo.UpdateRef(ctx, proposalRef(to), local, store.ZeroHash); err != nil {
		return false, err
	}
	sig := s.cfg.Committer
	sig.When = time.Now()
	msg := fmt.Sprintf("Proposal %d is now %d: the upstream host has a branch %s of its own\n", p.ID, to, strings.TrimPrefix(name, "refs/heads/"))
	writes := []store.FileWrite{{Path: recordPath(p.ID), Delete: true}, {Path: recordPath(to), Content: out}}
	c, err := s.cfg.Repo.WriteCommit(ctx, meta, writes, store.CommitInfo{Author: sig, Committer: sig, Message: msg})
	if err == nil {
		err = s.cfg.Repo.UpdateRef(ctx, remote.MetaRef, c, meta)
	}
	if err != nil {
		s.undo(ctx, []renumber{m})
		return false, err
	}
	s.handOver(ctx, m, res.Upstream[name])
	s.cfg.Logger.Info("proposal renumbered: the upstream host has a branch of that number", "from", p.ID, "to", to)
	return false, nil
}

// freeNumber is one past every number in use here or upstream, by a
// record or a branch.
func (s *Syncer) freeNumber(ctx context.Context, res *remote.FetchResult, sets ...*recordSet) (int, error) {
	branches, err := s.cfg.Repo.Refs(ctx, remote.ProposalPrefix)
	if err != nil {
		return 0, err
	}
	n := maxID(sets...)
	for _, names := range []map[string]store.Hash{branches, res.Upstream} {
		for name := range names {
			if id, err := strconv.Atoi(strings.TrimPrefix(name, remote.ProposalPrefix)); err == nil && strings.HasPrefix(name, remote.ProposalPrefix) {
				n = max(n, id)
			}
		}
	}
	return n + 1, nil
}

// gone acts on a ref the upstream no longer has, then forgets it. A
// proposal branch deleted on the host without a merge closes its
// proposal; the served branch and the records are pushed again.
func (s *Syncer) gone(ctx context.Context, g remote.Move, recs *recordSet) error {
	if strings.HasPrefix(g.Name, remote.ProposalPrefix) {
		if err := s.goneProposal(ctx, g, recs.byBranch[g.Name]); err != nil {
			return err
		}
	}
	return s.cfg.Remote.Forget(ctx, g.Name, g.Old)
}

func (s *Syncer) goneProposal(ctx context.Context, g remote.Move, rec *review.Proposal) error {
	local, err := s.resolve(ctx, g.Name)
	if err != nil || local.IsZero() {
		return err
	}
	if rec == nil || rec.State != review.Open {
		if local == g.Old || (rec != nil && local == rec.HeadHash()) {
			return s.deleteBranch(ctx, g.Name, local)
		}
		return nil
	}
	main, err := s.resolve(ctx, "refs/heads/"+s.branch)
	if err != nil {
		return err
	}
	if in, err := s.cfg.Repo.IsAncestor(ctx, local, main); err != nil || in {
		return err // merged on the host; review marks it so
	}
	short := strings.TrimPrefix(g.Name, "refs/heads/")
	applied, err := s.applied(ctx, local, main)
	if err != nil {
		return err
	}
	if applied {
		if c, ok := s.cfg.Review.(Closer); ok {
			return ignoreClosed(c.MarkMerged(ctx, rec.ID, "upstream"))
		}
		return ignoreClosed(s.cfg.Review.Reject(ctx, rec.ID, "upstream",
			fmt.Sprintf("The branch %s was deleted on the upstream host; its changes are on %s (merged there by squash or rebase).", short, s.branch)))
	}
	return ignoreClosed(s.cfg.Review.Reject(ctx, rec.ID, "upstream",
		fmt.Sprintf("The branch %s was deleted on the upstream host without being merged.", short)))
}

func ignoreClosed(err error) error {
	if errors.Is(err, review.ErrClosed) || errors.Is(err, review.ErrNotFound) {
		return nil
	}
	return err
}

func (s *Syncer) deleteBranch(ctx context.Context, name string, old store.Hash) error {
	done, err := s.cfg.Repo.Turn(ctx, name)
	if err != nil {
		return err
	}
	defer done()
	err = s.cfg.Repo.UpdateRef(ctx, name, store.ZeroHash, old)
	if errors.Is(err, store.ErrStale) {
		return nil // moved meanwhile: somebody is at work on it
	}
	return err
}

// applied reports whether every file head changed since it forked from
// main reads the same on main: a squash or rebase merge on the host.
func (s *Syncer) applied(ctx context.Context, head, main store.Hash) (bool, error) {
	base, err := s.cfg.Repo.MergeBase(ctx, head, main)
	if err != nil {
		return false, err
	}
	changes, err := s.cfg.Repo.DiffCommits(ctx, base, head)
	if err != nil || len(changes) == 0 {
		return false, err
	}
	ht, err := s.cfg.Repo.Tree(ctx, head)
	if err != nil {
		return false, err
	}
	mt, err := s.cfg.Repo.Tree(ctx, main)
	if err != nil {
		return false, err
	}
	for _, fc := range changes {
		h, inH := ht.Lookup(fc.Path)
		m, inM := mt.Lookup(fc.Path)
		if !same(h, inH, m, inM) {
			return false, nil
		}
	}
	return true, nil
}
