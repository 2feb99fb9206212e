package parallel

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
)

func TestFor(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name     string
		workers  int
		n        int
		failAt   int // -1: no call fails
		wantErr  error
		wantAll  bool // every index called exactly once
		maxCalls int  // with a failure: calls may not run far past it
	}{
		{"all run once", 4, 1000, -1, nil, true, 0},
		{"one worker", 1, 50, -1, nil, true, 0},
		{"more workers than jobs", 16, 3, -1, nil, true, 0},
		{"no jobs", 4, 0, -1, nil, true, 0},
		{"zero workers means one", 0, 10, -1, nil, true, 0},
		{"first error stops new calls", 1, 100, 10, boom, false, 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := make([]atomic.Int32, tt.n)
			var total atomic.Int32
			err := For(context.Background(), tt.workers, tt.n, func(i int) error {
				calls[i].Add(1)
				total.Add(1)
				if i == tt.failAt {
					return boom
				}
				return nil
			})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantAll {
				for i := range calls {
					if c := calls[i].Load(); c != 1 {
						t.Fatalf("index %d called %d times", i, c)
					}
				}
			}
			if tt.maxCalls > 0 && int(total.Load()) > tt.maxCalls {
				t.Errorf("%d calls after the failure at %d, want at most %d", total.Load(), tt.failAt, tt.maxCalls)
			}
		})
	}
}

func TestForCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var total atomic.Int32
	err := For(ctx, 1, 100, func(i int) error {
		if total.Add(1) == 5 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := total.Load(); n != 5 {
		t.Errorf("%d calls, want 5: none starts after the cancel", n)
	}
}

// TestForLimit checks that no more than workers calls run at once.
func TestForLimit(t *testing.T) {
	var running, peak atomic.Int32
	err := For(context.Background(), 3, 200, func(int) error {
		r := running.Add(1)
		for {
			p := peak.Load()
			if r <= p || peak.CompareAndSwap(p, r) {
				break
			}
		}
		running.Add(-1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p > 3 {
		t.Errorf("%d calls ran at once, want at most 3", p)
	}
}

// TestForWorkers checks that each call is told a worker in range, and that
// no two calls at once are told the same one: what a worker keeps between
// calls is its own.
func TestForWorkers(t *testing.T) {
	const workers = 3
	var busy [workers]atomic.Int32
	var bad atomic.Int32
	err := ForWorkers(context.Background(), workers, 300, func(w, _ int) error {
		if w < 0 || w >= workers {
			bad.Add(1)
			return nil
		}
		if busy[w].Add(1) != 1 {
			bad.Add(1)
		}
		busy[w].Add(-1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := bad.Load(); n != 0 {
		t.Errorf("%d calls told a worker out of range or in use", n)
	}
}
