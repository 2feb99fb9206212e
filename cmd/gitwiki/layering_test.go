package main

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/gitwiki/gitwiki/"

// allowed lists, for each package, the project packages it may import, so
// dependencies keep pointing one way: cmd → web → domain → store.
var allowed = map[string][]string{
	"internal/wikipath": {},
	"internal/atom":     {},
	"internal/config":   {},
	"internal/merge":    {},
	"internal/store":    {},
	"internal/search":   {},
	"internal/render":   {"internal/wikipath", "internal/render/"},
	"internal/theme":    {"internal/render", "internal/wikipath"},
	"internal/site":     {"internal/render", "internal/store", "internal/wikipath"},
	"internal/pages":    {"internal/site", "internal/render", "internal/store", "internal/merge", "internal/wikipath"},
	"internal/review":   {"internal/pages", "internal/site", "internal/render", "internal/store", "internal/merge", "internal/wikipath"},
	"internal/export":   {"internal/atom", "internal/site", "internal/search", "internal/theme", "internal/render", "internal/store", "internal/wikipath"},
	"internal/importer": {"internal/render", "internal/store", "internal/wikipath"},
	"internal/users":    {},
	"internal/web": {"internal/atom", "internal/site", "internal/search", "internal/review", "internal/pages", "internal/theme",
		"internal/render", "internal/store", "internal/merge", "internal/wikipath", "internal/config", "internal/users"},
}

// owners names the one package allowed to import each outside library.
var owners = map[string]string{
	"github.com/go-git/":           "internal/store",
	"github.com/yuin/goldmark":     "internal/render",
	"github.com/microcosm-cc/":     "internal/render",
	"github.com/alecthomas/chroma": "internal/render",
	"github.com/gorilla/mux":       "internal/web",
	"github.com/blevesearch/":      "internal/search",
	"net/http":                     "internal/web",
	"golang.org/x/crypto/argon2":   "internal/users",
}

func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", mod+"...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], mod)
		for _, imp := range fields[1:] {
			if strings.HasPrefix(imp, mod) {
				checkInternal(t, pkg, strings.TrimPrefix(imp, mod))
				continue
			}
			for prefix, owner := range owners {
				if strings.HasPrefix(imp, prefix) && !within(pkg, owner) && !(prefix == "net/http" && strings.HasPrefix(pkg, "cmd/")) {
					t.Errorf("%s imports %s: only %s may", pkg, imp, owner)
				}
			}
		}
	}
}

func within(pkg, owner string) bool { return pkg == owner || strings.HasPrefix(pkg, owner+"/") }

func checkInternal(t *testing.T, pkg, imp string) {
	t.Helper()
	if strings.HasPrefix(pkg, "cmd/") {
		return
	}
	for _, top := range []string{"internal/web", "internal/export", "cmd/"} {
		if within(imp, strings.TrimSuffix(top, "/")) && !within(pkg, strings.TrimSuffix(top, "/")) {
			t.Errorf("%s imports %s: nothing may import %s", pkg, imp, top)
		}
	}
	if within(imp, pkg) || within(pkg, imp) && strings.HasPrefix(pkg, imp+"/") {
		return // a package and its own subpackages
	}
	for owner, ok := range allowed {
		if !within(pkg, owner) {
			continue
		}
		for _, a := range ok {
			if imp == strings.TrimSuffix(a, "/") || (strings.HasSuffix(a, "/") && strings.HasPrefix(imp, a)) {
				return
			}
		}
		t.Errorf("%s imports %s, against the layering in DESIGN.md", pkg, imp)
		return
	}
	if !strings.HasPrefix(pkg, "internal/e2e") && pkg != "wiki" && pkg != "themes" {
		t.Errorf("%s is not in the layering table", pkg)
	}
}
