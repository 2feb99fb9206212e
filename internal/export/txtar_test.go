package export

import (
	"bytes"
	"encoding/json"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/gitwiki/gitwiki/internal/atom"
)

// txtarWiki is one testdata/*.txtar: the wiki's files, the build options
// from "key: value" lines of the archive comment, and the .expect lines.
type txtarWiki struct {
	name   string
	files  map[string]string
	opts   map[string]string
	expect []string
}

func loadTxtar(tb testing.TB) []txtarWiki {
	tb.Helper()
	names, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(names) == 0 {
		tb.Fatalf("no testdata/*.txtar: %v", err)
	}
	var out []txtarWiki
	for _, name := range names {
		a, err := txtar.ParseFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		w := txtarWiki{name: strings.TrimSuffix(filepath.Base(name), ".txtar"), files: map[string]string{}, opts: map[string]string{}}
		for _, line := range strings.Split(string(a.Comment), "\n") {
			if k, v, ok := strings.Cut(line, ": "); ok && !strings.Contains(k, " ") {
				w.opts[k] = strings.TrimSpace(v)
			}
		}
		for _, f := range a.Files {
			if f.Name == ".expect" {
				for _, l := range strings.Split(string(f.Data), "\n") {
					if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
						w.expect = append(w.expect, l)
					}
				}
				continue
			}
			w.files[f.Name] = string(f.Data)
		}
		out = append(out, w)
	}
	return out
}

// buildTxtar exports the wiki of w and returns the output directory.
func buildTxtar(tb testing.TB, w txtarWiki) (string, *Report) {
	tb.Helper()
	r := MustRepo(tb, mapFS(w.files))
	return MustBuild(tb, MustLoader(tb, r, w.opts["dir"]), Options{BaseURL: w.opts["base-url"]})
}

func TestTxtar(t *testing.T) {
	for _, w := range loadTxtar(t) {
		t.Run(w.name, func(t *testing.T) {
			out, rep := buildTxtar(t, w)
			files := readTree(t, out)
			index := searchEntries(t, files)
			if p := atom.Validate(files[feedFile]); len(p) > 0 {
				t.Errorf("feed.atom breaks RFC 4287:\n%s", strings.Join(p, "\n"))
			}
			for _, line := range w.expect {
				verb, arg, _ := strings.Cut(line, " ")
				file, text, _ := strings.Cut(arg, " ")
				if q, ok := strings.CutPrefix(arg, `"`); ok {
					// A file name with spaces is quoted.
					file, text, _ = strings.Cut(q, `" `)
					arg = strings.TrimSuffix(q, `"`)
				}
				switch verb {
				case "exists":
					if _, ok := files[arg]; !ok {
						t.Errorf("%s: missing", arg)
					}
				case "absent":
					if _, ok := files[arg]; ok {
						t.Errorf("%s: exported, want absent", arg)
					}
				case "contains", "!contains":
					b, ok := files[file]
					if !ok {
						t.Errorf("%s: missing (%s)", file, line)
						continue
					}
					if got := bytes.Contains(b, []byte(text)); got != (verb == "contains") {
						t.Errorf("%s: contains %q = %v, want %v\n%s", file, text, got, !got, excerpt(string(b), text))
					}
				case "broken":
					if !hasProblem(rep.Broken, file, text) {
						t.Errorf("broken link %s → %s not reported; got %v", file, text, rep.Broken)
					}
				case "skipped":
					if !hasProblem(rep.Skipped, arg, "") {
						t.Errorf("%s not reported as skipped; got %v", arg, rep.Skipped)
					}
				case "search", "!search":
					found := false
					for _, e := range index {
						if e.Title == arg || (strings.HasSuffix(arg, e.URL) && strings.HasPrefix(arg, e.Title+" ")) {
							found = true
						}
					}
					if found != (verb == "search") {
						t.Errorf("search index has %q = %v, want %v", arg, found, !found)
					}
				default:
					t.Fatalf("unknown assertion %q", line)
				}
			}
		})
	}
}

func hasProblem(ps []Problem, path, target string) bool {
	for _, p := range ps {
		if p.Path == path && (target == "" || p.Target == target) {
			return true
		}
	}
	return false
}

// excerpt shows the part of a file an assertion was about.
func excerpt(s, want string) string {
	key := want
	if len(key) > 12 {
		key = key[:12]
	}
	if i := strings.Index(s, key); i >= 0 {
		return "…" + s[max(0, i-200):min(len(s), i+300)] + "…"
	}
	if len(s) > 1500 {
		return s[:1500] + "…"
	}
	return s
}

// searchEntry is a page of the offline search index.
type searchEntry struct {
	Title, URL, Crumbs, Lang, Text string
}

// searchEntries reads the pages of the offline search index of an export:
// its d- chunks, gitwikiSearch.add("d-N", [[title, url, crumbs, lang,
// opening], ...]), in the index's folder.
func searchEntries(tb testing.TB, files map[string][]byte) []searchEntry {
	tb.Helper()
	var out []searchEntry
	found := false
	for name, b := range files {
		if dir, base := path.Split(name); !strings.HasPrefix(dir, searchDir) || !strings.HasPrefix(base, "d-") || !strings.HasSuffix(base, ".js") {
			continue
		}
		found = true
		js := strings.TrimSpace(string(b))
		i := strings.IndexByte(js, ',')
		if !strings.HasPrefix(js, `gitwikiSearch.add("d-`) || i < 0 || !strings.HasSuffix(js, ");") {
			tb.Fatalf("%s: not a page chunk: %.80s", name, js)
		}
		var rows [][]string
		if err := json.Unmarshal([]byte(js[i+1:len(js)-2]), &rows); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		for _, r := range rows {
			out = append(out, searchEntry{Title: r[0], URL: r[1], Crumbs: r[2], Lang: r[3], Text: r[4]})
		}
	}
	if !found {
		tb.Fatal("no search index in the export")
	}
	return out
}
