package export

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gitwiki/gitwiki/internal/store"
	"github.com/gitwiki/gitwiki/internal/theme"
	"github.com/gitwiki/gitwiki/themes"
)

var smallWiki = map[string]string{
	"index.md":          "# Home\n\nSee [[Guide]] and [[Nowhere]].\n",
	"Guide.md":          "---\ntitle: The guide\naliases: [old-guide]\n---\nText with café.\n",
	"Drafts/Idea.md":    "---\ndraft: true\n---\n# Idea\n",
	"files/report.txt":  "report",
	"_Sidebar.md":       "[[Guide]]",
	"folder/sub/Get.md": "# Get\n",
}

// TestDeterministic builds the same commit twice, as a directory and as a
// zip, and wants the same bytes, and no trace of where it was built.
func TestDeterministic(t *testing.T) {
	r := MustRepo(t, mapFS(smallWiki))
	MustCommit(t, r, testTime.Add(time.Hour), "Edit the guide", store.FileWrite{Path: "Guide.md", Content: []byte("# Guide\n\nNew text.\n")})
	for _, base := range []string{"", "https://example.org/w/"} {
		l := MustLoader(t, r, "")
		a, _ := MustBuild(t, l, Options{BaseURL: base})
		// A second loader: nothing cached may change the output.
		b, _ := MustBuild(t, MustLoader(t, r, ""), Options{BaseURL: base, Workers: 1})
		ta, tb := readTree(t, a), readTree(t, b)
		if len(ta) != len(tb) {
			t.Fatalf("builds differ in files: %d vs %d", len(ta), len(tb))
		}
		for name, data := range ta {
			if !bytes.Equal(data, tb[name]) {
				t.Errorf("%s differs between two builds of the same commit", name)
			}
			for _, leak := range []string{os.TempDir(), a, b} {
				if bytes.Contains(data, []byte(leak)) {
					t.Errorf("%s contains the path %s", name, leak)
				}
			}
		}
		za := filepath.Join(t.TempDir(), "a.zip")
		zb := filepath.Join(t.TempDir(), "b.zip")
		MustBuild(t, l, Options{BaseURL: base, Out: za})
		MustBuild(t, MustLoader(t, r, ""), Options{BaseURL: base, Out: zb, Workers: 3})
		ba, _ := os.ReadFile(za)
		bb, _ := os.ReadFile(zb)
		if !bytes.Equal(ba, bb) {
			t.Errorf("two zips of the same commit differ")
		}
		checkZip(t, za, ta, testTime.Add(time.Hour))
	}
}

// checkZip wants the zip to hold exactly the files of the directory build,
// sorted, with the commit's time.
func checkZip(t *testing.T, file string, want map[string][]byte, when time.Time) {
	t.Helper()
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if !f.Modified.Equal(when) {
			t.Errorf("%s: modified %v, want the commit's time %v", f.Name, f.Modified, when)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, want[f.Name]) {
			t.Errorf("%s: zip content differs from the directory build", f.Name)
		}
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("zip entries are not sorted")
	}
	if len(names) != len(want) {
		t.Errorf("zip has %d files, the directory build %d", len(names), len(want))
	}
}

func TestHistory(t *testing.T) {
	r := MustRepo(t, mapFS(smallWiki))
	first, err := r.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	later := testTime.Add(48 * time.Hour)
	MustCommit(t, r, later, "Rewrite the guide", store.FileWrite{Path: "Guide.md", Content: []byte("# Guide\n\nNew.\n")})
	MustCommit(t, r, later.Add(time.Hour), "Work on a draft", store.FileWrite{Path: "Drafts/Idea.md", Content: []byte("---\ndraft: true\n---\n# Idea 2\n")})
	out, _ := MustBuild(t, MustLoader(t, r, ""), Options{})
	files := readTree(t, out)
	if g := string(files["Guide/index.html"]); !strings.Contains(g, `datetime="2024-03-03T12:00:00Z"`) {
		t.Errorf("Guide: last change is not the rewrite:\n%s", excerpt(g, "Last changed"))
	}
	if h := string(files["index.html"]); !strings.Contains(h, `datetime="2024-03-01T12:00:00Z"`) {
		t.Errorf("home: last change is not the first commit:\n%s", excerpt(h, "Last changed"))
	}
	feed := string(files[feedFile])
	if strings.Contains(feed, "Work on a draft") || strings.Contains(feed, "Idea") {
		t.Errorf("feed shows a change to a draft:\n%s", feed)
	}
	if !strings.Contains(feed, "<title>Rewrite the guide</title>") || !strings.Contains(feed, "<updated>2024-03-03T12:00:00Z</updated>") {
		t.Errorf("feed lacks the rewrite:\n%s", feed)
	}
	// An older revision, named by an abbreviated id, exports what was there then.
	old, rep := MustBuild(t, MustLoader(t, r, ""), Options{Rev: first.String()[:10]})
	if rep.Commit != first {
		t.Errorf("built %s, want %s", rep.Commit, first)
	}
	if b, _ := os.ReadFile(filepath.Join(old, "Guide", "index.html")); !bytes.Contains(b, []byte("Text with café")) {
		t.Errorf("old revision: Guide is not the first version")
	}
}

