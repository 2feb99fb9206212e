package importer

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// FuzzConvert: any HTML converts without failing, and what the importer
// commits from it carries no script.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{
		`<p>a</p>`, `<table><tr><td><ul><li>x</li></ul></td></tr></table>`, `<a href="x"><h3>t</h3><p>p</p></a>`,
		`<table><tr><th>h</th></tr><tr><td><img src=x></td></tr></table>`, `<p><img src="javascript:alert(1)"></p>`,
		`<div><a href="javascript:x()">j</a><script>x</script><p onclick=1>q</p></div>`, `<pre><code class="language-go">x</code></pre>`,
		"<table><tr><td>a\n\n\nb</td><td>c</td></tr></table>", `<a><div><div>deep</div></div></a>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		body := ParseHTML(in)
		FlattenTables(body)
		for _, img := range FindAll(body, Tag("img")) {
			PlaceNote(img, "gone.", "old", "https://e.org/x")
		}
		Tidy(body)
		md, err := NewConverter().Markdown(body, "a/b.md")
		if err != nil {
			t.Fatal(err)
		}
		res := &Result{Report: &Report{}, Pages: []*Page{{Path: "a/b.md", Body: md}}}
		if err := res.Finish(); err != nil {
			t.Fatal(err)
		}
		z := html.NewTokenizer(strings.NewReader(res.Pages[0].Body))
		for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			if tok.Data == "script" || tok.Data == "iframe" || tok.Data == "style" {
				t.Fatalf("<%s> survived: %q", tok.Data, res.Pages[0].Body)
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" {
					t.Fatalf("attribute %s survived: %q", a.Key, res.Pages[0].Body)
				}
			}
		}
	})
}
