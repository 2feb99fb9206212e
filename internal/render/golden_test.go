package render

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/wikipath"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// testWiki is a Resolver over the files of one txtar archive.
type testWiki struct {
	pages []wikipath.Page // sorted
}

func newTestWiki(a *txtar.Archive) *testWiki {
	w := &testWiki{}
	for _, f := range a.Files {
		if p, ok := wikipath.FromFile(f.Name); ok {
			w.pages = append(w.pages, p)
		}
	}
	slices.Sort(w.pages)
	return w
}

func (w *testWiki) Exists(p wikipath.Page) bool { return slices.Contains(w.pages, p) }

// FindWiki matches a path from the linking page's folder, then from the
// root, then a base name or file-name title anywhere; case, spaces, "_" and
// "-" do not matter.
func (w *testWiki) FindWiki(from wikipath.Page, target string) (wikipath.Page, bool) {
	norm := func(s string) string {
		return strings.NewReplacer(" ", "-", "_", "-").Replace(strings.ToLower(strings.Trim(s, "/")))
	}
	t := norm(target)
	for _, cand := range []string{norm(path.Join(string(from.Dir()), target)), t} {
		for _, p := range w.pages {
			if norm(string(p)) == cand {
				return p, true
			}
		}
	}
	for _, p := range w.pages {
		if norm(p.Base()) == t || norm(p.Title()) == t {
			return p, true
		}
	}
	return "", false
}

// exportURLs mimics the static export: URLs relative to the page.
type exportURLs struct{ from wikipath.Page }

func (u exportURLs) Page(p wikipath.Page, fragment string) string {
	s := wikipath.Rel(u.from, p)
	if fragment != "" {
		s += "#" + fragment
	}
	return s
}

func (u exportURLs) Create(p wikipath.Page) string { return "" }

func (u exportURLs) File(p string) string {
	return strings.Repeat("../", len(u.from.Segments())) + wikipath.EscapePath(p)
}

// TestGolden renders every page of every testdata/*.txtar wiki. An archive's
// comment may say "urls: export" to render with relative URLs.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no archives: %v", err)
	}
	r := New(Config{})
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			export := strings.Contains(string(a.Comment), "urls: export")
			wiki := newTestWiki(a)
			out := &txtar.Archive{}
			for _, f := range a.Files {
				p, ok := wikipath.FromFile(f.Name)
				if !ok {
					continue
				}
				ctx := Context{Page: p, File: f.Name, Resolver: wiki}
				if export {
					ctx.URLs = exportURLs{from: p}
				}
				doc := r.Render(f.Data, ctx)
				sum := r.Summarize(f.Data, f.Name)
				checkSummaryAgrees(t, f.Name, doc, sum)
				out.Files = append(out.Files, txtar.File{Name: f.Name, Data: []byte(dumpDocument(doc))})
			}
			got := txtar.Format(out)
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run go test -update and review the diff):\n%s", golden, lineDiff(string(want), string(got)))
			}
		})
	}
}

// checkSummaryAgrees: Summarize must give the index what Render shows.
func checkSummaryAgrees(t *testing.T, name string, doc *Document, sum *Summary) {
	t.Helper()
	if sum.Title != doc.Title {
		t.Errorf("%s: Summarize title %q, Render title %q", name, sum.Title, doc.Title)
	}
	if !slices.Equal(sum.Links, doc.Links) {
		t.Errorf("%s: Summarize links %+v, Render links %+v", name, sum.Links, doc.Links)
	}
	if sum.Text != doc.Text {
		t.Errorf("%s: Summarize text %q, Render text %q", name, sum.Text, doc.Text)
	}
	if !slices.Equal(sum.Warnings, doc.Warnings) {
		t.Errorf("%s: Summarize warnings %q, Render warnings %q", name, sum.Warnings, doc.Warnings)
	}
}

func dumpDocument(d *Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, "title: %s\n", d.Title)
	for _, w := range d.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	fm := d.FrontMatter
	if fm.Format != "" {
		fmt.Fprintf(&b, "front matter: %s\n", fm.Format)
		for _, kv := range [][2]string{
			{"title", fm.Title}, {"description", fm.Description}, {"date", fm.Date},
			{"tags", strings.Join(fm.Tags, " | ")}, {"category", fm.Category},
			{"weight", fmt.Sprint(fm.Weight)}, {"lang", fm.Lang},
			{"translationKey", fm.TranslationKey}, {"aliases", strings.Join(fm.Aliases, " | ")},
			{"draft", fmt.Sprint(fm.Draft)},
		} {
			if kv[1] != "" && kv[1] != "0" && kv[1] != "false" {
				fmt.Fprintf(&b, "  %s: %s\n", kv[0], kv[1])
			}
		}
		keys := make([]string, 0, len(fm.Raw))
		for k := range fm.Raw {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		fmt.Fprintf(&b, "  raw keys: %s\n", strings.Join(keys, " "))
	}
	for _, l := range d.Links {
		kind := "wiki"
		if l.Kind == LinkMarkdown {
			kind = "markdown"
		}
		fmt.Fprintf(&b, "link: %s %q #%q\n", kind, l.Target, l.Fragment)
	}
	for _, h := range d.TOC {
		fmt.Fprintf(&b, "toc: %s%s #%s\n", strings.Repeat("  ", h.Level-2), h.Text, h.ID)
	}
	b.WriteString("text:\n")
	for line := range strings.SplitSeq(d.Text, "\n") {
		if line != "" {
			fmt.Fprintf(&b, "  %s\n", line)
		}
	}
	b.WriteString("html:\n")
	b.WriteString(string(d.HTML))
	if !strings.HasSuffix(string(d.HTML), "\n") {
		b.WriteString("\n")
	}
	return b.String()
}

// lineDiff shows the first lines that differ, enough to find the change.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 20; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}
