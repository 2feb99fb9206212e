package pages

import (
	"errors"
	"strings"
	"testing"
)

// draftPages are sources the editor must give back byte for byte when no
// field changes: unknown keys, comments, odd spacing and both formats.
var draftPages = map[string]string{
	"none":  "# Hello\n\nText.\n",
	"empty": "---\n---\nText.\n",
	"yaml": "---\n# a comment on top\ntitle:   Mapping   # spaced out\naliases: [old/name]\ntags:\n  - b\n  - a\n" +
		"translationKey: mapping\nextra:\n  nested: {deep: true}\n\n# the end\n---\n\nBody ## not a heading\n",
	"toml":      "+++\ntitle = \"T\"\ndate = 2024-01-02\nweight = 3\n\n[params]\nx = 1\n+++\nBody.\n",
	"dots":      "---\ntitle: T\n...\nBody.\n",
	"jekyll":    "---\ntags: one two three\nlayout: page\n---\nBody.\n",
	"no-break":  "---\ntitle: T\n---\n",
	"uppercase": "---\nTitle: T\nLang: ES\n---\nx\n",
}

func TestDraftRoundTrip(t *testing.T) {
	s, _ := MustService(t, map[string]string{"Home.md": "# Home\n"})
	for name, src := range draftPages {
		t.Run(name, func(t *testing.T) {
			d, ok := SplitDraft([]byte(src))
			if !ok {
				t.Fatalf("SplitDraft refused %q", src)
			}
			if d.FrontMatter+d.Body != src {
				t.Errorf("front matter %q + body %q != source", d.FrontMatter, d.Body)
			}
			got, err := s.JoinDraft(d, "Page.md")
			if err != nil || string(got) != src {
				t.Errorf("JoinDraft unchanged = %q, %v; want %q", got, err, src)
			}
		})
	}
}

func TestSplitDraftFields(t *testing.T) {
	d, ok := SplitDraft([]byte(draftPages["yaml"]))
	want := Fields{Title: "Mapping", Tags: "b, a"}
	if !ok || d.Fields != want {
		t.Errorf("fields = %+v, %v; want %+v", d.Fields, ok, want)
	}
	d, _ = SplitDraft([]byte(draftPages["toml"]))
	if want := (Fields{Title: "T", Weight: "3"}); d.Fields != want {
		t.Errorf("toml fields = %+v; want %+v", d.Fields, want)
	}
	d, _ = SplitDraft([]byte(draftPages["jekyll"]))
	if d.Fields.Tags != "one, two, three" {
		t.Errorf("jekyll tags = %q", d.Fields.Tags)
	}
}

// TestSplitDraftRefused: front matter the fields cannot stand for leaves
// the whole text in the text box.
func TestSplitDraftRefused(t *testing.T) {
	for name, src := range map[string]string{
		"flow mapping":   "---\n{title: x}\n---\nBody\n",
		"does not parse": "---\ntitle: [\n---\nBody\n",
		"two spellings":  "---\ntitle: a\nTitle: b\n---\nBody\n",
		"wrong type":     "---\ntitle: {a: 1}\n---\nBody\n",
		"markers":        "---\n<<<<<<< your edit\ntitle: a\n=======\ntitle: b\n>>>>>>> the current version\n---\nBody\n",
	} {
		if d, ok := SplitDraft([]byte(src)); ok {
			t.Errorf("%s: SplitDraft accepted it: %+v", name, d)
		}
	}
}

