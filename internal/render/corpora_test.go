package render

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

// The corpora are real pages written by other people, read in place and
// never copied into fixtures. They are absent from a plain clone.
const corporaDir = "../../../shared/corpora"

func corpusFiles(t *testing.T, dir string, recursive bool) []string {
	t.Helper()
	root := filepath.Join(corporaDir, dir)
	if _, err := os.Stat(root); err != nil {
		t.Skipf("corpus %s not present: %v", root, err)
	}
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && !recursive {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("corpus %s has no pages", root)
	}
	return files
}

var (
	styleAttr  = regexp.MustCompile(`(?i)\sstyle\s*=`)
	macroImg   = regexp.MustCompile(`(?i)<img[^>]*editor-inline-macro`)
	bodyTag    = regexp.MustCompile(`(?i)<body`)
	sourceList = regexp.MustCompile(`(?m)^\s*(?:[*+-]|\d+\.)\s+\S|<li[\s>]`)
	sourceLink = regexp.MustCompile(`\]\((?:https?:|/|\.\.?/|[\w-]+\.md)|<a\s[^>]*href="(?:https?:|/)`)
	sourceTbl  = regexp.MustCompile(`(?m)^\|.*\|\s*$|<table[\s>]`)
)

// TestCorpora renders every page of the real corpora and checks that the
// content survives and the editor debris does not.
func TestCorpora(t *testing.T) {
	r := New(Config{})
	for _, c := range []struct {
		name      string
		dir       string
		recursive bool
	}{
		{"orgsec", "orgsec-community-2021", false},
		{"sda-en", "sda-manual/en", true},
		{"sda-es", "sda-manual/es", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := filepath.Join(corporaDir, c.dir)
			for _, file := range corpusFiles(t, c.dir, c.recursive) {
				rel, _ := filepath.Rel(root, file)
				rel = filepath.ToSlash(rel)
				src, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				page, _ := wikipath.FromFile(rel)
				doc := r.Render(src, Context{Page: page, File: rel})
				out := string(doc.HTML)
				checkCorpusPage(t, rel, string(src), doc, out)
			}
		})
	}
}

func checkCorpusPage(t *testing.T, name, src string, doc *Document, out string) {
	t.Helper()
	if err := checkSafeHTML(out); err != nil {
		t.Errorf("%s: %v", name, err)
	}
	if len(doc.Warnings) > 0 {
		t.Errorf("%s: warnings %q", name, doc.Warnings)
	}
	if doc.Title == "" {
		t.Errorf("%s: no title", name)
	}
	for _, bad := range []struct {
		re   *regexp.Regexp
		what string
	}{{styleAttr, "a style attribute"}, {macroImg, "a macro placeholder image"}, {bodyTag, "a <body> tag"}} {
		if loc := bad.re.FindStringIndex(out); loc != nil {
			t.Errorf("%s: output has %s: %q", name, bad.what, out[loc[0]:min(len(out), loc[1]+60)])
		}
	}
	if _, body, _ := ParseFrontMatter([]byte(src)); len(strings.TrimSpace(string(body))) == 0 {
		return
	}
	if len(doc.Text) < 20 {
		t.Errorf("%s: plain text is only %q", name, doc.Text)
	}
	// A long sentence of the source survives into the text.
	if w := longestWordRun(doc.Text); w == "" {
		t.Errorf("%s: no sentence in the text", name)
	} else if !strings.Contains(strings.Join(strings.Fields(visibleText(out)), " "), w) {
		t.Errorf("%s: text %q not found in the HTML", name, w)
	}
	if sourceList.MatchString(src) && !strings.Contains(out, "<li>") {
		t.Errorf("%s: the source has a list, the output none", name)
	}
	if sourceTbl.MatchString(src) && !strings.Contains(out, "<table") {
		t.Errorf("%s: the source has a table, the output none", name)
	}
	if sourceLink.MatchString(src) && !strings.Contains(out, "<a href=") {
		t.Errorf("%s: the source has links, the output none", name)
	}
}

// longestWordRun picks the longest run of plain words from the text, which
// must then also appear in the HTML.
func longestWordRun(text string) string {
	best := ""
	for line := range strings.SplitSeq(text, "\n") {
		var run []string
		for _, w := range strings.Fields(line) {
			if strings.IndexFunc(w, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') }) >= 0 {
				run = run[:0]
				continue
			}
			run = append(run, w)
			if s := strings.Join(run, " "); len(s) > len(best) && len(run) <= 6 {
				best = s
			}
		}
	}
	return best
}

var (
	altRe = regexp.MustCompile(`<img[^>]*\salt="([^"]*)"[^>]*>`)
	tagRe = regexp.MustCompile(`<[^>]*>`)
)

// visibleText is the HTML's text plus image alt text, which the plain text
// includes too.
func visibleText(s string) string {
	return tagRe.ReplaceAllString(altRe.ReplaceAllString(s, " $1 "), " ")
}
