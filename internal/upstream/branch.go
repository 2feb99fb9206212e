package upstream

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

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
// the upstream's, or enters the diverged state when the merge conflicts.
func (s *Syncer) mergeMain(ctx context.Context, ref string, local, up store.Hash) error {
	s.mu.Lock()
	same := s.lastMerge == [2]store.Hash{local, up}
	s.mu.Unlock()
	if same && s.diverged.Load() {
		return nil // nothing new since the conflict was found
	}
	base, err := s.cfg.Repo.MergeBase(ctx, local, up)
	if err != nil {
		return err
	}
	writes, conflicts, err := MergeTrees(ctx, s.cfg.Repo, base, local, up)
	if err != nil {
		return err
	}
	if len(conflicts) > 0 {
		s.setDiverged(true, conflicts, local, up)
		return nil
	}
	now := time.Now()
	sig := s.cfg.Committer
	sig.When = now
	msg := fmt.Sprintf("Merge upstream %s into %s\n\nUpstream: %s\n", s.branch, s.branch, s.cfg.Remote.URL())
	c, err := s.cfg.Repo.WriteCommit(ctx, local, writes, store.CommitInfo{Author: sig, Committer: sig, Message: msg, ExtraParents: []store.Hash{up}})
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
