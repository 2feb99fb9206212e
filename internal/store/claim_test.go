package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// TestClaimNumbersConcurrently: 100 writers at once each claim the next
// free proposal number by creating refs/heads/proposals/N with ZeroHash as
// the old value. Each gets a number of its own and no error but ErrStale,
// which says "taken, try the next". (Once, listings failed on the lock
// files of the other writers, and 90 of 100 proposals failed with 500.)
func TestClaimNumbersConcurrently(t *testing.T) {
	needGit(t)
	r := MustInit(t, map[string]string{"index.md": "# Home\n"})
	c0, _ := r.Head(ctx)
	const writers = 100
	var wg sync.WaitGroup
	got := make([]int, writers)
	commits := make([]Hash, writers)
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := r.WriteCommit(ctx, c0, []FileWrite{{Path: "p.md", Content: []byte(fmt.Sprintf("proposal %d\n", w))}},
				CommitInfo{Author: sig("a"), Committer: sig("a"), Message: "propose"})
			if err != nil {
				errs <- err
				return
			}
			commits[w] = c
			refs, err := r.Refs(ctx, "refs/heads/proposals/")
			if err != nil {
				errs <- err
				return
			}
			n := 1
			for name := range refs {
				if k, err := strconv.Atoi(strings.TrimPrefix(name, "refs/heads/proposals/")); err == nil && k >= n {
					n = k + 1
				}
			}
			for ; ; n++ {
				err := r.UpdateRef(ctx, fmt.Sprintf("refs/heads/proposals/%d", n), c, ZeroHash)
				if err == nil {
					got[w] = n
					return
				}
				if !errors.Is(err, ErrStale) {
					errs <- fmt.Errorf("claim %d: %w", n, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	refs, err := r.Refs(ctx, "refs/heads/proposals/")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]int{}
	for w, n := range got {
		if o, dup := seen[n]; dup {
			t.Fatalf("writers %d and %d both got %d", o, w, n)
		}
		seen[n] = w
		if h := refs[fmt.Sprintf("refs/heads/proposals/%d", n)]; h != commits[w] {
			t.Errorf("proposals/%d is %s, want writer %d's %s", n, h.Short(), w, commits[w].Short())
		}
	}
	if len(refs) != writers {
		t.Errorf("%d proposal refs, want %d", len(refs), writers)
	}
	gitCmd(t, r.GitDir(), "fsck", "--strict")
}
