package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/users"
)

// runIn runs the command line with stdin and returns the exit code main
// would use.
func runIn(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	if err := run(context.Background(), args, strings.NewReader(stdin), &o, &e); err != nil {
		code = 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		e.WriteString(err.Error())
	}
	return o.String(), e.String(), code
}

func TestUserCommand(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	steps := []struct {
		name, stdin string
		args        []string
		code        int
		out         string
	}{
		{"flags after the name", "correct horse battery\n", []string{"user", "add", "alice", "--maintainer", "--data", data}, 0, "Added maintainer alice"},
		{"CRLF and no maintainer", "staple battery horse\r\n", []string{"user", "add", "--data=" + data, "bob"}, 0, "Added contributor bob"},
		{"duplicate in another case", "correct horse battery\n", []string{"user", "add", "Alice", "--data", data}, 1, ""},
		{"empty password", "\n", []string{"user", "add", "carol", "--data", data}, 2, ""},
		{"no stdin", "", []string{"user", "add", "carol", "--data", data}, 2, ""},
		{"short password", "short\n", []string{"user", "add", "carol", "--data", data}, 2, ""},
		{"long password", strings.Repeat("x", 5000) + "\n", []string{"user", "add", "carol", "--data", data}, 2, ""},
		{"bad name", "correct horse battery\n", []string{"user", "add", "car ol", "--data", data}, 2, ""},
		{"no name", "", []string{"user", "add", "--data", data}, 2, ""},
		{"no data value", "correct horse battery\n", []string{"user", "add", "carol", "--data"}, 2, ""},
		{"two names", "", []string{"user", "remove", "a", "b", "--data", data}, 2, ""},
		{"unknown verb", "", []string{"user", "rename", "a", "--data", data}, 2, ""},
		{"no verb", "", []string{"user"}, 2, ""},
		{"maintainer flag on list", "", []string{"user", "list", "--maintainer", "--data", data}, 2, ""},
		{"list", "", []string{"user", "list", "--data", data}, 0, "alice  maintainer"},
		{"remove", "", []string{"user", "remove", "bob", "--data", data}, 0, "Removed bob"},
		{"remove again", "", []string{"user", "remove", "bob", "--data", data}, 1, ""},
		{"list missing data", "", []string{"user", "list", "--data", filepath.Join(data, "nope")}, 2, ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			out, errOut, code := runIn(t, st.stdin, st.args...)
			if code != st.code || !strings.Contains(out, st.out) {
				t.Fatalf("gitwiki %s: code %d, want %d; stdout %q, stderr %q", strings.Join(st.args, " "), code, st.code, out, errOut)
			}
		})
	}
	s, err := users.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	if l := s.List(); len(l) != 1 || l[0].Name != "alice" || !l[0].Maintainer {
		t.Fatalf("accounts: %+v", l)
	}
	if _, err := s.Verify("alice", "correct horse battery"); err != nil {
		t.Fatalf("the password read from stdin does not verify: %v", err)
	}
	t.Setenv("GITWIKI_DATA", data)
	if out, _, code := runIn(t, "", "user", "list"); code != 0 || !strings.Contains(out, "alice") {
		t.Fatalf("GITWIKI_DATA not used: %d %q", code, out)
	}
	fi, _ := os.Stat(filepath.Join(data, "users.json"))
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("users.json mode %v", fi.Mode().Perm())
	}
}

func TestFlagsFirst(t *testing.T) {
	fl := flag.NewFlagSet("x", flag.ContinueOnError)
	fl.String("data", "", "")
	fl.Bool("maintainer", false, "")
	cases := []struct{ in, want []string }{
		{[]string{"alice", "--maintainer"}, []string{"--maintainer", "--", "alice"}},
		{[]string{"alice", "--data", "d", "--maintainer"}, []string{"--data", "d", "--maintainer", "--", "alice"}},
		{[]string{"--data=d", "alice"}, []string{"--data=d", "--", "alice"}},
		{[]string{"--maintainer=false", "alice"}, []string{"--maintainer=false", "--", "alice"}},
		{[]string{"alice", "--", "--maintainer"}, []string{"--", "alice", "--maintainer"}},
		{[]string{"alice", "-"}, []string{"--", "alice", "-"}},
		{[]string{"alice", "--data"}, []string{"--data"}},
	}
	for _, tc := range cases {
		if got := flagsFirst(fl, tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("flagsFirst(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
