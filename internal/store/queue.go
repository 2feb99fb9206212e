package store

import (
	"context"
	"sync"
)

// turns gives the writers of one process their turn on a ref, one at a
// time. A read-modify-write of a ref (resolve, rebase, write, CAS) that waits
// for its turn does its work once, where writers that only raced on the CAS
// would keep redoing it and starve each other on a loaded machine. The CAS
// still guards against writers in other processes.
type turns struct {
	mu sync.Mutex
	m  map[string]chan struct{}
}

// Turn waits until no other writer of this process holds ref, and returns
// the function that ends the turn. It fails only when ctx ends first.
func (r *Repo) Turn(ctx context.Context, ref string) (done func(), err error) {
	r.turns.mu.Lock()
	if r.turns.m == nil {
		r.turns.m = map[string]chan struct{}{}
	}
	ch, ok := r.turns.m[ref]
	if !ok {
		ch = make(chan struct{}, 1)
		r.turns.m[ref] = ch
	}
	r.turns.mu.Unlock()
	select {
	case ch <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-ch }) }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
