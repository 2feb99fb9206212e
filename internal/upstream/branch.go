package upstream

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/store/remote"
)

// relation is how the wiki's value of a ref stands to the upstream's.
type relation int

const (
	inStep     relation = iota // equal, or only the wiki moved: push
	onlyLocal                  // the upstream lacks the ref: push creates it
	onlyUp                     // the wiki lacks the ref: take the upstream's
	behind                     // only the upstream moved: fast-forward
	bothMoved                  // neither descends from the other: merge
	absentBoth                 // neither has it
)

func (s *Syncer) relate(ctx context.Context, local, up store.Hash) (relation, error) {
	switch {
	case local.IsZero() && up.IsZero():
		return absentBoth, nil
	case up.IsZero():
		return onlyLocal, nil
	case local.IsZero():
		return onlyUp, nil
	case local == up:
		return inStep, nil
	}
	if ok, err := s.cfg.Repo.IsAncestor(ctx, up, local); err != nil || ok {
		return inStep, err
	}
	if ok, err := s.cfg.Repo.IsAncestor(ctx, local, up); err != nil || ok {
		return behind, err
	}
	return bothMoved, nil
}

// resolve reads a ref, ZeroHash when it does not exist.
func (s *Syncer) resolve(ctx context.Context, name string) (store.Hash, error) {
	h, err := s.cfg.Repo.ResolveRef(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return store.ZeroHash, nil
	}
	return h, err
}

// reconcileMain brings the upstream's served branch into the wiki's: a
// fast-forward when only the upstream moved, a merge commit when both did
// and it is clean, the diverged state when it is not. It takes the
// branch's turn, so web edits wait rather than race it.
func (s *Syncer) reconcileMain(ctx context.Context, res *remote.FetchResult) error {
	ref := "refs/heads/" + s.branch
	up := res.Upstream[ref]
	done, err := s.cfg.Repo.Turn(ctx, ref)
	if err != nil {
		return err
	}
	defer done()
	local, err := s.resolve(ctx, ref)
	if err != nil {
		return err
	}
	rel, err := s.relate(ctx, local, up)
	if err != nil {
		return err
	}
	switch rel {
	case onlyUp, behind:
		// A wiki that starts from its upstream, or one that only reads.
		s.setDiverged(false, nil, local, up)
		return s.cfg.Repo.UpdateRef(ctx, ref, up, local)
	case bothMoved:
		return s.mergeMain(ctx, ref, local, up)
	}
	s.setDiverged(false, nil, local, up)
	return nil
}

// mergeMain makes the merge commit of the wiki's branch (first parent) and
// the upstream's; when the merge conflicts, it moves the wiki's own
// conflicting edits to a proposal (proposeOwn) or, when they are not all
// the wiki's, enters the diverged state.
func (s *Syncer) mergeMain(ctx context.Context, ref string, local, up store.Hash) error {
	s.mu.Lock()
	same := s.lastMerge == [2]store.Hash{local, up}
	s.mu.Unlock()
	if same && s.diverged.Load() {
		return nil // nothing new since the conflict was found
	}
	writes, conflicts, err := s.mergeWith(ctx, local, up)
	if err != nil {
		return err
	}
	if len(conflicts) > 0 {
		if id, ok, err := s.proposeOwn(ctx, ref, local, up); err != nil || ok {
			if ok {
				s.setDiverged(false, nil, local, up)
				s.cfg.Logger.Warn("edits made here conflict with the upstream's: they are now a proposal, and the branch follows the upstream",
					"branch", s.branch, "proposal", id, "conflicts", len(conflicts))
			}
			return err
		}
		s.setDiverged(true, conflicts, local, up)
		return nil
	}
	c, err := s.writeMerge(ctx, local, up, writes)
	if err != nil {
		return err
	}
	if err := s.cfg.Repo.UpdateRef(ctx, ref, c, local); err != nil {
		return err
	}
	s.setDiverged(false, nil, local, up)
	s.cfg.Logger.Info("merged upstream changes", "branch", s.branch, "merge", c.Short())
	return nil
}

// mergeWith merges up into commit from: the writes that make the merged
// tree from from's, or the files that conflict.
func (s *Syncer) mergeWith(ctx context.Context, from, up store.Hash) ([]store.FileWrite, []string, error) {
	base, err := s.cfg.Repo.MergeBase(ctx, from, up)
	if err != nil {
		return nil, nil, err
	}
	return MergeTrees(ctx, s.cfg.Repo, base, from, up)
}

// writeMerge writes the merge commit of first (first parent) and up.
func (s *Syncer) writeMerge(ctx context.Context, first, up store.Hash, writes []store.FileWrite) (store.Hash, error) {
	sig := s.cfg.Committer
	sig.When = time.Now()
	msg := fmt.Sprintf("Merge upstream %s into %s\n\nUpstream: %s\n", s.branch, s.branch, s.cfg.Remote.URL())
	return s.cfg.Repo.WriteCommit(ctx, first, writes, store.CommitInfo{Author: sig, Committer: sig, Message: msg, ExtraParents: []store.Hash{up}})
}

