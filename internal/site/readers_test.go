package site

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// TestReadersDuringEdits: readers look up every page of the head's model
// while pages are edited one by one, each a different page, more than enough to
// merge the layered maps (layer.go) several times. No reader may miss a
// page that every commit has (a 404 was seen once under the benchmark's
// mixed load).
func TestReadersDuringEdits(t *testing.T) {
	files := map[string]string{"index.md": "# Home\n"}
	const n = 100
	for i := range n {
		files[fmt.Sprintf("s%d/page-%d.md", i%7, i)] = fmt.Sprintf("# Page %d\n\n[[page-%d]] and [[Home]]\n", i, (i+1)%n)
	}
	_, l := MustSite(t, files)
	var stop atomic.Bool
	var missed atomic.Value
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				s, err := l.Head(ctx)
				if err != nil {
					missed.Store(err.Error())
					return
				}
				for i := range n {
					name := wikipath.Page(fmt.Sprintf("s%d/page-%d", i%7, i))
					if _, ok := s.Page(name); !ok {
						missed.Store(fmt.Sprintf("%s missing at %s", name, s.Commit.Short()))
						return
					}
					if len(s.Backlinks(name)) == 0 {
						missed.Store(fmt.Sprintf("%s has no backlinks at %s", name, s.Commit.Short()))
						return
					}
				}
			}
		}()
	}
	for i := range 80 {
		file := fmt.Sprintf("s%d/page-%d.md", i%7, i)
		c := commitFiles(t, l, fmt.Sprintf("edit %d", i), store.FileWrite{Path: file, Content: []byte(fmt.Sprintf("# Page %d\n\nedit %d [[page-%d]]\n", i, i, (i+1)%n))})
		if _, err := l.At(ctx, c); err != nil {
			t.Fatal(err)
		}
		if m := missed.Load(); m != nil {
			break
		}
	}
	stop.Store(true)
	wg.Wait()
	if m := missed.Load(); m != nil {
		t.Fatal(m)
	}
}
