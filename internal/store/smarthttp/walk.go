package smarthttp

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"github.com/gitwiki/gitwiki/internal/store"
)

// errTooMuchWork means a request would visit more objects than
// Options.MaxWork allows.
var errTooMuchWork = errors.New("too much work")

// errNotCommit means an id that must name a commit does not.
var errNotCommit = errors.New("not a commit")

// walker does the object walks of one upload-pack request and counts
// every object it visits, so that a request's cost is bounded however it
// is made.
type walker struct {
	ctx     context.Context
	repo    *store.Repo
	st      storer.EncodedObjectStorer
	limit   int
	work    int // objects visited so far
	commits map[plumbing.Hash]*commitInfo
}

// commitInfo is what the walks need of a commit, decoded once per request.
type commitInfo struct {
	id      plumbing.Hash
	tree    plumbing.Hash
	parents []plumbing.Hash
	// gen is the commit's generation number: every ancestor has a smaller
	// one, so a walk in decreasing generation order sees a commit only
	// after all of its descendants it will see.
	gen uint32
}

func newWalker(ctx context.Context, repo *store.Repo, st storer.EncodedObjectStorer, limit int) *walker {
	return &walker{ctx: ctx, repo: repo, st: st, limit: limit, commits: map[plumbing.Hash]*commitInfo{}}
}

// charge counts n objects visited.
func (w *walker) charge(n int) error {
	w.work += n
	if w.work > w.limit {
		return errTooMuchWork
	}
	if w.work%1024 < n {
		return w.ctx.Err()
	}
	return nil
}

// commit reads a commit; errNotCommit when h names none.
func (w *walker) commit(h plumbing.Hash) (*commitInfo, error) {
	// Every visit counts, read before or not: the cost of a walk is the
	// steps it takes.
	if err := w.charge(1); err != nil {
		return nil, err
	}
	if ci, ok := w.commits[h]; ok {
		return ci, nil
	}
	obj, err := w.st.EncodedObject(plumbing.CommitObject, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return nil, fmt.Errorf("%s: %w", h, errNotCommit)
	}
	if err != nil {
		return nil, err
	}
	var c object.Commit
	if err := c.Decode(obj); err != nil {
		return nil, fmt.Errorf("commit %s: %w", h, err)
	}
	gen, err := w.repo.Generation(w.ctx, store.Hash(h))
	if err != nil {
		return nil, err
	}
	ci := &commitInfo{id: h, tree: c.TreeHash, parents: c.ParentHashes, gen: gen}
	w.commits[h] = ci
	return ci, nil
}

// reachable returns those of cands that are ancestors of one of tips (a
// commit is its own ancestor), in one walk for all of them: down from the
// tips in decreasing generation, stopping once every candidate is found or
// the walk is below the lowest generation of those not found yet, since no
// commit reaches one of higher generation. Candidates that are not commits
// are never reachable.
func (w *walker) reachable(cands, tips []plumbing.Hash) (map[plumbing.Hash]bool, error) {
	found := map[plumbing.Hash]bool{}
	pending := map[plumbing.Hash]bool{}
	var byGen []*commitInfo // the candidates, lowest generation first
	for _, h := range cands {
		c, err := w.commit(h)
		if errors.Is(err, errNotCommit) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if !pending[h] {
			pending[h] = true
			byGen = append(byGen, c)
		}
	}
	slices.SortFunc(byGen, func(a, b *commitInfo) int { return int(a.gen) - int(b.gen) })
	lowest := 0 // byGen[lowest] is the lowest candidate not found yet
	low := func() uint32 {
		for found[byGen[lowest].id] {
			lowest++
		}
		return byGen[lowest].gen
	}
	q := &genQueue{}
	seen := map[plumbing.Hash]bool{}
	for _, t := range tips {
		if c, err := w.commit(t); err == nil && !seen[t] {
			seen[t] = true
			heap.Push(q, c)
		} else if err != nil && !errors.Is(err, errNotCommit) {
			return nil, err
		}
	}
	for q.Len() > 0 && len(pending) > 0 {
		c := heap.Pop(q).(*commitInfo)
		if c.gen < low() {
			break
		}
		if pending[c.id] {
			delete(pending, c.id)
			found[c.id] = true
		}
		for _, p := range c.parents {
			if seen[p] {
				continue
			}
			seen[p] = true
			pc, err := w.commit(p)
			if err != nil {
				return nil, err
			}
			heap.Push(q, pc)
		}
	}
	return found, nil
}

// Flags of the send walk.
const (
	interesting uint8 = 1 << iota
	uninteresting
)

