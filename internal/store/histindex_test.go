package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// answers are every history question about r's paths from each of
// commits, as data.
func answers(t *testing.T, r *Repo, commits []Hash, paths []string) string {
	t.Helper()
	var out string
	for _, c := range commits {
		for _, p := range paths {
			hist, err := r.FileHistory(ctx, c, p, 3)
			if err != nil {
				t.Fatal(err)
			}
			all, err := r.FileHistory(ctx, c, p, 0)
			if err != nil {
				t.Fatal(err)
			}
			last, _, err := r.LastChange(ctx, c, p, ZeroHash)
			if err != nil {
				t.Fatal(err)
			}
			out += fmt.Sprintf("%s %s: %v %d %v\n", c.Short(), p, ids(hist), len(all), last != nil && len(hist) > 0 && last.Hash == hist[0].Hash || last == nil && len(hist) == 0)
		}
		log, err := r.Log(ctx, c, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range log {
			out += fmt.Sprintf("  log %s %v\n", e.Hash.Short(), e.Changes)
		}
	}
	return out
}

func ids(cs []*Commit) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Hash.Short())
	}
	return out
}

// TestHistoryIndex: with the index, every history answer is what the walk
// without it gives: from the head, from older commits, from a commit off
// the indexed line, after the branch is rewritten, after a restart from
// the persisted index, and from a damaged one.
func TestHistoryIndex(t *testing.T) {
	r := MustInit(t, map[string]string{"a.md": "a", "d/b.md": "b"})
	paths := []string{"a.md", "d/b.md", "d/e/c.md", "x.md", "d"}
	rnd := rand.New(rand.NewPCG(1, 2))
	head, _ := r.Head(ctx)
	commits := []Hash{head}
	for i := range 30 {
		p := paths[rnd.IntN(len(paths)-1)]
		w := FileWrite{Path: p, Content: []byte(fmt.Sprint(i))}
		if rnd.IntN(5) == 0 {
			w = FileWrite{Path: p, Delete: true}
		}
		c := mustCommit(t, r, head, fmt.Sprint(i), w)
		head = c
		commits = append(commits, c)
	}
	// A side line, as a proposal's branch: off the indexed line.
	side, err := r.WriteCommit(ctx, commits[20], []FileWrite{{Path: "a.md", Content: []byte("side")}}, CommitInfo{Author: sig("a"), Committer: sig("a"), Message: "side"})
	if err != nil {
		t.Fatal(err)
	}
	commits = append(commits, side)
	want := answers(t, r, commits, paths)

	dir := t.TempDir()
	r.IndexHistory(dir, nil)
	r.WaitHistory()
	if got := answers(t, r, commits, paths); got != want {
		t.Fatalf("with the index:\n%s\nwithout:\n%s", got, want)
	}
	// New commits on top: the index follows the head.
	for i := range 3 {
		c := mustCommit(t, r, head, "more", FileWrite{Path: "d/e/c.md", Content: []byte(fmt.Sprint("more", i))})
		head = c
		commits = append(commits, c)
	}
	if got := answers(t, r, commits, paths); got == "" {
		t.Fatal("no answers")
	}
	// Rewritten: the branch goes back to commit 10 and on another way.
	if err := r.UpdateRef(ctx, "refs/heads/main", commits[10], head); err != nil {
		t.Fatal(err)
	}
	head = commits[10]
	for i := range 3 {
		c := mustCommit(t, r, head, "other", FileWrite{Path: "a.md", Content: []byte(fmt.Sprint("other", i))})
		head = c
		commits = append(commits, c)
	}
	r.WaitHistory()
	got := answers(t, r, commits, paths)
	r.closeHistory()
	want = answers(t, r, commits, paths)
	if got != want {
		t.Fatalf("after new and rewritten commits, with the index:\n%s\nwithout:\n%s", got, want)
	}
	// A restart reads the persisted index; it holds the rewritten line.
	r.IndexHistory(dir, nil)
	r.WaitHistory()
	h := r.index()
	h.mu.RLock()
	n := len(h.chain)
	h.mu.RUnlock()
	if n != 14 {
		t.Fatalf("restarted index holds %d commits, want 14", n)
	}
	if got := answers(t, r, commits, paths); got != want {
		t.Fatalf("after a restart:\n%s\nwant:\n%s", got, want)
	}
	r.closeHistory()
	// Damage near the end: the index is read up to it and walked again.
	name := filepath.Join(dir, histFile)
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-7] ^= 0x55
	os.WriteFile(name, b, 0o600)
	r.IndexHistory(dir, nil)
	r.WaitHistory()
	if got := answers(t, r, commits, paths); got != want {
		t.Fatalf("from a damaged index:\n%s\nwant:\n%s", got, want)
	}
	r.closeHistory()
	b2, _ := os.ReadFile(name)
	if reflect.DeepEqual(b, b2) {
		t.Fatal("the damaged index was not rewritten")
	}
}

// BenchmarkFileHistory: a page's first 50 changes among 2,000 commits,
// walked and from the index.
//
//	go test ./internal/store -run '^$' -bench FileHistory -benchtime 20x
func BenchmarkFileHistory(b *testing.B) {
	r := MustInit(b, map[string]string{"a/hot.md": "0", "a/cold.md": "0"})
	head, _ := r.Head(ctx)
	for i := range 2000 {
		p := fmt.Sprintf("f/%d.md", i%97)
		if i%20 == 0 {
			p = "a/hot.md"
		}
		head = mustCommit(b, r, head, "c", FileWrite{Path: p, Content: []byte(fmt.Sprint(i))})
	}
	for _, name := range []string{"walk", "index"} {
		if name == "index" {
			r.IndexHistory("", nil)
			r.WaitHistory()
		}
		for _, p := range []string{"a/hot.md", "a/cold.md"} {
			b.Run(name+"/"+p, func(b *testing.B) {
				for range b.N {
					if _, err := r.FileHistory(ctx, head, p, 50); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
