package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/gitwiki/gitwiki/internal/export"
	"github.com/gitwiki/gitwiki/internal/render"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/web"
)

// defaultRepo is serve's default repository: GITWIKI_REPO, else
// DATA/wiki.git with DATA from GITWIKI_DATA or "data".
func defaultRepo() string {
	if r := os.Getenv("GITWIKI_REPO"); r != "" {
		return r
	}
	if d := os.Getenv("GITWIKI_DATA"); d != "" {
		return filepath.Join(d, "wiki.git")
	}
	return filepath.Join("data", "wiki.git")
}

// siteFlags are the flags build and check share: which wiki, at which commit.
type siteFlags struct {
	repo, rev, dir, branch *string
}

func addSiteFlags(fl *flag.FlagSet) siteFlags {
	return siteFlags{
		repo:   fl.String("repo", defaultRepo(), "content repository, bare or not"),
		rev:    fl.String("rev", "", "commit id or branch to export (default: the head of --branch)"),
		dir:    fl.String("dir", "", "folder of the repository that holds the wiki"),
		branch: fl.String("branch", "", "branch (default: the repository's HEAD branch)"),
	}
}

// open reads the repository without creating it: build and check never write to it.
func (f siteFlags) open() (*store.Repo, *site.Loader, error) {
	// One pass over the wiki: every page source is read twice (for the read
	// model, then to render it), and should come from memory the second time.
	repo, err := store.Open(*f.repo, store.Options{Branch: *f.branch, BlobCacheBytes: 512 << 20})
	if err != nil {
		return nil, nil, &exitError{2, fmt.Errorf("open %s: %w", *f.repo, err)}
	}
	// Build and check summarize every page, then render each: the
	// renderer keeps the parse between the two.
	loader, err := site.NewLoader(repo, render.New(render.Config{KeepParses: true}), *f.dir)
	if err != nil {
		repo.Close()
		return nil, nil, &exitError{2, err}
	}
	return repo, loader, nil
}

func parseFlags(fl *flag.FlagSet, args []string) error {
	if err := fl.Parse(args); err != nil {
		return &exitError{2, err}
	}
	if fl.NArg() > 0 {
		return usageErr("unexpected argument %q", fl.Arg(0))
	}
	return nil
}

func cmdBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("build", flag.ContinueOnError)
	fl.SetOutput(stderr)
	sf := addSiteFlags(fl)
	out := fl.String("out", "", "output directory, or a file ending in .zip (required)")
	baseURL := fl.String("base-url", "", "public URL of the wiki: edit links, feed, sitemap.xml, robots.txt")
	strict := fl.Bool("strict", false, "fail, writing nothing, when a link leads nowhere")
	themeDir := fl.String("theme", "", "theme directory (default: the built-in theme)")
	cpuProfile := fl.String("cpuprofile", "", "write a CPU profile of the build to `FILE` (for go tool pprof)")
	if err := parseFlags(fl, args); err != nil {
		return err
	}
	// A build is a short batch job that allocates a lot and frees it all at
	// the end: collecting less often trades a few hundred MB for an eighth
	// of its CPU time. GOGC in the environment still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(300)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return &exitError{2, err}
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return &exitError{2, err}
		}
		defer pprof.StopCPUProfile()
	}
	if *out == "" {
		return usageErr("build needs --out DIR (or --out FILE.zip)")
	}
	th, err := loadTheme(*themeDir)
	if err != nil {
		return &exitError{2, err}
	}
	repo, loader, err := sf.open()
	if err != nil {
		return err
	}
	defer repo.Close()
	if err := checkCatalogs(ctx, loader); err != nil {
		return err
	}
	rep, err := export.Build(ctx, export.Options{Loader: loader, Theme: th, Rev: *sf.rev, Out: *out, BaseURL: *baseURL, Strict: *strict, EditURL: web.LiveEditURL})
	if rep != nil {
		for _, p := range rep.Skipped {
			fmt.Fprintln(stderr, "not exported:", p.Arrow())
		}
		for _, p := range rep.Failed {
			fmt.Fprintln(stderr, "failed:", p.Arrow())
		}
		if len(rep.Broken) > 0 {
			fmt.Fprintf(stderr, "%d broken links:\n", len(rep.Broken))
			for _, p := range rep.Broken {
				fmt.Fprintln(stderr, "  "+p.Arrow())
			}
		}
	}
	switch {
	case errors.Is(err, export.ErrBrokenLinks), errors.Is(err, export.ErrPagesFailed):
		if errors.Is(err, export.ErrPagesFailed) {
			summary(stdout, rep)
		}
		return &exitError{1, err}
	case err != nil:
		return &exitError{2, err}
	}
	summary(stdout, rep)
	return nil
}

func summary(w io.Writer, rep *export.Report) {
	fmt.Fprintf(w, "Built %d pages, %d attachments, %d bytes in %s: commit %s → %s\n",
		rep.Pages, rep.Attachments, rep.Bytes, rep.Elapsed.Round(time.Millisecond), rep.Commit.Short(), rep.Out)
}

func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("check", flag.ContinueOnError)
	fl.SetOutput(stderr)
	sf := addSiteFlags(fl)
	if err := parseFlags(fl, args); err != nil {
		return err
	}
	repo, loader, err := sf.open()
	if err != nil {
		return err
	}
	defer repo.Close()
	st, err := siteAt(ctx, loader, *sf.rev)
	if err != nil {
		return &exitError{2, err}
	}
	findings, err := st.Check(ctx)
	if err != nil {
		return &exitError{2, err}
	}
	errs := 0
	for _, f := range findings {
		fmt.Fprintln(stdout, f.String())
		if f.IsError() {
			errs++
		}
	}
	if errs > 0 {
		return &exitError{1, fmt.Errorf("%d errors, %d warnings", errs, len(findings)-errs)}
	}
	if len(findings) > 0 {
		fmt.Fprintf(stdout, "No errors; %d warnings.\n", len(findings))
	}
	return nil
}

// siteAt is the read model at rev ("" for the branch head).
func siteAt(ctx context.Context, loader *site.Loader, rev string) (*site.Site, error) {
	if rev == "" {
		return loader.Head(ctx)
	}
	h, err := loader.Resolve(ctx, rev)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %w", export.ErrBadRevision, rev, err)
	}
	return loader.At(ctx, h)
}
