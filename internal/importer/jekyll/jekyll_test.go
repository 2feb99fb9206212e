package jekyll

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/importer"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func mustImport(t *testing.T, src string, opts Options) *importer.Result {
	t.Helper()
	s, err := importer.OpenSource(src, importer.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := Import(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func dump(t *testing.T, res *importer.Result) string {
	t.Helper()
	b, err := res.Dump()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGolden imports the fixtures (two sites, en/ and es/, with a collection,
// Liquid, kramdown HTML and images) and compares every file
// written, and the report, with testdata/*.golden.
func TestGolden(t *testing.T) {
	for _, name := range []string{"site"} {
		t.Run(name, func(t *testing.T) {
			got := dump(t, mustImport(t, filepath.Join("testdata", name), Options{}))
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("import of testdata/%s differs from %s (go test -update rewrites it):\n%s", name, golden, diff(string(want), got))
			}
		})
	}
}

// diff shows the first lines that differ.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n  want " + a + "\n  got  " + b
		}
	}
	return ""
}

// TestSiteFacts checks what the golden file shows, so a careless -update
// cannot hide a regression.
func TestSiteFacts(t *testing.T) {
	res := mustImport(t, filepath.Join("testdata", "site"), Options{})
	files := map[string]string{}
	for _, p := range res.Pages {
		b, _ := p.Bytes()
		files[p.Path] = string(b)
	}
	must := map[string][]string{
		"en/01-getting-ready.md": {"lang: en", "weight: 1", "### [First lesson](lessons/0101-first-lesson.md)",
			"![How the lessons connect](assets/images/diagram.png)", "image: assets/images/header.png"},
		"en/02-policies.md": {"toc: true", "category: stage", "[getting ready](01-getting-ready.md) first.", "* one page",
			"[Policy template](assets/files/template.odt)", "https://manual.example.org/assets/files/manual.pdf", "not imported: for."},
		"en/lessons/0101-first-lesson.md":    {"weight: 1", "   ![The map](../assets/images/diagram.png)", "Note: the image “missing.png”", "[R1: Further reading](https://example.org/reading.pdf)"},
		"en/lessons/0102-second-lesson.md":   {"/old/second-lesson", "[getting ready](../01-getting-ready.md)"},
		"en/lessons/0201-policy-basics.md":   {"weight: 3", "[the policies stage](../02-policies.md#templates)"},
		"es/01-preparacion.md":               {"lang: es", "translationKey: 01-getting-ready", "(lessons/0101-primera-leccion.md)", "(../en/assets/images/diagram.png)"},
		"es/lessons/0101-primera-leccion.md": {"translationKey: lessons/0101-first-lesson"},
	}
	for file, parts := range must {
		got, ok := files[file]
		if !ok {
			t.Errorf("%s not written", file)
			continue
		}
		for _, p := range parts {
			if !strings.Contains(got, p) {
				t.Errorf("%s lacks %q:\n%s", file, p, got)
			}
		}
	}
	for file, body := range files {
		for _, bad := range []string{"{{", "{%", "{:", "{::", "<section", "<div", "layout:", "parent-id", "nav-menu", "\tsection"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s still holds %q:\n%s", file, bad, body)
			}
		}
	}
	if _, ok := files["en/notes/todo.md"]; ok {
		t.Error("an excluded folder was imported")
	}
	for _, f := range res.Files {
		if strings.Contains(f.Path, "unused") {
			t.Errorf("%s is imported, though no page uses it", f.Path)
		}
	}
}

// TestSingleSite: a source whose top holds _config.yml is one site, at the
// wiki's root (or --into), without language folders.
func TestSingleSite(t *testing.T) {
	res := mustImport(t, filepath.Join("testdata", "site", "es"), Options{Into: "manual"})
	var paths []string
	for _, p := range res.Pages {
		paths = append(paths, p.Path)
		if p.Front.Get("translationKey") != nil {
			t.Errorf("%s has a translationKey with only one site", p.Path)
		}
	}
	want := "manual/01-preparacion.md manual/02-policies.md manual/index.md manual/lessons/0101-primera-leccion.md manual/lessons/0102-second-lesson.md"
	if got := strings.Join(paths, " "); got != want {
		t.Errorf("pages %s, want %s", got, want)
	}
}

// TestBadInput: a source that is not a Jekyll site is refused clearly.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return filepath.Dir(p)
	}
	cases := []struct{ name, src, want string }{
		{"no config", write("nocfg/index.md", "# Hi\n"), "no _config.yml"},
		{"bad config", write("badcfg/_config.yml", "title: [unclosed\n"), "_config.yml"},
		{"no pages", write("nopages/_config.yml", "title: x\n"), "no pages"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := importer.OpenSource(tc.src, importer.Limits{})
			if err == nil {
				_, err = Import(s, Options{})
				s.Close()
			}
			if !errors.Is(err, importer.ErrSource) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want ErrSource saying %q", err, tc.want)
			}
		})
	}
}
