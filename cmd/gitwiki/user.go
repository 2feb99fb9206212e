package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/gitwiki/gitwiki/internal/users"
)

const userUsage = `Usage:
  gitwiki user add NAME [--maintainer] [--data DIR]   password read from standard input (first line)
  gitwiki user remove NAME [--data DIR]
  gitwiki user list [--data DIR]
`

// cmdUser manages the accounts in DATA/users.json. It is safe to run while
// the server is running: the server notices the change.
func cmdUser(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, userUsage)
		return usageErr("user needs add, remove or list")
	}
	verb := args[0]
	fl := flag.NewFlagSet("user "+verb, flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprint(stderr, userUsage) }
	data := fl.String("data", "", "directory for server state (default $GITWIKI_DATA, else data)")
	maintainer := false
	if verb == "add" {
		fl.BoolVar(&maintainer, "maintainer", false, "the account may merge, reject and commit to the branch directly")
	}
	if err := fl.Parse(flagsFirst(fl, args[1:])); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &exitError{2, err}
	}
	if *data == "" {
		*data = os.Getenv("GITWIKI_DATA")
	}
	if *data == "" {
		*data = "data"
	}
	want := 1
	if verb == "list" {
		want = 0
	}
	switch verb {
	case "add", "remove", "list":
	default:
		fmt.Fprint(stderr, userUsage)
		return usageErr("unknown user command %q", verb)
	}
	if fl.NArg() != want {
		fmt.Fprint(stderr, userUsage)
		if want == 0 {
			return usageErr("user list takes no name")
		}
		return usageErr("user %s takes one name", verb)
	}
	if verb != "add" {
		if _, err := os.Stat(*data); errors.Is(err, fs.ErrNotExist) {
			return usageErr("no data directory at %s (use --data DIR)", *data)
		}
	}
	st, err := users.Open(*data)
	if err != nil {
		return err
	}
	return runUser(st, verb, fl.Arg(0), maintainer, stdin, stdout, stderr)
}

// runUser carries out one parsed user command on the accounts.
func runUser(st *users.Store, verb, name string, maintainer bool, stdin io.Reader, stdout, stderr io.Writer) error {
	switch verb {
	case "add":
		if err := users.ValidName(name); err != nil {
			return &exitError{2, err}
		}
		password, err := readPassword(stdin, stderr, name)
		if err != nil {
			return err
		}
		if err := st.Add(name, password, maintainer); err != nil {
			if errors.Is(err, users.ErrInvalid) {
				return &exitError{2, err}
			}
			return err
		}
		role := "contributor"
		if maintainer {
			role = "maintainer"
		}
		fmt.Fprintf(stdout, "Added %s %s.\n", role, name)
	case "remove":
		if err := st.Remove(name); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Removed %s; their sessions have ended.\n", name)
	case "list":
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		for _, u := range st.List() {
			role := "contributor"
			if u.Maintainer {
				role = "maintainer"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Name, role, u.Created.UTC().Format("2006-01-02"))
		}
		return tw.Flush()
	}
	return nil
}

// flagsFirst moves flags before the positional arguments, so that
// "user add alice --maintainer" parses like "user add --maintainer alice".
// A flag that takes a value keeps it; "--" ends the flags.
func flagsFirst(fl *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fl.Lookup(name)
		if f == nil {
			continue // Parse reports it
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if i+1 == len(args) {
			return flags // the value is missing: Parse says so
		}
		i++
		flags = append(flags, args[i])
	}
	return append(append(flags, "--"), rest...)
}

// readPassword reads the first line of stdin. On a terminal it prompts on
// stderr and asks twice; the typing is visible, as no terminal library is used.
func readPassword(stdin io.Reader, stderr io.Writer, name string) (string, error) {
	br := bufio.NewReaderSize(stdin, 4096)
	tty := isTerminal(stdin)
	if tty {
		fmt.Fprintf(stderr, "Password for %s (at least %d characters; it is shown as you type): ", name, users.MinPasswordChars)
	}
	pw, err := readLine(br)
	if err != nil {
		return "", err
	}
	if pw == "" {
		return "", usageErr("no password: give it as the first line of standard input, e.g. from a password manager")
	}
	if tty {
		fmt.Fprint(stderr, "Again: ")
		again, err := readLine(br)
		if err != nil {
			return "", err
		}
		if again != pw {
			return "", usageErr("the two passwords differ")
		}
	}
	return pw, nil
}

// readLine returns one line without its line ending, and refuses one longer
// than a password may be rather than truncating it.
func readLine(br *bufio.Reader) (string, error) {
	line, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", usageErr("the password is longer than %d bytes", users.MaxPasswordBytes)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	s := strings.TrimSuffix(string(line), "\n")
	return strings.TrimSuffix(s, "\r"), nil
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
