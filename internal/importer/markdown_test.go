package importer

import (
	"strings"
	"testing"
)

func convert(t *testing.T, in string) string {
	t.Helper()
	body := ParseHTML(in)
	FlattenTables(body)
	Tidy(body)
	md, err := NewConverter().Markdown(body, "guide/page.md")
	if err != nil {
		t.Fatal(err)
	}
	return md
}

func TestConvert(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"editor debris", `<p> </p><p><span style="color:red">Hello</span> <font>world</font></p><p><br/></p>`, "Hello world"},
		{"trailing break", `<p>Line<br/></p>`, "Line"},
		{"gfm table", `<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>`, "| A | B |\n|---|---|\n| 1 | 2 |"},
		{"table kept as html", `<table><tr><td><ul><li>x</li></ul></td><td><a href="b.md">b</a></td></tr></table>`,
			"<table><tbody>\n<tr><td><ul><li>x</li></ul></td><td><a href=\"/guide/b.md\">b</a></td></tr></tbody>\n</table>"},
		{"one column table flattened", `<table><tr><td><p><strong>Card</strong></p></td></tr><tr><td><p>Text</p></td></tr></table>`, "**Card**\n\nText"},
		{"header cell bold", `<table><tr><th>Title</th></tr><tr><td>Text</td></tr></table>`, "**Title**\n\nText"},
		{"link around heading", `<a href="x.md"><h3>Title</h3></a><a href="x.md"><p>Summary</p></a>`, "### [Title](x.md)\n\nSummary"},
		{"link around paragraph alone", `<div><a href="x.md"><p>Only</p></a></div>`, "[Only](x.md)"},
		{"link around a div label", `<ul><li><a href="https://e.org/r.pdf"><div class="n">R1: </div>Reading</a></li></ul>`, "- [R1: Reading](https://e.org/r.pdf)"},
		{"code language kept", `<pre><code class="language-go foo">x := 1</code></pre>`, "```go\nx := 1\n```"},
		{"scripts gone", `<p>a</p><script>alert(1)</script><style>p{}</style><iframe src="x"></iframe>`, "a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := convert(t, tc.in); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestPlaceNote(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"alone in a paragraph", `<p><img id="x"></p><p>after</p>`, "> **Note:** gone.\n\nafter"},
		{"in a sentence", `<p>see <img id="x"> here</p>`, "see here\n\n> **Note:** gone."},
		{"in a cell", `<table><tr><td>a</td><td><img id="x"></td></tr></table>`, "*\\[Note: gone.]*"},
		{"with a link", `<p><img id="x" data-link="1"></p>`, "> **Note:** gone. [old](https://e.org/i.png)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := ParseHTML(tc.in)
			img := Find(body, Tag("img"))
			if HasAttr(img, "data-link") {
				PlaceNote(img, "gone.", "old", "https://e.org/i.png")
			} else {
				PlaceNote(img, "gone.", "", "")
			}
			Tidy(body)
			got, err := NewConverter().Markdown(body, "p.md")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("got\n%s\nwant it to hold\n%s", got, tc.want)
			}
		})
	}
}
