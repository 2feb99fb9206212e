package render

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

var pageCtx = Context{Page: "p", File: "p.md"}

func TestRenderUntrustedMatchesRender(t *testing.T) {
	r := New(Config{})
	src := []byte("# T\n\nSome [[link]] and `code`.\n\n```go\nx := 1\n```\n")
	doc, err := r.RenderUntrusted(context.Background(), src, pageCtx)
	if err != nil {
		t.Fatal(err)
	}
	if want := r.Render(src, pageCtx); doc.HTML != want.HTML || doc.Title != want.Title {
		t.Errorf("got %q, want %q", doc.HTML, want.HTML)
	}
}

// stages records the pool's stages and can hold a worker at "started".
type stages struct {
	mu   sync.Mutex
	seen map[string]chan struct{} // closed at the first of each stage
	hold chan struct{}            // a started worker waits for it
}

func watch(r *Renderer, holdWorkers bool) *stages {
	s := &stages{seen: map[string]chan struct{}{}}
	for _, stage := range []string{"queued", "started", "stopped"} {
		s.seen[stage] = make(chan struct{})
	}
	if holdWorkers {
		s.hold = make(chan struct{})
	}
	r.pool.hook = func(stage string) {
		s.mu.Lock()
		select {
		case <-s.seen[stage]:
		default:
			close(s.seen[stage])
		}
		s.mu.Unlock()
		if stage == "started" && s.hold != nil {
			<-s.hold
		}
	}
	return s
}

func (s *stages) wait(t *testing.T, stage string) {
	t.Helper()
	select {
	case <-s.seen[stage]:
	case <-time.After(time.Minute): // a hang, not a speed limit
		t.Fatalf("no %q", stage)
	}
}

// TestRenderUntrustedBusy: with one worker busy and the one queue place
// taken, the next caller is refused at once; the waiting one gets its turn.
func TestRenderUntrustedBusy(t *testing.T) {
	r := New(Config{UntrustedWorkers: 1, UntrustedQueue: 1})
	s := watch(r, true)
	results := make(chan error, 2)
	go func() { _, err := r.RenderUntrusted(context.Background(), []byte("first"), pageCtx); results <- err }()
	s.wait(t, "started")
	go func() { _, err := r.RenderUntrusted(context.Background(), []byte("second"), pageCtx); results <- err }()
	s.wait(t, "queued")
	if _, err := r.RenderUntrusted(context.Background(), []byte("third"), pageCtx); !errors.Is(err, ErrBusy) {
		t.Errorf("third caller: got %v, want ErrBusy", err)
	}
	close(s.hold)
	for range 2 {
		if err := <-results; err != nil {
			t.Errorf("a queued render failed: %v", err)
		}
	}
}

func TestRenderUntrustedNoQueue(t *testing.T) {
	r := New(Config{UntrustedWorkers: 1, UntrustedQueue: -1})
	s := watch(r, true)
	done := make(chan error, 1)
	go func() { _, err := r.RenderUntrusted(context.Background(), []byte("a"), pageCtx); done <- err }()
	s.wait(t, "started")
	if _, err := r.RenderUntrusted(context.Background(), []byte("b"), pageCtx); !errors.Is(err, ErrBusy) {
		t.Errorf("got %v, want ErrBusy", err)
	}
	close(s.hold)
	if err := <-done; err != nil {
		t.Error(err)
	}
}

// TestRenderUntrustedCallerLeaves: the caller gets its context's error at
// once, and the worker stops at its next step instead of finishing.
func TestRenderUntrustedCallerLeaves(t *testing.T) {
	r := New(Config{UntrustedWorkers: 1})
	s := watch(r, true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := r.RenderUntrusted(ctx, []byte("# a page"), pageCtx); done <- err }()
	s.wait(t, "started")
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTooComplex) || errors.Is(err, ErrBusy) {
		t.Errorf("got %v, want context.Canceled only", err)
	}
	close(s.hold)
	s.wait(t, "stopped")
	// The worker is free again.
	s.hold = nil
	if _, err := r.RenderUntrusted(context.Background(), []byte("next"), pageCtx); err != nil {
		t.Error(err)
	}
}

// deadline is a context whose deadline passes when the test says so.
type deadline struct {
	context.Context
	done chan struct{}
}

func (d deadline) Done() <-chan struct{} { return d.done }

func (d deadline) Err() error {
	select {
	case <-d.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func TestRenderUntrustedDeadline(t *testing.T) {
	r := New(Config{UntrustedWorkers: 1, UntrustedQueue: 1})
	s := watch(r, true)
	ctx := deadline{context.Background(), make(chan struct{})}
	done := make(chan error, 1)
	go func() { _, err := r.RenderUntrusted(ctx, []byte("slow"), pageCtx); done <- err }()
	s.wait(t, "started")
	close(ctx.done)
	if err := <-done; !errors.Is(err, ErrTooComplex) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("while rendering: got %v, want ErrTooComplex", err)
	}

	// Waiting for a worker past the deadline is ErrBusy.
	ctx2 := deadline{context.Background(), make(chan struct{})}
	go func() { _, err := r.RenderUntrusted(ctx2, []byte("waits"), pageCtx); done <- err }()
	s.wait(t, "queued")
	close(ctx2.done)
	if err := <-done; !errors.Is(err, ErrBusy) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("while waiting: got %v, want ErrBusy", err)
	}
	close(s.hold)
	s.wait(t, "stopped")
}

func TestRenderUntrustedCached(t *testing.T) {
	r := New(Config{UntrustedWorkers: 1, UntrustedQueue: -1})
	src := []byte("cached page")
	want, err := r.RenderUntrustedCached(context.Background(), "k", src, pageCtx)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.RenderCached("k", nil, pageCtx); got != want {
		t.Error("RenderCached does not share the untrusted render's entry")
	}
	// A hit needs no worker, even with every worker busy.
	s := watch(r, true)
	done := make(chan struct{})
	go func() { _, _ = r.RenderUntrusted(context.Background(), []byte("busy"), pageCtx); close(done) }()
	s.wait(t, "started")
	if got, err := r.RenderUntrustedCached(context.Background(), "k", nil, pageCtx); err != nil || got != want {
		t.Errorf("hit with busy workers: %v", err)
	}
	close(s.hold)
	<-done
}