func TestJoinDraft(t *testing.T) {
	yaml := draftPages["yaml"]
	yamlFM, yamlBody, _ := strings.Cut(yaml, "---\n\n")
	tests := []struct {
		name  string
		src   string
		edit  func(*Fields)
		body  string // replaces the body when set
		want  string
		field string // the field refused, when the join must fail
	}{
		{
			name: "title rewritten in place, its comment kept",
			src:  yaml, edit: func(f *Fields) { f.Title = "Mapping: assets" },
			want: strings.Replace(yaml, "title:   Mapping   # spaced out\n", "title: 'Mapping: assets' # spaced out\n", 1),
		},
		{
			name: "tags keep their block style",
			src:  yaml, edit: func(f *Fields) { f.Tags = "a, c , " },
			want: strings.Replace(yaml, "tags:\n  - b\n  - a\n", "tags:\n  - a\n  - c\n", 1),
		},
		{
			name: "new keys after the others, unknown keys and comments untouched",
			src:  yaml, edit: func(f *Fields) { f.Category, f.Weight, f.Description = "activity", "10", "What we keep" },
			want: yamlFM + "description: What we keep\ncategory: activity\nweight: 10\n---\n\n" + yamlBody,
		},
		{
			name: "emptied fields go with their comments",
			src:  "---\n# the title\ntitle: T\nkeep: 1\ntags: [a]\n---\nx\n", edit: func(f *Fields) { f.Title, f.Tags = "", "" },
			want: "---\nkeep: 1\n---\nx\n",
		},
		{
			name: "no keys left, no front matter",
			src:  "---\ntitle: T\n---\nx\n", edit: func(f *Fields) { f.Title = "" },
			want: "x\n",
		},
		{
			name: "a new title goes first",
			src:  "---\nkeep: 1\n---\nx\n", edit: func(f *Fields) { f.Title = "New" },
			want: "---\ntitle: New\nkeep: 1\n---\nx\n",
		},
		{
			name: "front matter made when there is none",
			src:  "Some text.\n", edit: func(f *Fields) { f.Title, f.Lang, f.Tags = "A page", "pt-br", "x, y" },
			want: "---\ntitle: A page\ntags: [x, y]\nlang: pt-BR\n---\nSome text.\n",
		},
		{
			name: "the title the page has anyway is not written",
			src:  "# From the heading\n\nx\n", edit: func(f *Fields) { f.Title = "From the heading" },
			want: "# From the heading\n\nx\n",
		},
		{
			name: "the file name's title is not written either",
			src:  "x\n", edit: func(f *Fields) { f.Title = "Page" },
			want: "x\n",
		},
		{
			name: "toml: in place, new keys before the first table",
			src:  draftPages["toml"], edit: func(f *Fields) { f.Title, f.Weight, f.Lang = "T2", "", "fr" },
			want: "+++\ntitle = 'T2'\ndate = 2024-01-02\n\nlang = 'fr'\n[params]\nx = 1\n+++\nBody.\n",
		},
		{
			name: "key spelled as written",
			src:  draftPages["uppercase"], edit: func(f *Fields) { f.Title = "U" },
			want: "---\nTitle: U\nLang: ES\n---\nx\n",
		},
		{
			name: "front matter typed at the top of the text counts",
			src:  "", body: "---\nfoo: bar\n---\nx\n", edit: func(f *Fields) { f.Title = "T" },
			want: "---\ntitle: T\nfoo: bar\n---\nx\n",
		},
		{
			name: "body replaced, front matter as it was",
			src:  yaml, body: "New body.\n", edit: func(*Fields) {},
			want: yamlFM + "---\n\nNew body.\n",
		},
		{name: "weight must be a number", src: yaml, edit: func(f *Fields) { f.Weight = "ten" }, field: "weight"},
		{name: "lang must be a tag", src: yaml, edit: func(f *Fields) { f.Lang = "not a language" }, field: "lang"},
		{name: "title on one line", src: yaml, edit: func(f *Fields) { f.Title = "a\nb" }, field: "title"},
	}
	s, _ := MustService(t, map[string]string{"Home.md": "# Home\n"})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := SplitDraft([]byte(tc.src))
			if !ok {
				t.Fatalf("SplitDraft refused %q", tc.src)
			}
			if d.Fields.Title == "" && !strings.Contains(tc.src, "title:") {
				d.Fields.Title = s.renderer.Summarize([]byte(tc.src), "Page.md").Title // as the editor fills it
			}
			tc.edit(&d.Fields)
			if tc.body != "" {
				d.Body = tc.body
			}
			got, err := s.JoinDraft(d, "Page.md")
			if tc.field != "" {
				var p *Problem
				if !errors.As(err, &p) || p.Field != tc.field {
					t.Fatalf("JoinDraft = %q, %v; want a problem with %s", got, err, tc.field)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Errorf("JoinDraft =\n%q, %v; want\n%q", got, err, tc.want)
			}
		})
	}
}
