package confluence

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"io/fs"
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

// TestGolden imports the fixtures (a space export following Confluence's
// layout, and a backup in the corpus's form) and compares every file
// written, and the report, with testdata/*.golden.
func TestGolden(t *testing.T) {
	for _, name := range []string{"export", "backup"} {
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

// TestExportFacts checks what the golden file shows, so a careless -update
// cannot hide a regression: tree, aliases, links, macros, attachments.
func TestExportFacts(t *testing.T) {
	res := mustImport(t, filepath.Join("testdata", "export"), Options{})
	files := map[string]string{}
	for _, p := range res.Pages {
		b, _ := p.Bytes()
		files[p.Path] = string(b)
	}
	for _, f := range res.Files {
		files[f.Path] = string(f.Data)
	}
	must := map[string][]string{
		"index.md": {"title: Safety Notes Home", "/display/SN\n", "toc: true", "[getting started guide](getting-started/index.md)",
			"[crossing borders](travel-borders-and-customs.md)", "[the reporters' kit](reporters-kit.md)",
			"[list before you leave](travel-borders-and-customs.md#before-you-leave)", "![team-map.png](team-map.png)",
			"> **Note:** the image “old-logo.png” is not in the source", "🙂", "Confluence “jira” macro", "> **Info: Before a trip**"},
		"getting-started/index.md": {"weight: 2", "| Step | Why |", "[device checklist](device-checklist.md)",
			"[write the incident log](../incident-log.md)", "```bash\ngpg --list-keys", "## Attachments", "[Onboarding checklist.pdf](Onboarding-checklist.pdf)"},
		"getting-started/device-checklist.md":      {"date: 2022-03-04", "/pages/1004", "[getting started](index.md)"},
		"travel-borders-and-customs.md":            {"/display/SN/Travel,+borders+and+customs", "<table>", "[Prepared](#before-you-leave)", "**What if they take the phone?**"},
		"reporters-kit-2.md":                       {"title: Reporters kit", "https://wiki.example.org/label/SN/kit"},
		"team-map.png":                             {"fixture-team-map"},
		"getting-started/Onboarding-checklist.pdf": {"fixture onboarding"},
	}
	for file, parts := range must {
		got, ok := files[file]
		if !ok {
			t.Errorf("%s not written; files: %v", file, keys(files))
			continue
		}
		for _, p := range parts {
			if !strings.Contains(got, p) {
				t.Errorf("%s lacks %q:\n%s", file, p, got)
			}
		}
	}
	for file, body := range files {
		for _, bad := range []string{"style=", "<span", "rbtoc", "/display/SN/", "viewpage.action", ".html"} {
			if i := strings.Index(body, bad); i >= 0 && !strings.Contains(body[:i], "aliases:") {
				t.Errorf("%s still holds %q", file, bad)
			}
		}
	}
	rep := res.Report
	if len(rep.Renamed) != 1 || rep.Renamed[0].Path != "reporters-kit-2" {
		t.Errorf("renamed %+v, want Reporters kit → reporters-kit-2", rep.Renamed)
	}
	if len(rep.Unresolved) != 2 {
		t.Errorf("unresolved %+v, want the create-page link for Incident log and the label link", rep.Unresolved)
	}
	if len(rep.Missing) != 1 || rep.Missing[0].Name != "old-logo.png" {
		t.Errorf("missing %+v, want old-logo.png", rep.Missing)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestZip imports the export as a zip (with the space's folder inside, as
// Confluence writes it) and gets the same pages and files.
func TestZip(t *testing.T) {
	zipPath := filepath.Join(t.TempDir(), "SN.zip")
	writeZip(t, zipPath, filepath.Join("testdata", "export"), "SN/")
	fromZip := mustImport(t, zipPath, Options{})
	fromDir := mustImport(t, filepath.Join("testdata", "export"), Options{})
	a, b := dump(t, fromZip), dump(t, fromDir)
	cut := func(s string) string { return s[strings.Index(s, "\n-- "):] }
	if cut(a) != cut(b) {
		t.Errorf("zip and folder imports differ:\n%s", diff(cut(b), cut(a)))
	}
}

func writeZip(t *testing.T, out, dir, prefix string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(prefix + filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = os.WriteFile(out, buf.Bytes(), 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestInto puts the space in a folder: the home becomes that folder's page
// and links stay relative.
func TestInto(t *testing.T) {
	res := mustImport(t, filepath.Join("testdata", "export"), Options{Into: "Notes/2022"})
	for _, p := range res.Pages {
		if !strings.HasPrefix(p.Path, "Notes/2022/") {
			t.Errorf("%s is outside the folder", p.Path)
		}
	}
	if res.Settings != nil {
		t.Errorf("an import into a folder wrote settings %+v", res.Settings)
	}
	if _, err := Import(nil, Options{Into: "../x"}); !errors.Is(err, importer.ErrSource) {
		t.Errorf("--into ../x: %v, want ErrSource", err)
	}
}

// TestBadInput: a source that is not a Confluence space is refused with a
// clear error.
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
	cases := []struct {
		name, src, want string
		err             error
	}{
		{"missing", filepath.Join(dir, "nope"), "does not exist", importer.ErrSource},
		{"empty folder", filepath.Join(dir, "empty"), "is empty", importer.ErrSource},
		{"text only", write("text/notes.txt", "just text\n"), "holds no Confluence pages", importer.ErrSource},
		{"html without main-content", write("html/page.html", "<html><body><p>hello</p></body></html>"), "none is a Confluence page", importer.ErrSource},
		{"binary html", write("bin/page.html", "\x00\x01\x02PNG"), "none is a Confluence page", importer.ErrSource},
		{"markdown without html", write("md/page.md", "---\ntitle: x\n---\nplain words\n"), "holds no Confluence pages", importer.ErrSource},
		{"not a zip", write("nz/space.zip", "this is not a zip") + "/space.zip", "neither a folder nor a zip", importer.ErrSource},
	}
	if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := importer.OpenSource(tc.src, importer.Limits{})
			if err == nil {
				_, err = Import(s, Options{})
				s.Close()
			}
			if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %v saying %q", err, tc.err, tc.want)
			}
		})
	}
}
