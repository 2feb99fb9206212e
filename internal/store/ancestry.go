package store

import (
	"container/heap"
	"context"
	"fmt"
	"sync"

	git "github.com/go-git/go-git/v5"
)

// IsAncestor reports whether a is reachable from b (a commit is its own
// ancestor). It is how a merge made with plain git is noticed, and how a
// push is checked to be a fast-forward. It never trusts commit dates, which
// skewed clocks get wrong: it walks down from b only through commits whose
// generation is above a's, so it reads about as many commits as lie
// between the two.
func (r *Repo) IsAncestor(ctx context.Context, a, b Hash) (bool, error) {
	if a == b {
		return true, nil
	}
	found := false
	err := r.with(ctx, func(g *git.Repository) error {
		ga, err := r.generation(ctx, g, a)
		if err != nil {
			return err
		}
		gb, err := r.generation(ctx, g, b)
		if err != nil || gb <= ga {
			return err
		}
		seen := map[Hash]bool{b: true}
		stack := []Hash{b}
		for len(stack) > 0 {
			h := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if len(seen)%256 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			c, err := g.CommitObject(h.p())
			if err != nil {
				return fmt.Errorf("commit %s: %w", h.Short(), notFound(err))
			}
			for _, ph := range c.ParentHashes {
				p := toHash(ph)
				if p == a {
					found = true
					return nil
				}
				if seen[p] {
					continue
				}
				seen[p] = true
				gp, err := r.generation(ctx, g, p)
				if err != nil {
					return err
				}
				if gp > ga { // otherwise neither p nor its ancestors can be a
					stack = append(stack, p)
				}
			}
		}
		return nil
	})
	return found, err
}

// MergeBase is the best common ancestor of two commits, ZeroHash when they
// share no history. It paints the ancestors of each side in decreasing
// generation order, so a commit is popped only after every descendant that
// reaches it: the first commit painted by both sides is a common ancestor
// that no other common ancestor descends from.
func (r *Repo) MergeBase(ctx context.Context, a, b Hash) (Hash, error) {
	if a == b {
		return a, nil
	}
	var out Hash
	err := r.with(ctx, func(g *git.Repository) error {
		const sideA, sideB = 1, 2
		flags := map[Hash]uint8{}
		q := &genHeap{}
		push := func(h Hash, f uint8) error {
			old, queued := flags[h]
			flags[h] = old | f
			if queued {
				return nil
			}
			gen, err := r.generation(ctx, g, h)
			if err != nil {
				return err
			}
			heap.Push(q, genItem{h, gen})
			return nil
		}
		if err := push(a, sideA); err != nil {
			return err
		}
		if err := push(b, sideB); err != nil {
			return err
		}
		for n := 0; q.Len() > 0; n++ {
			if n%256 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			it := heap.Pop(q).(genItem)
			f := flags[it.h]
			if f == sideA|sideB {
				out = it.h
				return nil
			}
			c, err := g.CommitObject(it.h.p())
			if err != nil {
				return fmt.Errorf("commit %s: %w", it.h.Short(), notFound(err))
			}
			for _, p := range c.ParentHashes {
				if err := push(toHash(p), f); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return out, err
}

type genItem struct {
	h   Hash
	gen uint32
}

// genHeap pops the commit of highest generation first.
type genHeap []genItem

func (q genHeap) Len() int           { return len(q) }
func (q genHeap) Less(i, j int) bool { return q[i].gen > q[j].gen }
func (q genHeap) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *genHeap) Push(x any)        { *q = append(*q, x.(genItem)) }
func (q *genHeap) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
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
