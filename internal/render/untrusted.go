package render

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

// DefaultUntrustedTimeout bounds one RenderUntrusted call, waiting for a
// worker included, when Config leaves it at 0. A 2 MB page renders in well
// under a second; the guard keeps every input linear, so only a machine
// that is already overloaded gets near it.
const DefaultUntrustedTimeout = 5 * time.Second

// untrustedQueuePerWorker is how many callers may wait per worker when
// Config leaves UntrustedQueue at 0.
const untrustedQueuePerWorker = 4

// Errors of RenderUntrusted. A caller that gives up (its context
// cancelled) gets its context's error instead, wrapped.
var (
	// ErrBusy: every worker is rendering and the queue is full, or the
	// context ended while waiting for a worker. Nothing was rendered; the
	// caller may try again later (HTTP 503 with Retry-After).
	ErrBusy = errors.New("render: too many renders in progress")
	// ErrTooComplex: the deadline passed while rendering. It wraps
	// context.DeadlineExceeded (HTTP 503, or 422 for a preview).
	ErrTooComplex = errors.New("render: the text took too long to render")
)

// pool bounds the untrusted renders running at once, and the callers
// waiting for one, so that anonymous text cannot take every core.
type pool struct {
	slots   chan struct{} // a token per running render
	waiting atomic.Int64
	queue   int64
	timeout time.Duration
	// hook, when a test sets it, is told "queued" when a caller starts to
	// wait, "started" when a worker begins and "stopped" when one gave up
	// without a document. It may block.
	hook func(stage string)
}

func newPool(cfg Config) *pool {
	workers := cfg.UntrustedWorkers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	queue := cfg.UntrustedQueue
	switch {
	case queue == 0:
		queue = untrustedQueuePerWorker * workers
	case queue < 0:
		queue = 0
	}
	timeout := cfg.UntrustedTimeout
	if timeout <= 0 {
		timeout = DefaultUntrustedTimeout
	}
	return &pool{slots: make(chan struct{}, workers), queue: int64(queue), timeout: timeout}
}

func (p *pool) tell(stage string) {
	if p.hook != nil {
		p.hook(stage)
	}
}

// acquire takes a worker slot, waiting in the queue if there is room.
func (p *pool) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrBusy, err)
	}
	select {
	case p.slots <- struct{}{}:
		return nil
	default:
	}
	if p.waiting.Add(1) > p.queue {
		p.waiting.Add(-1)
		return ErrBusy
	}
	defer p.waiting.Add(-1)
	p.tell("queued")
	select {
	case p.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%w: %w", ErrBusy, ctx.Err())
	}
}

func (p *pool) release() { <-p.slots }

// RenderUntrusted renders text from anyone (a preview, an anonymous
// proposal) as Render does, but in a bounded pool and within a deadline:
// at most Config.UntrustedWorkers renders run at once (GOMAXPROCS by
// default) and Config.UntrustedQueue callers wait (4 per worker by
// default); the deadline is ctx's or Config.UntrustedTimeout (5 s by
// default), whichever comes first.
//
// It returns ErrBusy when no worker is free in time, ErrTooComplex when the
// deadline passes while rendering, and ctx's error when the caller goes
// away. A render given up on stops at its next step (and between the
// tokens of highlighted code) and keeps its worker until then, so
// abandoned renders cannot pile up; goldmark's parse itself cannot be
// stopped, which is why the guard keeps it linear in the input.
func (r *Renderer) RenderUntrusted(ctx context.Context, src []byte, rc Context) (*Document, error) {
	ctx, cancel := context.WithTimeout(ctx, r.pool.timeout)
	defer cancel()
	if err := r.pool.acquire(ctx); err != nil {
		return nil, err
	}
	done := make(chan *Document, 1)
	// The worker is given back before the answer is: a caller that renders
	// again at once must find it free, not be refused as busy.
	go func() { done <- r.work(ctx, src, rc) }()
	select {
	case doc := <-done:
		if doc != nil {
			return doc, nil
		}
	case <-ctx.Done():
		select {
		case doc := <-done: // finished just in time
			if doc != nil {
				return doc, nil
			}
		default:
		}
	}
	if err := ctx.Err(); errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("%w: %w", ErrTooComplex, err)
	}
	return nil, fmt.Errorf("render: %w", context.Cause(ctx))
}

// work renders in a worker slot taken by acquire, and gives it back.
func (r *Renderer) work(ctx context.Context, src []byte, rc Context) *Document {
	defer r.pool.release()
	r.pool.tell("started")
	doc, err := r.render(ctx, src, rc)
	if err != nil {
		r.pool.tell("stopped")
	}
	return doc
}

// RenderUntrustedCached is RenderUntrusted with the cache of RenderCached
// (the same documents, under the same keys, kept as forView keeps them): a
// hit takes no worker, and only a finished render is kept.
func (r *Renderer) RenderUntrustedCached(ctx context.Context, key string, src []byte, rc Context) (*Document, error) {
	if key != "" {
		if d, ok := r.docs.get(key); ok {
			return d, nil
		}
	}
	d, err := r.RenderUntrusted(ctx, src, rc)
	if err == nil && key != "" {
		d = forView(d)
		r.docs.put(key, d)
	}
	return d, err
}