func TestBadInput(t *testing.T) {
	r := MustRepo(t, mapFS(smallWiki))
	l := MustLoader(t, r, "")
	th := MustTheme(t)
	build := func(opts Options) error {
		opts.Loader, opts.Theme = l, th
		_, err := Build(context.Background(), opts)
		return err
	}
	tmp := t.TempDir()
	notDir := filepath.Join(tmp, "file.txt")
	os.WriteFile(notDir, []byte("x"), 0o644)
	someone := filepath.Join(tmp, "someone")
	os.MkdirAll(someone, 0o755)
	os.WriteFile(filepath.Join(someone, "thesis.tex"), []byte("years of work"), 0o644)
	notZip := filepath.Join(tmp, "notes.zip")
	os.WriteFile(notZip, []byte("not a zip"), 0o644)
	link := filepath.Join(tmp, "link-to-git")
	if err := os.Symlink(r.GitDir(), link); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		opts Options
		want error
	}{
		{"unknown revision", Options{Rev: "no-such-branch", Out: filepath.Join(tmp, "a")}, ErrBadRevision},
		{"unknown commit", Options{Rev: strings.Repeat("ab", 20), Out: filepath.Join(tmp, "a")}, ErrBadRevision},
		{"inside .git", Options{Out: filepath.Join(r.GitDir(), "site")}, ErrBadOutput},
		{"inside .git by a symlink", Options{Out: filepath.Join(link, "objects", "site")}, ErrBadOutput},
		{"around the repository", Options{Out: filepath.Dir(r.GitDir())}, ErrBadOutput},
		{"under a file", Options{Out: filepath.Join(notDir, "site")}, ErrBadOutput},
		{"over a file", Options{Out: notDir}, ErrBadOutput},
		{"over someone's folder", Options{Out: someone}, ErrBadOutput},
		{"over a zip that is not an export", Options{Out: notZip}, ErrBadOutput},
		{"no output", Options{}, ErrBadOutput},
		{"bad base URL", Options{Out: filepath.Join(tmp, "a"), BaseURL: "example.org"}, ErrBadBaseURL},
		{"base URL with a query", Options{Out: filepath.Join(tmp, "a"), BaseURL: "https://example.org/?x=1"}, ErrBadBaseURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := build(tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	if b, _ := os.ReadFile(filepath.Join(someone, "thesis.tex")); string(b) != "years of work" {
		t.Error("someone's folder was touched")
	}
	if b, _ := os.ReadFile(notZip); string(b) != "not a zip" {
		t.Error("the zip that is not an export was touched")
	}
	noLeftovers(t, tmp, "file.txt", "someone", "notes.zip", "link-to-git")
}

// noLeftovers wants dir to hold only the names given: no temporary build.
func noLeftovers(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("%s holds %q, want %q", dir, got, want)
	}
}

func TestUnwritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere; TestBadInput covers a parent that is a file")
	}
	r := MustRepo(t, mapFS(smallWiki))
	dir := filepath.Join(t.TempDir(), "ro")
	os.MkdirAll(dir, 0o555)
	_, err := Build(context.Background(), Options{Loader: MustLoader(t, r, ""), Theme: MustTheme(t), Out: filepath.Join(dir, "site")})
	if !errors.Is(err, ErrBadOutput) {
		t.Fatalf("got %v, want ErrBadOutput", err)
	}
}

// TestWorkingTree refuses an output inside the wiki's content in a
// non-bare repository, where it would be committed as attachments.
func TestWorkingTree(t *testing.T) {
	wt := t.TempDir()
	sig := store.Signature{Name: "T", Email: "t@example.invalid", When: testTime}
	r, err := store.Init(filepath.Join(wt, ".git"), "main", mapFS(map[string]string{"docs/index.md": "# Docs\n", "README.md": "# Project\n"}), sig, "start")
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	r, err = store.Open(wt, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	th := MustTheme(t)
	for _, tc := range []struct {
		dir, out string
		want     error
	}{
		{"", "public", ErrBadOutput},
		{"", "docs/site", ErrBadOutput},
		{"docs", "docs/site", ErrBadOutput},
		{"docs", "public", nil},
	} {
		_, err := Build(context.Background(), Options{Loader: MustLoader(t, r, tc.dir), Theme: th, Out: filepath.Join(wt, tc.out)})
		if !errors.Is(err, tc.want) {
			t.Errorf("--dir %q --out %s: got %v, want %v", tc.dir, tc.out, err, tc.want)
		}
	}
}

// TestReplace replaces a previous export, and nothing else.
func TestReplace(t *testing.T) {
	r := MustRepo(t, mapFS(smallWiki))
	l := MustLoader(t, r, "")
	parent := t.TempDir()
	out := filepath.Join(parent, "site")
	MustBuild(t, l, Options{Out: out})
	stale := filepath.Join(out, "stale.html")
	os.WriteFile(stale, []byte("old"), 0o644)
	MustBuild(t, l, Options{Out: out})
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a file of the previous export survived: %v", err)
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("output folder: %v, mode %v; want 0755", err, fi.Mode())
	}
	empty := filepath.Join(parent, "empty")
	os.Mkdir(empty, 0o755)
	MustBuild(t, l, Options{Out: empty})
	zipOut := filepath.Join(parent, "site.zip")
	MustBuild(t, l, Options{Out: zipOut})
	MustBuild(t, l, Options{Out: zipOut})
	noLeftovers(t, parent, "site", "empty", "site.zip")
}

