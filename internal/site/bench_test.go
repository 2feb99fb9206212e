package site

import (
	"fmt"
	"os"
	"testing"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/store"
)

// benchFiles is a generated wiki of n pages in 20 folders, each linking
// to others by path and by title.
func benchFiles(n int) map[string]string {
	files := map[string]string{"index.md": "# Home\n", "wiki.yaml": "title: Bench\n"}
	for i := range n {
		files[fmt.Sprintf("s%02d/p%04d.md", i%20, i)] = fmt.Sprintf("---\ntitle: Page %d\ntags: [t%d]\n---\n[[s%02d/p%04d]] [[Page %d]] [x](../s%02d/p%04d.md)\n\nSome text.\n",
			i, i%7, (i+1)%20, (i+1)%n, (i*7)%n, (i+3)%20, (i+3)%n)
	}
	return files
}

// BenchmarkLoad: the read model built from nothing, from the facts cache,
// and derived from the previous commit's after a one-page edit.
//
//	go test ./internal/site -run '^$' -bench Load -benchtime 5x
func BenchmarkLoad(b *testing.B) {
	_, l := MustSite(b, benchFiles(2000))
	repo := l.Repo()
	head, _ := repo.Head(ctx)
	b.Run("scratch", func(b *testing.B) {
		for range b.N {
			nl, _ := NewLoader(repo, render.New(render.Config{}), "")
			if _, err := nl.At(ctx, head); err != nil {
				b.Fatal(err)
			}
		}
	})
	dir := b.TempDir()
	warm, _ := NewLoader(repo, render.New(render.Config{}), "")
	warm.UseCache(dir)
	warm.At(ctx, head)
	warm.Close()
	b.Run("cached", func(b *testing.B) {
		for range b.N {
			nl, _ := NewLoader(repo, render.New(render.Config{}), "")
			nl.UseCache(dir)
			if _, err := nl.At(ctx, head); err != nil {
				b.Fatal(err)
			}
			nl.Close()
		}
	})
	b.Run("edit", func(b *testing.B) {
		for i := range b.N {
			b.StopTimer()
			h, _ := repo.Head(ctx)
			sig := store.Signature{Name: "b", Email: "b@x"}
			c, err := repo.WriteCommit(ctx, h, []store.FileWrite{{Path: "s05/p0005.md", Content: []byte(fmt.Sprintf("# Page 5\n[[Page 6]] edit %d\n", i))}}, store.CommitInfo{Author: sig, Committer: sig, Message: "e"})
			if err != nil {
				b.Fatal(err)
			}
			repo.UpdateRef(ctx, "refs/heads/"+repo.Branch(), c, h)
			b.StartTimer()
			if _, err := l.At(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLoadRepo: the model of a real repository's head built from
// nothing, as on a first start with an empty DATA, and the provisional
// model a first page is served from meanwhile; the repository is
// GITWIKI_BENCH_REPO (bench/run.sh makes one of 10,000 pages).
//
//	GITWIKI_BENCH_REPO=/tmp/wiki.git go test ./internal/site -run '^$' -bench LoadRepo -benchtime 1x -cpuprofile cpu.out
func BenchmarkLoadRepo(b *testing.B) {
	dir := os.Getenv("GITWIKI_BENCH_REPO")
	if dir == "" {
		b.Skip("GITWIKI_BENCH_REPO names no repository")
	}
	repo, err := store.Open(dir, store.Options{ObjectCacheBytes: 16 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer repo.Close()
	head, err := repo.Head(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("provisional", func(b *testing.B) {
		for range b.N {
			nl, _ := NewLoader(repo, render.New(render.Config{}), "")
			if _, err := nl.Provisional(ctx, head, "section-04/page-0004"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("scratch", func(b *testing.B) {
		for range b.N {
			nl, _ := NewLoader(repo, render.New(render.Config{}), "")
			if _, err := nl.At(ctx, head); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A restart: every page's facts are in DATA.
	cache := b.TempDir()
	warm, _ := NewLoader(repo, render.New(render.Config{}), "")
	warm.UseCache(cache)
	warm.At(ctx, head)
	warm.Close()
	// cached: the full model alone; cached-provisional: the provisional
	// model with one page; cached-both: both, as a restart makes them.
	for _, mode := range []string{"cached", "cached-provisional", "cached-both"} {
		b.Run(mode, func(b *testing.B) {
			for range b.N {
				nl, _ := NewLoader(repo, render.New(render.Config{}), "")
				nl.UseCache(cache)
				var err error
				if mode != "cached" {
					_, err = nl.Provisional(ctx, head, "section-04/page-0004")
				}
				if err == nil && mode != "cached-provisional" {
					_, err = nl.At(ctx, head)
				}
				if err != nil {
					b.Fatal(err)
				}
				nl.Close()
			}
		})
	}
}
