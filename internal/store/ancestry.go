package store

import (
	"context"
	"fmt"
	"sync"

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

// maxGenWalk bounds the commits one generation computation may read: the
// whole history of a commit, the first time any of it is asked about.
const maxGenWalk = 5_000_000

// genCache holds the generation numbers computed so far. Commits never
// change, so entries never go stale.
type genCache struct {
	mu sync.Mutex
	m  map[Hash]uint32
}

func (c *genCache) get(h Hash) (uint32, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g, ok := c.m[h]
	return g, ok
}

func (c *genCache) put(h Hash, g uint32) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[Hash]uint32{}
	}
	c.m[h] = g
	c.mu.Unlock()
}

// Generation is a commit's generation number: 1 for a root commit, else one
// more than the largest of its parents'. Every ancestor of a commit has a
// smaller generation, so a walk that visits commits in decreasing
// generation can stop as soon as it is below what it looks for, without
// trusting commit dates, which clocks skew. The first call reads the
// commit's whole history once; the numbers are cached for the life of the
// Repo, so later calls read only commits not seen before.
func (r *Repo) Generation(ctx context.Context, h Hash) (uint32, error) {
	if g, ok := r.gens.get(h); ok {
		return g, nil
	}
	var out uint32
	err := r.with(ctx, func(g *git.Repository) error {
		var err error
		out, err = r.generation(ctx, g, h)
		return err
	})
	return out, err
}

// generation computes h's generation depth first, parents before children,
// with an explicit stack: a history can be deeper than any call stack.
func (r *Repo) generation(ctx context.Context, g *git.Repository, h Hash) (uint32, error) {
	pending := map[Hash][]Hash{} // parents of commits read but not numbered yet
	stack := []Hash{h}
	for n := 0; len(stack) > 0; {
		top := stack[len(stack)-1]
		if _, ok := r.gens.get(top); ok {
			stack = stack[:len(stack)-1]
			continue
		}
		parents, ok := pending[top]
		if !ok {
			if n++; n > maxGenWalk {
				return 0, fmt.Errorf("generation of %s: history longer than %d commits: %w", h.Short(), maxGenWalk, ErrTooLarge)
			}
			if n%256 == 0 && ctx.Err() != nil {
				return 0, ctx.Err()
			}
			c, err := g.CommitObject(top.p())
			if err != nil {
				return 0, fmt.Errorf("commit %s: %w", top.Short(), notFound(err))
			}
			parents = fromHashes(c.ParentHashes)
			pending[top] = parents
		}
		var top1 uint32
		done := true
		for _, p := range parents {
			if pg, ok := r.gens.get(p); ok {
				top1 = max(top1, pg)
			} else {
				stack = append(stack, p)
				done = false
			}
		}
		if done {
			r.gens.put(top, top1+1)
			delete(pending, top)
			stack = stack[:len(stack)-1]
		}
	}
	g2, _ := r.gens.get(h)
	return g2, nil
}
