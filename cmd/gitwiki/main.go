// Command gitwiki serves, builds and checks a wiki kept in a git repository.
// This package only parses flags and wires the internal packages together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// exitError carries a process exit status: 1 for findings (check), 2 for
// usage and set-up errors.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitError{2, fmt.Errorf(format, a...)}
}

const usage = `gitwiki: a wiki kept in a git repository

Usage:
  gitwiki serve  [--repo DIR] [--data DIR] [--addr 127.0.0.1:8080] [--branch main] [--dir SUBDIR] [--theme DIR]
                 [--upstream URL [--fetch-every 60s] [--ssh-key FILE --known-hosts FILE]] [--onion-url URL]
                            serve the wiki; with --upstream, sync with a git host or other replicas
                            (token in GITWIKI_UPSTREAM_TOKEN, webhook secret in GITWIKI_WEBHOOK_SECRET)
  gitwiki init   DIR        create a bare repository holding the starter content
  gitwiki build  [--repo DIR] [--rev REV] --out DIR|FILE.zip [--base-url URL] [--strict] [--dir SUBDIR] [--branch B] [--theme DIR]
                            write the wiki as a static site with relative links and offline search
  gitwiki check  [--repo DIR] [--rev REV] [--dir SUBDIR] [--branch B]
                            report broken links and bad front matter; exit 1 when any
  gitwiki import confluence|jekyll SRC --repo DIR [--message MSG] [--into FOLDER] [--force]
                            bring a Confluence space or a Jekyll site in as one commit
  gitwiki user   add|remove|list NAME [--maintainer] [--data DIR]
                            manage accounts; add reads the password from standard input

Run "gitwiki COMMAND -h" for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		code := 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		if !errors.Is(err, errHelp) {
			fmt.Fprintln(os.Stderr, "gitwiki:", err)
		}
		os.Exit(code)
	}
}

var errHelp = errors.New("help requested")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{2, errHelp}
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "init":
		return cmdInit(args[1:], stdout, stderr)
	case "build":
		return cmdBuild(ctx, args[1:], stdout, stderr)
	case "check":
		return cmdCheck(ctx, args[1:], stdout, stderr)
	case "import":
		return cmdImport(ctx, args[1:], stdout, stderr)
	case "user":
		return cmdUser(args[1:], stdin, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usageErr("unknown command %q", args[0])
}
