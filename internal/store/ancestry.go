package store

import (
	"context"
	"fmt"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// IsAncestor reports whether a is reachable from b (a commit is its own
// ancestor). It is how a merge made with plain git is noticed: a proposal
// whose head is an ancestor of main has been merged.
func (r *Repo) IsAncestor(ctx context.Context, a, b Hash) (bool, error) {
	if a == b {
		return true, nil
	}
	found := false
	err := r.with(ctx, func(g *git.Repository) error {
		target, err := g.CommitObject(a.p())
		if err != nil {
			return fmt.Errorf("commit %s: %w", a.Short(), notFound(err))
		}
		seen := map[plumbing.Hash]bool{}
		queue := []plumbing.Hash{b.p()}
		for len(queue) > 0 && len(seen) < maxWalk {
			h := queue[0]
			queue = queue[1:]
			if seen[h] {
				continue
			}
			seen[h] = true
			if h == target.Hash {
				found = true
				return nil
			}
			if len(seen)%256 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			c, err := g.CommitObject(h)
			if err != nil {
				return fmt.Errorf("commit %s: %w", h.String()[:10], notFound(err))
			}
			// A commit made well before the target cannot have it as an
			// ancestor; a day of slack allows for skewed clocks.
			if c.Committer.When.Add(24 * 3600e9).Before(target.Committer.When) {
				continue
			}
			queue = append(queue, c.ParentHashes...)
		}
		return nil
	})
	return found, err
}

// MergeBase is the best common ancestor of two commits, ZeroHash when they
// share no history.
func (r *Repo) MergeBase(ctx context.Context, a, b Hash) (Hash, error) {
	var out Hash
	err := r.with(ctx, func(g *git.Repository) error {
		ca, err := g.CommitObject(a.p())
		if err != nil {
			return fmt.Errorf("commit %s: %w", a.Short(), notFound(err))
		}
		cb, err := g.CommitObject(b.p())
		if err != nil {
			return fmt.Errorf("commit %s: %w", b.Short(), notFound(err))
		}
		bases, err := ca.MergeBase(cb)
		if err != nil {
			return fmt.Errorf("merge base: %w", err)
		}
		if len(bases) > 0 {
			out = toHash(bases[0].Hash)
		}
		return nil
	})
	return out, err
}
