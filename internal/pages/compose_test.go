package pages

import (
	"errors"
	"strings"
	"testing"
)

const threeSections = "---\ntitle: Three\nowner: ana # keep me\n---\nLead.\n\n## One\n\none\n\n## Two\n\ntwo\n\n## Three\n\nthree\n"

var maintainer = Who{Account: "mara", Maintainer: true}

// TestSaveSections: two edits of different sections from the same base both
// land, the second merged; a third edit of a section changed meanwhile is a
// conflict, with the whole page between markers.
func TestSaveSections(t *testing.T) {
	s, repo := MustService(t, map[string]string{"p.md": threeSections})
	base := head(t, repo).String()
	out, err := s.Save(ctx, Submission{Page: "p", Section: 1, Content: "## One\n\nONE\n", Base: base}, maintainer)
	if err != nil || out.Merged {
		t.Fatalf("first section edit: %+v, %v", out, err)
	}
	out, err = s.Save(ctx, Submission{Page: "p", Section: 3, Content: "## Three\r\n\r\nTHREE", Base: base}, maintainer)
	if err != nil || !out.Merged {
		t.Fatalf("second section edit: %+v, %v; want it merged", out, err)
	}
	want := strings.NewReplacer("\none\n", "\nONE\n", "\nthree\n", "\nTHREE\n").Replace(threeSections)
	if got := read(t, repo, "p.md"); got != want {
		t.Errorf("page =\n%q; want\n%q", got, want)
	}
	_, err = s.Save(ctx, Submission{Page: "p", Section: 1, Content: "## One\n\nuno\n", Base: base}, maintainer)
	var cf *Conflict
	if !errors.As(err, &cf) || !strings.Contains(cf.Merged, "<<<<<<< your edit\nuno\n") || !strings.Contains(cf.Merged, "owner: ana # keep me") {
		t.Fatalf("same section edited twice: %v; want a conflict over the whole page", err)
	}
	_, err = s.Save(ctx, Submission{Page: "p", Section: 9, Content: "x", Base: base}, maintainer)
	var pr *Problem
	if !errors.As(err, &pr) || pr.Kind != Gone {
		t.Errorf("section 9: %v; want a Gone problem", err)
	}
}

// TestSaveFields: a save from the editor's fields rewrites only the field
// that changed, keeps the keys it does not know, and merges with a change
// of the body made meanwhile.
func TestSaveFields(t *testing.T) {
	s, repo := MustService(t, map[string]string{"p.md": threeSections})
	base := head(t, repo).String()
	d, ok := SplitDraft([]byte(threeSections))
	if !ok {
		t.Fatal("SplitDraft refused the page")
	}
	other := strings.Replace(d.Body, "two", "TWO", 1)
	if _, err := s.Save(ctx, Submission{Page: "p", Content: d.FrontMatter + other, Base: base}, maintainer); err != nil {
		t.Fatal(err)
	}
	f := d.Fields
	f.Title, f.Tags = "Three sections", "a, b"
	out, err := s.Save(ctx, Submission{Page: "p", Fields: &f, FrontMatter: d.FrontMatter, Content: d.Body, Base: base}, maintainer)
	if err != nil || !out.Merged {
		t.Fatalf("fields save: %+v, %v; want it merged", out, err)
	}
	want := strings.Replace(strings.Replace(threeSections, "title: Three\n", "title: Three sections\n", 1), "two", "TWO", 1)
	want = strings.Replace(want, "# keep me\n", "# keep me\ntags: [a, b]\n", 1)
	if got := read(t, repo, "p.md"); got != want {
		t.Errorf("page =\n%q; want\n%q", got, want)
	}
}

// TestPlaceUpload: a pasted file gets a name no other file next to the page
// has, unless it is that very file; its content decides what it is.
func TestPlaceUpload(t *testing.T) {
	png := "\x89PNG\r\n\x1a\nrest"
	s, _ := MustService(t, map[string]string{"Guides/Page.md": "# Page\n", "Guides/image.png": png + "old"})
	st, err := s.loader.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, data string
		taken      []string
		file, md   string
		refused    bool
	}{
		{"image.png", png, nil, "image-2.png", "![image](image-2.png)", false},
		{"image.png", png + "old", nil, "image.png", "![image](image.png)", false},
		{"image.png", png, []string{"image-2.png"}, "image-3.png", "![image](image-3.png)", false},
		{"Screen shot.PNG", png, nil, "Screen-shot.png", "![Screen shot](Screen-shot.png)", false},
		{"report.pdf", "%PDF-1.7", nil, "report.pdf", "[report](report.pdf)", false},
		{"evil.png", "<svg onload=alert(1)>", nil, "", "", true},
		{"empty.png", "", nil, "", "", true},
	}
	for _, tc := range tests {
		file, md, err := s.PlaceUpload(ctx, st, "Guides/Page", tc.name, []byte(tc.data), tc.taken)
		if tc.refused {
			var p *Problem
			if !errors.As(err, &p) {
				t.Errorf("%s: %q, %v; want a Problem", tc.name, file, err)
			}
			continue
		}
		if err != nil || file != tc.file || md != tc.md {
			t.Errorf("%s: %q, %q, %v; want %q, %q", tc.name, file, md, err, tc.file, tc.md)
		}
	}
}
