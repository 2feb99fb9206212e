package render

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gitwiki/gitwiki/internal/wikipath"
	"golang.org/x/net/html"
	"golang.org/x/tools/txtar"
)

// tokenFocusable is focusable as it was written first, with the HTML
// tokenizer: the reference the string scan must agree with.
func tokenFocusable(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return b.String()
		}
		if tt != html.StartTagToken {
			b.Write(z.Raw())
			continue
		}
		raw := bytes.Clone(z.Raw())
		name, more := z.TagName()
		if string(name) != "pre" && string(name) != "table" {
			b.Write(raw)
			continue
		}
		has := false
		for more {
			var k []byte
			k, _, more = z.TagAttr()
			has = has || string(k) == "tabindex"
		}
		if has {
			b.Write(raw)
			continue
		}
		n := 1 + len(name)
		b.Write(raw[:n])
		b.WriteString(` tabindex="0"`)
		b.Write(raw[n:])
	}
}

// TestFocusableScan: on the sanitizer's output, the scan marks the same
// tags as the tokenizer, for every golden page and for markup built to
// mislead a scan (tag names in text and attributes, longer tag names).
func TestFocusableScan(t *testing.T) {
	r := New(Config{})
	inputs := []string{
		"<p>&lt;pre&gt; and &lt;table&gt; in text</p>",
		`<p title="<pre> <table tabindex=&#34;1&#34;>">x</p><pre>y</pre>`,
		`<pre tabindex="0" class="chroma"><code>z</code></pre><table class="t"><tr><td>1</td></tr></table>`,
		"<prefix>not pre</prefix><tablet>not table</tablet><pre\n>a</pre>",
		"<PRE>upper</PRE><Table>upper</Table>",
		`<a href="/pre" title="table">t</a><pre><code>&lt;pre&gt;</code></pre>`,
		"", "<pre", "<table>",
	}
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if p, ok := wikipath.FromFile(f.Name); ok {
				d := r.Render(f.Data, Context{Page: p, File: f.Name})
				inputs = append(inputs, string(d.HTML))
			}
		}
	}
	for _, in := range inputs {
		clean := r.policy.Sanitize(in)
		if got, want := focusable(clean), tokenFocusable(clean); got != want {
			t.Errorf("focusable(%q)\n = %q\nwant %q", clean, got, want)
		}
	}
}
