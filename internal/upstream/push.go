package upstream

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gitwiki/gitwiki/internal/review"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/store/remote"
)

// plan lists what the upstream lacks, from refs alone: each ref in scope
// whose value here descends from what the upstream held when last seen.
// The first list is pushed first: the served branch and the records. The
// second holds proposal branches, pushed only once the records are in
// step, since a record reaching the upstream is what claims its number.
func (s *Syncer) plan(ctx context.Context) (first, proposals []remote.Command, err error) {
	tracked, err := s.cfg.Remote.Tracked(ctx)
	if err != nil {
		return nil, nil, err
	}
	names := []string{"refs/heads/" + s.branch}
	if s.cfg.Review != nil {
		names = append(names, remote.MetaRef)
	}
	for _, name := range names {
		c, ok, err := s.forward(ctx, name, tracked[name])
		if err != nil {
			return nil, nil, err
		}
		if ok {
			first = append(first, c)
		}
	}
	if s.cfg.Review == nil {
		return first, nil, nil
	}
	proposals, err = s.planProposals(ctx, tracked)
	return first, proposals, err
}

// forward is the push of name when its value here descends from the
// upstream's: a fast-forward, or a creation.
func (s *Syncer) forward(ctx context.Context, name string, up store.Hash) (remote.Command, bool, error) {
	local, err := s.resolve(ctx, name)
	if err != nil || local.IsZero() || local == up {
		return remote.Command{}, false, err
	}
	if !up.IsZero() {
		ff, err := s.cfg.Repo.IsAncestor(ctx, up, local)
		if err != nil || !ff {
			return remote.Command{}, false, err
		}
	}
	return remote.Command{Name: name, Old: up, New: local}, true, nil
}

// planProposals pushes the branches of open proposals, and deletes on the
// upstream the branches of proposals closed here, as long as the upstream
// still holds what was closed (a revision pushed there since is kept).
func (s *Syncer) planProposals(ctx context.Context, tracked map[string]store.Hash) ([]remote.Command, error) {
	recs, err := s.records(ctx)
	if err != nil {
		return nil, err
	}
	branches, err := s.cfg.Repo.Refs(ctx, remote.ProposalPrefix)
	if err != nil {
		return nil, err
	}
	var out []remote.Command
	for name, p := range recs.byBranch {
		local := branches[name]
		up := tracked[name]
		switch {
		case p.State == review.Open && !local.IsZero():
			c, ok, err := s.forward(ctx, name, up)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, c)
			}
		case p.State != review.Open && local.IsZero() && !up.IsZero() && up == p.HeadHash():
			out = append(out, remote.Command{Name: name, Old: up})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// push sends what plan finds. raced reports a push that lost to another
// writer of the upstream, so the caller fetches and tries again.
func (s *Syncer) push(ctx context.Context) (raced bool, err error) {
	first, proposals, err := s.plan(ctx)
	if err != nil {
		return false, err
	}
	if len(first) > 0 {
		r, err := s.send(ctx, first)
		if err != nil {
			return false, err
		}
		raced = r
	}
	if len(proposals) == 0 || !s.metaInStep(ctx) {
		return raced || len(proposals) > 0, nil
	}
	r, err := s.send(ctx, proposals)
	return raced || r, err
}

func (s *Syncer) send(ctx context.Context, cmds []remote.Command) (raced bool, err error) {
	results, err := s.cfg.Remote.Push(ctx, cmds)
	if err != nil {
		return false, err
	}
	var refused []string
	for _, r := range results {
		switch {
		case r.Err == nil:
			s.mu.Lock()
			s.state.LastPush = time.Now().UTC()
			s.mu.Unlock()
		case errors.Is(r.Err, remote.ErrStale), errors.Is(r.Err, remote.ErrNonFastForward):
			raced = true
		default:
			refused = append(refused, r.Err.Error())
		}
	}
	if len(refused) > 0 {
		return raced, fmt.Errorf("%w: %s", remote.ErrRejected, strings.Join(refused, "; "))
	}
	return raced, nil
}

// metaInStep: the records here are the upstream's, as last seen.
func (s *Syncer) metaInStep(ctx context.Context) bool {
	local, err1 := s.resolve(ctx, remote.MetaRef)
	up, err2 := s.resolve(ctx, remote.Tracking(remote.MetaRef))
	return err1 == nil && err2 == nil && local == up
}
