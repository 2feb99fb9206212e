package export

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/internal/wikipath"
	"github.com/gitwiki/gitwiki/themes"
)

// testTime is the time of every test commit, so test builds are reproducible.
var testTime = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// MustRepo creates a bare repository in a temporary directory whose main
// branch holds one commit of files.
func MustRepo(tb testing.TB, files fs.FS) *store.Repo {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "wiki.git")
	sig := store.Signature{Name: "Test Author", Email: "test@example.invalid", When: testTime}
	r, err := store.Init(dir, "main", files, sig, "Start the test wiki")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

// MustCommit adds a commit to main.
func MustCommit(tb testing.TB, r *store.Repo, when time.Time, msg string, writes ...store.FileWrite) store.Hash {
	tb.Helper()
	ctx := context.Background()
	head, err := r.Head(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	sig := store.Signature{Name: "Test Author", Email: "test@example.invalid", When: when}
	c, err := r.WriteCommit(ctx, head, writes, store.CommitInfo{Author: sig, Committer: sig, Message: msg})
	if err != nil {
		tb.Fatal(err)
	}
	if err := r.UpdateRef(ctx, "refs/heads/main", c, head); err != nil {
		tb.Fatal(err)
	}
	r.InvalidateHead()
	return c
}

// MustLoader reads the wiki under dir of r.
func MustLoader(tb testing.TB, r *store.Repo, dir string) *site.Loader {
	tb.Helper()
	l, err := site.NewLoader(r, render.New(render.Config{}), dir)
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// MustTheme loads the default theme.
func MustTheme(tb testing.TB) *theme.Theme {
	tb.Helper()
	sub, err := fs.Sub(themes.FS, "default")
	if err != nil {
		tb.Fatal(err)
	}
	th, err := theme.Load(sub)
	if err != nil {
		tb.Fatal(err)
	}
	return th
}

// MustBuild exports the head of r into a new directory (or zip) and returns its path.
// serverEditURL is the server's editor address, as web.LiveEditURL makes
// it; the export cannot import web.
func serverEditURL(base string, p wikipath.Page) string {
	return base + "/-/edit/" + wikipath.EscapePath(string(p))
}

func MustBuild(tb testing.TB, l *site.Loader, opts Options) (string, *Report) {
	tb.Helper()
	if opts.Out == "" {
		opts.Out = filepath.Join(tb.TempDir(), "site")
	}
	opts.Loader = l
	if opts.EditURL == nil {
		opts.EditURL = serverEditURL
	}
	if opts.Theme == nil {
		opts.Theme = MustTheme(tb)
	}
	rep, err := Build(context.Background(), opts)
	if err != nil {
		tb.Fatalf("Build: %v", err)
	}
	return opts.Out, rep
}

// mapFS turns name → content into a filesystem for store.Init.
func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, content := range files {
		m[name] = &fstest.MapFile{Data: []byte(content), Mode: 0o644}
	}
	return m
}

// readTree reads every file under dir, by slash-separated relative path.
func readTree(tb testing.TB, dir string) map[string][]byte {
	tb.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
