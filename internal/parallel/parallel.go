// Package parallel runs a batch of independent jobs on a fixed set of
// goroutines.
//
// errgroup with SetLimit starts a goroutine per job. A job that renders a
// page goes deep (goldmark's walk, html/template's recursion), so every new
// goroutine grew its stack again from 8 KB by copying: 3 % of a static
// build's CPU. Workers that live for the whole batch grow their stacks once.
package parallel

import (
	"context"
	"sync"
	"sync/atomic"
)

// For calls fn(0), …, fn(n-1) on at most workers goroutines (at least one)
// and returns the first error. After an error, or once ctx is done, no new
// call starts; calls under way finish. It returns ctx's error if no call
// failed but ctx ended before every call started.
func For(ctx context.Context, workers, n int, fn func(i int) error) error {
	return ForWorkers(ctx, workers, n, func(_, i int) error { return fn(i) })
}

// ForWorkers is For, telling fn which worker (0 to workers-1) makes the
// call, for state a worker keeps from one call to the next.
func ForWorkers(ctx context.Context, workers, n int, fn func(worker, i int) error) error {
	workers = max(1, min(workers, n))
	var (
		next    atomic.Int64
		stop    atomic.Bool
		errOnce sync.Once
		first   error
		wg      sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for !stop.Load() && ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(w, i); err != nil {
					errOnce.Do(func() { first = err })
					stop.Store(true)
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	if int(next.Load()) < n {
		return ctx.Err()
	}
	return nil
}
