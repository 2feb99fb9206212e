package main

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/gitwiki/gitwiki/"

// floors are the layers of DESIGN.md, lowest first: a package may import
// packages on lower floors only (skipping floors is fine), so dependencies
// keep pointing one way, cmd → web → domain → store. Every row is a package
// that exists; a test checks there are no ghost rows.
var floors = [][]string{
	{"internal/i18n"}, // message catalogs: every layer speaks to people
	{"internal/wikipath", "internal/atom", "internal/config", "internal/users", "internal/parallel"},
	{"internal/merge"},
	{"internal/store"}, // with its subpackages, such as store/smarthttp
	{"internal/render"},
	{"internal/site"},
	{"internal/pages"},
	{"internal/review", "internal/search", "internal/theme"},
	{"internal/upstream"}, // syncs with an upstream host; web wires it
	{"internal/present"},
	{"internal/web", "internal/export", "internal/importer"},
}

// floorOf is the floor of a package, or -1 for packages outside the table.
func floorOf(pkg string) int {
	for i, f := range floors {
		for _, p := range f {
			if within(pkg, p) {
				return i
			}
		}
	}
	return -1
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
				if strings.HasPrefix(imp, prefix) && !within(pkg, owner) && !(prefix == "net/http" && (strings.HasPrefix(pkg, "cmd/") || strings.HasPrefix(pkg, "bench/"))) {
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
	if within(imp, pkg) || within(pkg, imp) {
		return // a package and its own subpackages
	}
	pf, imf := floorOf(pkg), floorOf(imp)
	switch {
	case pf < 0:
		if !strings.HasPrefix(pkg, "internal/e2e") && pkg != "wiki" && pkg != "themes" {
			t.Errorf("%s is not in the layering table", pkg)
		}
	case imf < 0:
		if imp != "wiki" && imp != "themes" {
			t.Errorf("%s imports %s, which is not in the layering table", pkg, imp)
		}
	case imf >= pf:
		t.Errorf("%s (floor %d) imports %s (floor %d), against the layering in DESIGN.md", pkg, pf, imp, imf)
	}
}

// TestNoGhostRows: every package the table names exists.
func TestNoGhostRows(t *testing.T) {
	out, err := exec.Command("go", "list", mod+"...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	have := map[string]bool{}
	for _, l := range strings.Fields(string(out)) {
		have[strings.TrimPrefix(l, mod)] = true
	}
	for _, f := range floors {
		for _, p := range f {
			if !have[p] {
				t.Errorf("the layering table names %s, which does not exist", p)
			}
		}
	}
}