// Proposer is what Review may offer besides Reject: making a proposal of
// commits already in the repository (*review.Service has it). Without it
// every conflict with the upstream makes the wiki diverge.
type Proposer interface {
	Propose(ctx context.Context, base, head store.Hash, title string) (*review.Proposal, error)
}

// maxOwn bounds the commits looked at to decide whether a conflicting
// line is the wiki's own: more than that unpushed is not a lost race.
const maxOwn = 200

// proposeOwn settles a conflict that is a lost race between replicas.
// When every commit the upstream lacks on the branch's line was written by
// this wiki (web edits, merges and sync merges, all signed by Committer),
// the oldest of them that still merge cleanly with the upstream are
// merged, the rest (from the first that conflicts to local) become a
// proposal, and the branch moves to the merge (or to the upstream's
// commit) with a compare-and-swap. So replicas converge, no edit is lost,
// and the losing edit waits for review, its conflict settled when it is
// merged, instead of stopping every edit. Commits from anyone else
// (pushed to this repository with git, or made on disk) are a person's
// work that the wiki does not move aside: ok is false, and the wiki
// diverges. The caller holds the branch's turn.
func (s *Syncer) proposeOwn(ctx context.Context, ref string, local, up store.Hash) (id int, ok bool, err error) {
	p, can := s.cfg.Review.(Proposer)
	if !can {
		return 0, false, nil
	}
	line, err := s.ownLine(ctx, local, up)
	if err != nil || len(line) == 0 {
		return 0, false, err
	}
	// line is newest first; find the newest commit of the clean prefix.
	// line[0] is local, which mergeMain found to conflict.
	keep, cut := up, len(line)
	var writes []store.FileWrite
	for i := len(line) - 1; i >= 1; i-- {
		w, conflicts, err := s.mergeWith(ctx, line[i].Hash, up)
		if err != nil {
			return 0, false, err
		}
		if len(conflicts) > 0 {
			break
		}
		cut, writes = i, w
	}
	var base store.Hash
	if cut < len(line) {
		base = line[cut].Hash
		keep, err = s.writeMerge(ctx, base, up, writes)
	} else {
		base, err = s.cfg.Repo.MergeBase(ctx, local, up)
	}
	if err != nil {
		return 0, false, err
	}
	proposed := line[:cut]
	title := "Edit that conflicts with the upstream: " + proposed[0].Subject()
	if len(proposed) > 1 {
		title = fmt.Sprintf("%d edits that conflict with the upstream, the last: %s", len(proposed), proposed[0].Subject())
	}
	prop, err := p.Propose(ctx, base, local, title)
	if err != nil {
		return 0, false, fmt.Errorf("propose the conflicting edits: %w", err)
	}
	if err := s.cfg.Repo.UpdateRef(ctx, ref, keep, local); err != nil {
		return 0, false, err
	}
	return prop.ID, true, nil
}

// ownLine walks the first-parent line of local back to what up has and
// returns its commits, newest first, when the wiki wrote every one; none
// when anyone else wrote one. Second parents are left alone: a merge the
// wiki wrote is a maintainer's decision on what it brings in.
func (s *Syncer) ownLine(ctx context.Context, local, up store.Hash) ([]*store.Commit, error) {
	var line []*store.Commit
	for h := local; len(line) <= maxOwn; {
		if in, err := s.cfg.Repo.IsAncestor(ctx, h, up); err != nil || in {
			return line, err
		}
		c, err := s.cfg.Repo.Commit(ctx, h)
		if err != nil {
			return nil, err
		}
		if c.Committer.Name != s.cfg.Committer.Name || c.Committer.Email != s.cfg.Committer.Email || len(c.Parents) == 0 {
			return nil, nil
		}
		line = append(line, c)
		h = c.Parents[0]
	}
	return nil, nil
}

// resolveCommands are the shell commands that reconcile a diverged
// branch: merge the wiki's branch into the upstream's in a clone of the
// upstream, settle the conflicting files, push. The next fetch then finds
// the wiki's branch behind the upstream's and fast-forwards it.
func resolveCommands(upstreamURL, wikiURL, branch string, conflicts []string) []string {
	quoted := make([]string, len(conflicts))
	for i, p := range conflicts {
		quoted[i] = shellQuote(p)
	}
	return []string{
		"git clone --branch " + shellQuote(branch) + " " + shellQuote(upstreamURL) + " wiki-merge && cd wiki-merge",
		"git pull --no-rebase --no-ff " + shellQuote(wikiURL) + " " + shellQuote(branch),
		"# edit " + strings.Join(quoted, " ") + ": keep what is right, delete the <<<<<<< ======= >>>>>>> lines",
		"git add -- " + strings.Join(quoted, " "),
		"git commit --no-edit",
		"git push origin " + shellQuote(branch),
	}
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@+=,", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
