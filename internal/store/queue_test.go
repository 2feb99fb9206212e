package store

import (
	"context"
	"sync"
	"testing"
)

func TestTurn(t *testing.T) {
	r := &Repo{}
	ctx := context.Background()
	var mu sync.Mutex
	inside, most := 0, 0
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done, err := r.Turn(ctx, "refs/heads/main")
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			inside++
			most = max(most, inside)
			mu.Unlock()
			mu.Lock()
			inside--
			mu.Unlock()
			done()
			done() // ending a turn twice is harmless
		}()
	}
	wg.Wait()
	if most != 1 {
		t.Fatalf("%d writers held the turn at once", most)
	}
	// Another ref has its own turn; a cancelled wait fails.
	done, _ := r.Turn(ctx, "refs/heads/main")
	other, err := r.Turn(ctx, "refs/meta/proposals")
	if err != nil {
		t.Fatal(err)
	}
	other()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.Turn(cctx, "refs/heads/main"); err == nil {
		t.Fatal("a cancelled wait got the turn")
	}
	done()
}
