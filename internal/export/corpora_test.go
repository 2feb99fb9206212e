package export

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// corpora are the real wikis of ../shared/corpora (see its README), read in
// place: their text is never copied into the project.
const corporaDir = "../../../shared/corpora"

// corpusFS reads the markdown files and small images of the given folders of
// the corpora into a filesystem for a test repository, or skips the test.
func corpusFS(tb testing.TB, dirs ...string) fstest.MapFS {
	tb.Helper()
	if _, err := os.Stat(corporaDir); err != nil {
		tb.Skipf("corpora not found: %v", err)
	}
	m := fstest.MapFS{}
	for _, d := range dirs {
		root := filepath.Join(corporaDir, d)
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".md", ".png", ".jpg", ".jpeg", ".svg", ".gif":
			default:
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(corporaDir, p)
			m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b, Mode: 0o644}
			return nil
		})
		if err != nil {
			tb.Skipf("corpus %s: %v", d, err)
		}
	}
	return m
}

// TestCorpora exports the real corpora, crawls the output and logs the size
// of the offline search index (reported in docs/benchmarks.md; for the
// generated 2,000-page wiki, BenchmarkExport reports it).
func TestCorpora(t *testing.T) {
	for _, tc := range []struct {
		name string
		dirs []string
	}{
		{"sda-manual en+es", []string{"sda-manual/en", "sda-manual/es"}},
		{"orgsec-community-2021", []string{"orgsec-community-2021"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := MustRepo(t, corpusFS(t, tc.dirs...))
			out, rep := MustBuild(t, MustLoader(t, r, ""), Options{})
			files := readTree(t, out)
			crawl(t, files, "")
			entries := searchEntries(t, files)
			t.Logf("%s: %d pages, %d attachments, %d bytes; search index %d bytes for %d pages (%.0f bytes/page); %d broken links",
				tc.name, rep.Pages, rep.Attachments, rep.Bytes, rep.SearchIndex, len(entries), float64(rep.SearchIndex)/float64(max(len(entries), 1)), len(rep.Broken))
			// The index is loaded a chunk at a time: no chunk may be large.
			for name, b := range files {
				if strings.HasPrefix(name, searchDir) && strings.HasSuffix(name, ".js") && len(b) > 96<<10 {
					t.Errorf("search index file %s is %d bytes", name, len(b))
				}
			}
		})
	}
}
