package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/i18n"
	"github.com/gitwiki/gitwiki/internal/pages"
	"github.com/gitwiki/gitwiki/internal/site"
	"github.com/gitwiki/gitwiki/internal/users"
	"github.com/gitwiki/gitwiki/internal/wikipath"
	"github.com/gitwiki/gitwiki/themes"
)

// shippedLanguages are the catalogs the default theme must have complete.
var shippedLanguages = []string{"en", "es", "fr"}

// TestCatalogComplete: every key the templates, the scripts and the Go
// code use exists in English, Spanish and French, and the translations
// have no keys English lost and keep every placeholder (issue 10).
func TestCatalogComplete(t *testing.T) {
	cat, err := i18n.Load(themes.FS, "default/i18n")
	if err != nil {
		t.Fatal(err)
	}
	if got := cat.Languages(); !slices.Equal(got, shippedLanguages) {
		t.Errorf("catalogs %v, want %v", got, shippedLanguages)
	}
	have := map[string]bool{}
	for _, k := range cat.Keys() {
		have[k] = true
	}
	used := map[string]string{} // key → where
	for k, where := range templateKeys(t) {
		used[k] = where
	}
	for k, where := range codeKeys(t, have) {
		used[k] = where
	}
	for _, s := range sentinels {
		used["error."+s.id+".title"] = "errors.go sentinels"
	}
	enText := flatCatalog(t, "en")
	for k, v := range domainMessages() {
		// A counted message is one key with plural forms in the catalog.
		used[strings.TrimSuffix(strings.TrimSuffix(k, ".one"), ".other")] = "domain messages"
		if en := enText[k]; en != v {
			t.Errorf("%s: en.toml says %q, its package %q: they must be the same sentence", k, en, v)
		}
	}
	for k, where := range used {
		if !have[k] && optionalKeys[k] == "" {
			t.Errorf("%s (used in %s) is not in en.toml", k, where)
		}
	}
	for _, lang := range shippedLanguages[1:] {
		if m := cat.Missing(lang); len(m) > 0 {
			t.Errorf("%s.toml lacks %d keys: %s", lang, len(m), strings.Join(m, " "))
		}
	}
	checkTranslations(t)
}

// optionalKeys are looked up but need not exist, with the reason.
var optionalKeys = map[string]string{
	"date.first": "only languages that write the first of the month differently (French: 1er) have it",
}

// keyPackages are the packages whose string literals may be keys.
var keyPackages = []string{"present", "web", "theme", "i18n"}

var (
	templateKey = regexp.MustCompile(`\b(?:t|thtml)\s+"([a-z0-9_.]+)"`)
	scriptKey   = regexp.MustCompile(`\bmsg\(\s*"([a-z0-9_.]+)"`)
	scriptList  = regexp.MustCompile(`\bscript\s+((?:"[a-z0-9_.]+"\s*)+)`)
	quoted      = regexp.MustCompile(`"([a-z0-9_.]+)"`)
)

// templateKeys are the keys the theme's templates and scripts name.
func templateKeys(t *testing.T) map[string]string {
	out := map[string]string{}
	err := fs.WalkDir(themes.FS, "default", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(name, ".html") || strings.HasSuffix(name, ".js")) {
			return err
		}
		b, err := fs.ReadFile(themes.FS, name)
		if err != nil {
			return err
		}
		for _, re := range []*regexp.Regexp{templateKey, scriptKey} {
			for _, m := range re.FindAllSubmatch(b, -1) {
				out[string(m[1])] = name
			}
		}
		for _, m := range scriptList.FindAllSubmatch(b, -1) {
			for _, q := range quoted.FindAllSubmatch(m[1], -1) {
				out[string(q[1])] = name
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 300 {
		t.Fatalf("found only %d keys in the templates: is the scan broken?", len(out))
	}
	return out
}

// codeKeys are the string literals of the server's Go code that are keys:
// dotted words whose first part is a table of the catalog, and the keys of
// errNotFound("…"), which names error.<key>.text.
func codeKeys(t *testing.T, have map[string]bool) map[string]string {
	tables := map[string]bool{}
	for k := range have {
		tables[strings.SplitN(k, ".", 2)[0]] = true
	}
	dotted := regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, pkg := range keyPackages {
		if err := scanKeys(fset, filepath.Join("..", "..", "internal", pkg), tables, dotted, out); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// fileName is a literal that names a file rather than a message.
var fileName = regexp.MustCompile(`\.(html|toml|atom|xml|json|css|js|md|txt|svg|png)$`)

func scanKeys(fset *token.FileSet, root string, tables map[string]bool, dotted *regexp.Regexp, out map[string]string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "errNotFound" && len(n.Args) > 0 {
					if lit, ok := n.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						out["error."+s+".text"] = fset.Position(lit.Pos()).String()
					}
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(n.Value)
				if err == nil && dotted.MatchString(s) && tables[strings.SplitN(s, ".", 2)[0]] && !fileName.MatchString(s) {
					out[s] = fset.Position(n.Pos()).String()
				}
			}
			return true
		})
		return nil
	})
}

// domainMessages are the English sentences domain packages say themselves.
func domainMessages() map[string]string {
	out := map[string]string{}
	for _, m := range []map[string]string{pages.Messages(), users.Messages(), wikipath.Messages(), site.FindingMessages()} {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

var placeholder = regexp.MustCompile(`\{\{\.[A-Za-z]+\}\}|\{/?(?:link2?|b|code)\}|\{[a-z]+\}`)

// checkTranslations compares each shipped translation with English: the
// same keys (but date.first, which only some languages need), and the same
// placeholders in each message.
func checkTranslations(t *testing.T) {
	en := flatCatalog(t, "en")
	for _, lang := range shippedLanguages[1:] {
		tr := flatCatalog(t, lang)
		for k, v := range tr {
			base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(k, ".other"), ".one"), ".many"), ".few")
			e, ok := en[k]
			if !ok {
				e, ok = en[base+".other"]
			}
			if !ok {
				if k != "date.first" {
					t.Errorf("%s.toml has %s, which English does not: a stale key?", lang, k)
				}
				continue
			}
			if got, want := placeholders(v), placeholders(e); !slices.Equal(got, want) {
				t.Errorf("%s.toml %s has placeholders %v, English %v", lang, k, got, want)
			}
		}
	}
}

func placeholders(s string) []string {
	p := placeholder.FindAllString(s, -1)
	slices.Sort(p)
	return p
}

// flatCatalog reads one shipped catalog as key → text, plural forms as
// key.form.
func flatCatalog(t *testing.T, lang string) map[string]string {
	b, err := os.ReadFile(filepath.Join("..", "..", "themes", "default", "i18n", lang+".toml"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	table := ""
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			table = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, " = ")
			if !ok {
				t.Fatalf("%s.toml: cannot read %q", lang, line)
			}
			s, err := strconv.Unquote(v)
			if err != nil {
				t.Fatalf("%s.toml: %s: %v", lang, k, err)
			}
			out[table+"."+k] = s
		}
	}
	return out
}