// genQueue pops the commit of highest generation first.
type genQueue []*commitInfo

func (q genQueue) Len() int           { return len(q) }
func (q genQueue) Less(i, j int) bool { return q[i].gen > q[j].gen }
func (q genQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *genQueue) Push(x any)        { *q = append(*q, x.(*commitInfo)) }
func (q *genQueue) Pop() any {
	old := *q
	c := old[len(old)-1]
	*q = old[:len(old)-1]
	return c
}

// sendSet is what a fetch must send: the commits reachable from wants but
// not from haves, without walking past grafts (the commits that are, or are
// to become, shallow on the client), and their trees and blobs less those
// the client has in the trees of the edge commits.
func (w *walker) sendSet(wants, haves []plumbing.Hash, grafts map[plumbing.Hash]bool, extraEdges []plumbing.Hash) ([]plumbing.Hash, error) {
	commits, edges, err := w.sendCommits(wants, haves, grafts)
	if err != nil {
		return nil, err
	}
	has := map[plumbing.Hash]bool{}
	for _, e := range append(edges, extraEdges...) {
		c, err := w.commit(e)
		if err != nil {
			return nil, err
		}
		if err := w.walkTree(c.tree, has, nil); err != nil {
			return nil, err
		}
	}
	out := make([]plumbing.Hash, 0, len(commits))
	for _, c := range commits {
		out = append(out, c.id)
		if err := w.walkTree(c.tree, has, &out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// sendCommits walks wants and haves together in decreasing generation
// order: a commit is popped only after all of its walked descendants, so
// its flag is final then. It stops once every queued commit is one the
// client has. edges are the commits the client has that are parents of
// commits to send.
func (w *walker) sendCommits(wants, haves []plumbing.Hash, grafts map[plumbing.Hash]bool) (send []*commitInfo, edges []plumbing.Hash, err error) {
	flags := map[plumbing.Hash]uint8{}
	q := &genQueue{}
	live := 0 // queued commits not known to the client
	push := func(h plumbing.Hash, f uint8) error {
		old, queued := flags[h]
		if queued && (old&uninteresting != 0 || f == interesting) {
			return nil
		}
		flags[h] = old | f
		if queued {
			live-- // an interesting commit turned out to be the client's
			return nil
		}
		c, err := w.commit(h)
		if err != nil {
			return err
		}
		if f == interesting {
			live++
		}
		heap.Push(q, c)
		return nil
	}
	for _, h := range haves {
		if err := push(h, uninteresting); err != nil && !errors.Is(err, errNotCommit) {
			return nil, nil, err
		}
	}
	for _, h := range wants {
		if err := push(h, interesting); err != nil {
			return nil, nil, err
		}
	}
	for q.Len() > 0 && live > 0 {
		c := heap.Pop(q).(*commitInfo)
		f := flags[c.id]
		if f&uninteresting == 0 {
			live--
			send = append(send, c)
		}
		if grafts[c.id] {
			continue
		}
		pf := interesting
		if f&uninteresting != 0 {
			pf = uninteresting
		}
		for _, p := range c.parents {
			if err := push(p, pf); err != nil {
				return nil, nil, err
			}
		}
	}
	for _, c := range send {
		if grafts[c.id] {
			continue
		}
		for _, p := range c.parents {
			if flags[p]&uninteresting != 0 {
				edges = append(edges, p)
			}
		}
	}
	return send, edges, nil
}

// walkTree adds to out every object under tree that is not in has, and
// records them in has. With out nil it only records.
func (w *walker) walkTree(tree plumbing.Hash, has map[plumbing.Hash]bool, out *[]plumbing.Hash) error {
	if has[tree] {
		return nil
	}
	has[tree] = true
	if out != nil {
		*out = append(*out, tree)
	}
	if err := w.charge(1); err != nil {
		return err
	}
	obj, err := w.st.EncodedObject(plumbing.TreeObject, tree)
	if err != nil {
		return fmt.Errorf("tree %s: %w", tree, err)
	}
	var t object.Tree
	if err := t.Decode(obj); err != nil {
		return fmt.Errorf("tree %s: %w", tree, err)
	}
	if err := w.charge(len(t.Entries)); err != nil {
		return err
	}
	for _, e := range t.Entries {
		switch {
		case e.Mode == filemode.Submodule || has[e.Hash]:
		case e.Mode == filemode.Dir:
			if err := w.walkTree(e.Hash, has, out); err != nil {
				return err
			}
		default:
			has[e.Hash] = true
			if out != nil {
				*out = append(*out, e.Hash)
			}
		}
	}
	return nil
}
