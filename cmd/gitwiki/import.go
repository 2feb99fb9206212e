package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"strings"

	"github.com/gitwiki/gitwiki/internal/importer"
	"github.com/gitwiki/gitwiki/internal/importer/confluence"
	"github.com/gitwiki/gitwiki/internal/importer/jekyll"
	"github.com/gitwiki/gitwiki/internal/store"
)

const importUsage = `gitwiki import confluence|jekyll SRC --repo DIR [--message MSG] [--into FOLDER] [--force] [--dry-run] [--branch B] [--author "Name <email>"]

SRC is a Confluence space (an HTML export folder or .zip, or a backup of page
bodies in front matter) or a Jekyll site (or one folder per language, each
with its _config.yml). The import is one commit on the branch. A repository
that does not exist is created, bare, with the import as its first commit.
Files that exist with other content are replaced only with --force.
`

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("import", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprint(stderr, importUsage); fl.PrintDefaults() }
	repo := fl.String("repo", defaultRepo(), "content repository to import into (created when missing)")
	message := fl.String("message", "", "commit message (default: what was imported, with its totals)")
	into := fl.String("into", "", "folder of the wiki to import into (default: its root)")
	force := fl.Bool("force", false, "replace files that exist with other content")
	branch := fl.String("branch", "", "branch (default: the repository's HEAD branch, or main for a new one)")
	author := fl.String("author", "", `author of the commit, "Name <email>" (default: gitwiki import)`)
	dryRun := fl.Bool("dry-run", false, "print the report and every file the import would write, and commit nothing")
	pos, err := parseInterspersed(fl, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fmt.Fprint(stderr, importUsage)
		return usageErr("import takes a kind and a source: gitwiki import confluence|jekyll SRC --repo DIR")
	}
	sig, err := parseAuthor(*author)
	if err != nil {
		return err
	}
	run, ok := map[string]func(*importer.Source) (*importer.Result, error){
		"confluence": func(s *importer.Source) (*importer.Result, error) {
			return confluence.Import(s, confluence.Options{Into: *into})
		},
		"jekyll": func(s *importer.Source) (*importer.Result, error) {
			return jekyll.Import(s, jekyll.Options{Into: *into})
		},
	}[pos[0]]
	if !ok {
		return usageErr("unknown kind %q: gitwiki import confluence|jekyll SRC --repo DIR", pos[0])
	}
	src, err := importer.OpenSource(pos[1], importer.DefaultLimits)
	if err != nil {
		return importFailed(err)
	}
	defer src.Close()
	res, err := run(src)
	if err != nil {
		return importFailed(err)
	}
	if *dryRun {
		out, err := res.Dump()
		if err != nil {
			return importFailed(err)
		}
		_, err = stdout.Write(out)
		return err
	}
	_, err = importer.Commit(ctx, res, importer.CommitOptions{Repo: *repo, Branch: *branch, Message: *message, Force: *force, Author: sig})
	if err != nil {
		return importFailed(err)
	}
	res.Report.Print(stdout)
	fmt.Fprintf(stdout, "\nServe it with: gitwiki serve --repo %s\n", *repo)
	return nil
}

// importFailed: a source or repository the import cannot use is the
// user's to fix (exit 1, nothing committed); anything else is a set-up error.
func importFailed(err error) error {
	for _, e := range []error{importer.ErrSource, importer.ErrUnsafe, importer.ErrTooLarge, importer.ErrConflict} {
		if errors.Is(err, e) {
			return &exitError{1, fmt.Errorf("import: %w", err)}
		}
	}
	return &exitError{2, fmt.Errorf("import: %w", err)}
}

// parseInterspersed parses flags given before, between or after the
// positional arguments, as the CLI writes them: "import jekyll SRC --repo DIR".
func parseInterspersed(fl *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fl.Parse(args); err != nil {
			return nil, &exitError{2, err}
		}
		if fl.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fl.Arg(0))
		args = fl.Args()[1:]
	}
}

func parseAuthor(s string) (store.Signature, error) {
	if strings.TrimSpace(s) == "" {
		return store.Signature{}, nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name == "" || strings.ContainsAny(a.Name+a.Address, "<>\n\r") {
		return store.Signature{}, usageErr(`--author must read "Name <email>"`)
	}
	return store.Signature{Name: a.Name, Email: a.Address}, nil
}
