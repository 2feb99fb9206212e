package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/wiki"
)

// starterAuthor signs the first commit of a new wiki.
var starterAuthor = store.Signature{Name: "gitwiki", Email: "gitwiki@invalid"}

func cmdInit(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("init", flag.ContinueOnError)
	fl.SetOutput(stderr)
	branch := fl.String("branch", "main", "branch to create")
	if err := fl.Parse(args); err != nil {
		return &exitError{2, err}
	}
	if fl.NArg() != 1 {
		return usageErr("init takes one directory: gitwiki init DIR")
	}
	dir := fl.Arg(0)
	r, err := initRepo(dir, *branch)
	if err != nil {
		return &exitError{2, err}
	}
	defer r.Close()
	fmt.Fprintf(stdout, "Created %s with the starter wiki on branch %s.\nServe it with: gitwiki serve --repo %s\n", dir, *branch, dir)
	return nil
}

// initRepo creates a bare repository with one commit of the starter content.
func initRepo(dir, branch string) (*store.Repo, error) {
	content, err := fs.Sub(wiki.FS, "content")
	if err != nil {
		return nil, err
	}
	sig := starterAuthor
	sig.When = time.Now()
	return store.Init(dir, branch, content, sig, "Start the wiki with the gitwiki starter content")
}
