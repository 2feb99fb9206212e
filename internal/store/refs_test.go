package store

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// TestRefListingDuringWrites: while writers move refs (each update makes a
// "name.lock" and renames it over the ref), every listing and read succeeds
// and never shows a lock file as a ref.
func TestRefListingDuringWrites(t *testing.T) {
	needGit(t)
	r := MustInit(t, map[string]string{"index.md": "# Home\n"})
	c0, _ := r.Head(ctx)
	c1, err := r.WriteCommit(ctx, c0, []FileWrite{{Path: "a.md", Content: []byte("a\n")}}, CommitInfo{Author: sig("a"), Committer: sig("a"), Message: "a"})
	if err != nil {
		t.Fatal(err)
	}
	const writers, rounds = 4, 15
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 100)
	report := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("refs/heads/w%d", w)
			cur := ZeroHash
			for i := range rounds {
				next := []Hash{c0, c1}[i%2]
				if err := r.UpdateRef(ctx, name, next, cur); err != nil {
					report(fmt.Errorf("update %s: %w", name, err))
					return
				}
				cur = next
			}
		}()
	}
	var readers sync.WaitGroup
	for range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				refs, err := r.Refs(ctx, "refs/")
				if err != nil {
					report(fmt.Errorf("Refs: %w", err))
					return
				}
				for n := range refs {
					if strings.HasSuffix(n, ".lock") {
						report(fmt.Errorf("Refs lists %s", n))
						return
					}
				}
				if _, err := r.ResolveRef(ctx, "refs/heads/main"); err != nil {
					report(fmt.Errorf("ResolveRef: %w", err))
					return
				}
				runtime.Gosched() // let the writers run on a small machine
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	refs, err := r.Refs(ctx, "refs/heads/w")
	if err != nil || len(refs) != writers {
		t.Fatalf("refs %v %v", refs, err)
	}
	gitCmd(t, r.GitDir(), "fsck", "--strict")
}

// TestRefsSkipsDebris: lock files, empty files and garbage left in refs/
// are not refs, and do not fail a listing; loose refs win over packed ones.
func TestRefsSkipsDebris(t *testing.T) {
	needGit(t)
	r := MustInit(t, map[string]string{"index.md": "# Home\n"})
	c0, _ := r.Head(ctx)
	gitCmd(t, r.GitDir(), "branch", "packed", "main")
	gitCmd(t, r.GitDir(), "branch", "both", "main")
	gitCmd(t, r.GitDir(), "pack-refs", "--all")
	c1 := mustCommit(t, r, c0, "one", FileWrite{Path: "a.md", Content: []byte("a\n")})
	if err := r.UpdateRef(ctx, "refs/heads/both", c1, c0); err != nil {
		t.Fatal(err)
	}
	dir := r.GitDir() + "/refs/heads/"
	writeFile(t, dir+"main.lock", "")
	writeFile(t, dir+"empty", "")
	writeFile(t, dir+"garbage", "not a ref\n")
	writeFile(t, dir+"x/y.lock", c0.String()+"\n")
	refs, err := r.Refs(ctx, "refs/")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Hash{"refs/heads/main": c1, "refs/heads/packed": c0, "refs/heads/both": c1}
	if len(refs) != len(want) {
		t.Errorf("refs = %v", refs)
	}
	for n, h := range want {
		if refs[n] != h {
			t.Errorf("%s = %s, want %s", n, refs[n].Short(), h.Short())
		}
	}
	if h, err := r.ResolveRef(ctx, "refs/heads/packed"); err != nil || h != c0 {
		t.Errorf("packed ref: %s %v", h.Short(), err)
	}
	if _, err := r.ResolveRef(ctx, "refs/heads/empty"); err == nil {
		t.Error("an empty ref file resolves")
	}
	if refs, err := r.Refs(ctx, "refs/heads/pa"); err != nil || len(refs) != 1 {
		t.Errorf("prefix listing: %v %v", refs, err)
	}
}

func writeFile(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}
