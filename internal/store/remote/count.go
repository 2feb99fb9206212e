package remote

import (
	"container/heap"
	"context"
	"fmt"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/gitwiki/gitwiki/internal/store"
)

// maxCount bounds the commits Count walks; past it the count is a floor.
const maxCount = 100000

// Count is how many commits a reaches that b does not ("git rev-list
// --count b..a"), for the health report: how far the wiki is ahead of or
// behind the upstream. Both sides are painted newest first, as git does.
// The walk goes on while a commit reached from a alone is queued, and then
// while b's side may still reach one already walked: until the queue holds
// only commits older, by a day of slack for skewed clocks, than the oldest
// of them. It is a report, never a decision.
func (r *Remote) Count(ctx context.Context, a, b store.Hash) (int, error) {
	if a == b || a.IsZero() {
		return 0, nil
	}
	o := openObjects(r.repo.GitDir())
	defer o.Close()
	w := &painter{st: o, paint: map[plumbing.Hash]int{}, pending: map[plumbing.Hash]bool{}}
	if err := w.add(plumbing.Hash(a), fromA); err != nil {
		return 0, r.fail(err)
	}
	if !b.IsZero() {
		if err := w.add(plumbing.Hash(b), fromB); err != nil {
			return 0, r.fail(err)
		}
	}
	var floor time.Time // the oldest commit walked as a's alone
	for n := 0; w.q.Len() > 0 && n < maxCount; n++ {
		if len(w.pending) == 0 && (floor.IsZero() || w.q[0].Committer.When.Before(floor.Add(-skew))) {
			break
		}
		if n%1024 == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
		c := heap.Pop(&w.q).(*object.Commit)
		flags := w.paint[c.Hash]
		delete(w.pending, c.Hash)
		if flags == fromA && (floor.IsZero() || c.Committer.When.Before(floor)) {
			floor = c.Committer.When
		}
		for _, p := range c.ParentHashes {
			if err := w.add(p, flags); err != nil {
				return 0, r.fail(err)
			}
		}
	}
	count := 0
	for _, f := range w.paint {
		if f == fromA {
			count++
		}
	}
	return count, nil
}

const (
	fromA, fromB = 1, 2
	skew         = 24 * time.Hour
)

// painter walks commits newest first, spreading the colours of the sides
// that reach them.
type painter struct {
	st      *objects
	paint   map[plumbing.Hash]int
	q       commitQueue
	pending map[plumbing.Hash]bool // queued, and so far reached from a alone
}

func (w *painter) add(h plumbing.Hash, flags int) error {
	old := w.paint[h]
	if old|flags == old {
		return nil
	}
	w.paint[h] = old | flags
	delete(w.pending, h)
	c, err := object.GetCommit(w.st.st, h)
	if err != nil {
		return fmt.Errorf("commit %s: %w", h.String()[:10], err)
	}
	if w.paint[h] == fromA {
		w.pending[h] = true
	}
	// Queued again when a colour is added, so that it reaches the ancestors.
	heap.Push(&w.q, c)
	return nil
}

// commitQueue is a max-heap by commit time.
type commitQueue []*object.Commit

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	return q[i].Committer.When.After(q[j].Committer.When)
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(*object.Commit)) }
func (q *commitQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// InitBare creates an empty bare repository whose HEAD names branch, for a
// wiki that is to start from its upstream's content rather than from the
// starter pages: the first fetch fills it.
func InitBare(dir, branch string) error {
	_, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		Bare:        true,
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName(branch)},
	})
	if err != nil {
		return fmt.Errorf("init %s: %w", dir, err)
	}
	return nil
}
