package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeCommands holds the README to what a newcomer types (issue 12,
// item 6): the quick start builds the gitwiki binary before its first
// "gitwiki …" command, says what to open next and how the first maintainer
// is made, and data/, where serve keeps accounts and the session key by
// default, is ignored by git. Every "gitwiki …" command in the README's
// shell blocks names a subcommand the binary has, with flags it takes.
func TestReadmeCommands(t *testing.T) {
	t.Parallel()
	root := moduleRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)

	start, _, _ := strings.Cut(readme[strings.Index(readme, "## Quick start"):], "\n## ")
	build := strings.Index(start, "go build -o gitwiki ./cmd/gitwiki")
	first := regexp.MustCompile(`(?m)^gitwiki `).FindStringIndex(start)
	if build < 0 || first == nil || build > first[0] {
		t.Errorf("the quick start does not build the gitwiki binary before its first gitwiki command:\n%s", start)
	}
	if !strings.Contains(start, "```sh\ngo run ./cmd/gitwiki serve\n```") {
		t.Errorf("the quick start does not begin with go run ./cmd/gitwiki serve, the one command that serves the starter wiki:\n%s", start)
	}
	for _, want := range []string{"http://127.0.0.1:8080", "/-/setup?token=", "first maintainer", "gitwiki user add NAME --maintainer", "data/"} {
		if !strings.Contains(start, want) {
			t.Errorf("the quick start does not say %q", want)
		}
	}

	for _, p := range []string{"data/users.json", "data/session.key", "data/wiki.git/HEAD", "gitwiki"} {
		check := exec.Command("git", "check-ignore", "-q", "--no-index", p)
		check.Dir = root
		if out, err := check.CombinedOutput(); err != nil {
			t.Errorf(".gitignore does not ignore %s: %v %s", p, err, out)
		}
	}
	for _, p := range []string{"cmd/gitwiki/main.go", "wiki/content/index.md"} {
		if err := exec.Command("git", "-C", root, "check-ignore", "-q", "--no-index", p).Run(); err == nil {
			t.Errorf(".gitignore ignores %s", p)
		}
	}

	out, errs, _ := runGitwiki(t)
	usage := out + errs
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(readme, -1)
	command := regexp.MustCompile(`(?:^|\| )gitwiki ([a-z]+)(?: ([a-z]+))?([^|#\n]*)`)
	n := 0
	for _, block := range blocks {
		for _, line := range strings.Split(block[1], "\n") {
			for _, m := range command.FindAllStringSubmatch(strings.TrimSpace(line), -1) {
				n++
				sub, arg, rest := m[1], m[2], m[3]
				if !regexp.MustCompile(`(?m)^  gitwiki ` + sub + `\b`).MatchString(usage) {
					t.Errorf("README runs gitwiki %s, which the binary does not have: %s", sub, line)
					continue
				}
				args := []string{sub}
				if sub == "user" || sub == "import" {
					args = append(args, arg)
				}
				out, errs, _ := runGitwiki(t, append(args, "-h")...)
				help := out + errs
				if sub == "user" && !strings.Contains(help, "gitwiki user "+arg+" ") {
					t.Errorf("README runs gitwiki user %s, which the binary does not have: %s", arg, line)
				}
				if sub == "import" && !strings.Contains(help, "confluence|jekyll") || sub == "import" && arg != "confluence" && arg != "jekyll" {
					t.Errorf("README imports from %q, which the binary does not know: %s", arg, line)
				}
				for _, f := range regexp.MustCompile(`--([a-z-]+)`).FindAllStringSubmatch(rest, -1) {
					if !strings.Contains(help, "-"+f[1]) {
						t.Errorf("gitwiki %s has no flag --%s: %s", strings.Join(args, " "), f[1], line)
					}
				}
			}
		}
	}
	if n < 10 {
		t.Errorf("found only %d gitwiki commands in the README's shell blocks", n)
	}
}
