package render

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestSectionsGolden cuts every page of testdata/sections/pages.txtar into
// its sections and compares them with the golden file.
func TestSectionsGolden(t *testing.T) {
	a, err := txtar.ParseFile(filepath.Join("testdata", "sections", "pages.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	r := New(Config{})
	out := &txtar.Archive{Comment: a.Comment}
	for _, f := range a.Files {
		var b strings.Builder
		src := f.Data
		if f.Name == "crlf.md" {
			src = bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))
		}
		secs := r.Sections(src)
		doc := r.Render(src, Context{File: f.Name})
		if fmt.Sprint(doc.Sections) != fmt.Sprint(secs) {
			t.Errorf("%s: Render's sections %+v, Sections %+v", f.Name, doc.Sections, secs)
		}
		for _, s := range secs {
			fmt.Fprintf(&b, "%d h%d #%s %q\n%q\n", s.Index, s.Level, s.ID, s.Text, src[s.Start:s.End])
		}
		out.Files = append(out.Files, txtar.File{Name: f.Name, Data: []byte(b.String())})
	}
	got := txtar.Format(out)
	golden := filepath.Join("testdata", "sections", "pages.golden")
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
		t.Errorf("sections differ from %s (run go test -update and review the diff):\n%s", golden, lineDiff(string(want), string(got)))
	}
}

func TestReplaceSection(t *testing.T) {
	const page = "---\ntitle: T\n---\nLead.\n\n## One\n\na\n\n### One.1\n\nb\n\n## Two\n\nc\n"
	tests := []struct {
		name string
		src  string
		n    int
		text string
		want string
		ok   bool
	}{
		{"first, with its subsection", page, 1, "## One\n\nA\n", "---\ntitle: T\n---\nLead.\n\n## One\n\nA\n\n## Two\n\nc\n", true},
		{"subsection only", page, 2, "### One.1\n\nB", "---\ntitle: T\n---\nLead.\n\n## One\n\na\n\n### One.1\n\nB\n\n## Two\n\nc\n", true},
		{"last section", page, 3, "## Two\n\nC\n\n\n", "---\ntitle: T\n---\nLead.\n\n## One\n\na\n\n### One.1\n\nb\n\n## Two\n\nC\n", true},
		{"text without a line break before the next heading", "## A\nx\n## B\ny\n", 1, "## A\nz", "## A\nz\n## B\ny\n", true},
		{"emptied section goes", page, 2, "", "---\ntitle: T\n---\nLead.\n\n## One\n\na\n\n## Two\n\nc\n", true},
		{"adds a heading", page, 3, "## Two\n\nc\n\n## Three\n\nd\n", page + "\n## Three\n\nd\n", true},
		{"no such section", page, 4, "x", "", false},
		{"section 0", page, 0, "x", "", false},
		{"a page without headings", "just text\n", 1, "x", "", false},
	}
	r := New(Config{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := r.ReplaceSection([]byte(tc.src), tc.n, []byte(tc.text))
			if ok != tc.ok || string(got) != tc.want {
				t.Errorf("ReplaceSection(%d, %q) = %q, %v; want %q, %v", tc.n, tc.text, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestReplaceSectionRoundTrip: putting each section back as it was, with
// or without its trailing line breaks, changes nothing.
func TestReplaceSectionRoundTrip(t *testing.T) {
	a, err := txtar.ParseFile(filepath.Join("testdata", "sections", "pages.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	r := New(Config{})
	for _, f := range a.Files {
		for _, s := range r.Sections(f.Data) {
			text := f.Data[s.Start:s.End]
			for _, with := range [][]byte{text, bytes.TrimRight(text, "\n")} {
				got, ok := r.ReplaceSection(f.Data, s.Index, with)
				if !ok || !bytes.Equal(got, f.Data) {
					t.Errorf("%s section %d put back: %q, %v", f.Name, s.Index, got, ok)
				}
			}
		}
	}
}