func TestStrict(t *testing.T) {
	r := MustRepo(t, mapFS(smallWiki))
	parent := t.TempDir()
	rep, err := Build(context.Background(), Options{Loader: MustLoader(t, r, ""), Theme: MustTheme(t), Out: filepath.Join(parent, "site"), Strict: true})
	if !errors.Is(err, ErrBrokenLinks) {
		t.Fatalf("got %v, want ErrBrokenLinks", err)
	}
	if len(rep.Broken) != 1 || rep.Broken[0].Arrow() != "index.md → [[Nowhere]] (no such page)" {
		t.Errorf("broken = %v", rep.Broken)
	}
	noLeftovers(t, parent)
}

// TestThemeFailure: a page whose view fails is reported by path, and every
// other page is still written.
func TestThemeFailure(t *testing.T) {
	m := fstest.MapFS{}
	err := fs.WalkDir(themes.FS, "default", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(themes.FS, p)
		m[strings.TrimPrefix(p, "default/")] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	page := m["templates/page.html"]
	page.Data = bytes.Replace(page.Data, []byte(`{{define "content"}}`), []byte(`{{define "content"}}{{if eq .Doc.Title "The guide"}}{{index .TOC 99}}{{end}}`), 1)
	th, err := theme.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	r := MustRepo(t, mapFS(smallWiki))
	out := filepath.Join(t.TempDir(), "site")
	rep, err := Build(context.Background(), Options{Loader: MustLoader(t, r, ""), Theme: th, Out: out})
	if !errors.Is(err, ErrPagesFailed) {
		t.Fatalf("got %v, want ErrPagesFailed", err)
	}
	if len(rep.Failed) != 1 || rep.Failed[0].Path != "Guide.md" {
		t.Errorf("failed = %v, want Guide.md", rep.Failed)
	}
	for _, f := range []string{"index.html", "folder/sub/Get/index.html", "404.html"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}

// TestOnlyUsedAssets: the export ships the theme assets its pages link to,
// not the editor's script (hardening item 23).
func TestOnlyUsedAssets(t *testing.T) {
	r := MustRepo(t, mapFS(map[string]string{"index.md": "# Home\n", "wiki.yaml": "title: T\n"}))
	out, _ := MustBuild(t, MustLoader(t, r, ""), Options{})
	files := readTree(t, out)
	var static []string
	for f := range files {
		if strings.HasPrefix(f, staticDir) {
			static = append(static, f)
		}
	}
	joined := strings.Join(static, " ")
	for _, want := range []string{"style.", "app.", "search.", "favicon."} {
		if !strings.Contains(joined, staticDir+want) {
			t.Errorf("no %s asset in %q", want, static)
		}
	}
	if strings.Contains(joined, staticDir+"editor.") {
		t.Errorf("the export ships the editor's script: %q", static)
	}
}

// TestFeedURLSafety: a page named like a script URL never becomes one in
// the feed, the sitemap or a redirect (hardening item 13).
func TestFeedURLSafety(t *testing.T) {
	r := MustRepo(t, mapFS(map[string]string{
		"index.md":               "# Home\n",
		"javascript:alert(1).md": "---\naliases: [\"javascript:old\"]\n---\n# Trap\n",
	}))
	out, _ := MustBuild(t, MustLoader(t, r, ""), Options{})
	files := readTree(t, out)
	if _, ok := files["javascript:alert(1)/index.html"]; !ok {
		t.Fatalf("the page was not exported: %v", keys(files))
	}
	for name, b := range files {
		if strings.Contains(string(b), `href="javascript:`) || strings.Contains(string(b), `url=javascript:`) {
			t.Errorf("%s links to a javascript: URL", name)
		}
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestRemoteContent: the export forbids loads from other hosts in every
// page, and check reports the pages that try (hardening item 8).
func TestRemoteContent(t *testing.T) {
	r := MustRepo(t, mapFS(map[string]string{"index.md": "# Home\n\n![pixel](https://tracker.example.com/p.gif)\n"}))
	out, _ := MustBuild(t, MustLoader(t, r, ""), Options{})
	page := string(readTree(t, out)["index.html"])
	if !strings.Contains(page, `<meta http-equiv="Content-Security-Policy" content="default-src &#39;self&#39;`) {
		t.Errorf("no CSP in the exported page:\n%.600s", page)
	}
	st, err := MustLoader(t, r, "").Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	probs, err := st.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range probs {
		found = found || (p.File == "index.md" && strings.Contains(p.Message, "tracker.example.com"))
	}
	if !found {
		t.Errorf("check did not report the remote image: %v", probs)
	}
}
