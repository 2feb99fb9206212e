package heading

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

func TestSlug(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ascii", "Getting Started", "getting-started"},
		{"spanish", "¿Qué es una Política?", "qué-es-una-política"},
		{"cyrillic and cjk", "Ведро 水やり", "ведро-水やり"},
		{"punctuation dropped", "Step 1: plan (draft)", "step-1-plan-draft"},
		{"runs collapse", "a  -  b -- c", "a-b-c"},
		{"underscore kept", "snake_case name", "snake_case-name"},
		{"edges trimmed", "  - edge -  ", "edge"},
		{"only punctuation", "!!!", ""},
		{"combining mark", "cafe\u0301", "cafe\u0301"},
		{"long", strings.Repeat("word ", 40), strings.TrimSuffix(strings.Repeat("word-", 16), "-")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Slug(tc.in); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestIDsUnique(t *testing.T) {
	ids := NewIDs()
	ids.Put([]byte("taken"))
	var got []string
	for _, in := range []string{"Intro", "Intro", "Intro 1", "Intro", "taken", "", "¡!"} {
		got = append(got, string(ids.Generate([]byte(in), ast.KindHeading)))
	}
	want := []string{"intro", "intro-1", "intro-1-1", "intro-2", "taken-1", "section", "section-1"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRender(t *testing.T) {
	md := goldmark.New(goldmark.WithExtensions(New()))
	src := []byte("# Top\n\n## See [the *docs*](http://x) `code`\n\n## See the docs code\n\n####### not a heading\n")
	var buf bytes.Buffer
	pc := parser.NewContext(parser.WithIDs(NewIDs()))
	doc := md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	if err := md.Renderer().Render(&buf, src, doc); err != nil {
		t.Fatal(err)
	}
	want := `<h1 id="top">Top</h1>
<h2 id="see-the-docs-code">See <a href="http://x">the <em>docs</em></a> <code>code</code> <a class="anchor" href="#see-the-docs-code" aria-hidden="true" tabindex="-1">#</a></h2>
<h2 id="see-the-docs-code-1">See the docs code <a class="anchor" href="#see-the-docs-code-1" aria-hidden="true" tabindex="-1">#</a></h2>
<p>####### not a heading</p>
`
	if got := buf.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAppendText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"escapes", `a \*b\* &amp; &#65;`, "a *b* & A"},
		{"code kept raw", "`a \\* &amp;`", `a \* &amp;`},
		{"markup dropped", "*a* **b** [c](d) ![e](f) <span>g</span>", "a b c e g"},
		{"autolink", "<https://x.example>", "https://x.example"},
		{"soft break", "a\nb", "a b"},
	}
	md := goldmark.New()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := []byte(tc.in)
			doc := md.Parser().Parse(text.NewReader(src))
			if got := string(AppendText(nil, doc.FirstChild(), src)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
