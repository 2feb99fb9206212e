package highlight

import (
	"bytes"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/text"
)

func TestBlocksFill(t *testing.T) {
	const block = `<pre tabindex="0" class="chroma"><code><span class="line"><span class="cl"><span class="nx">x</span> &lt;b&gt; &amp;&#34;&#39;` + "\t\n" + `</span></span></code></pre>`
	sanitize := func(s string) string { return "[sanitized " + s + "]" }
	tests := []struct {
		name   string
		blocks []string
		page   func(m []string) string // the sanitized page, given the markers
		want   string
	}{
		{"a block in text", []string{block}, func(m []string) string { return "<p>a</p>\n" + m[0] + "\n<p>b</p>" }, "<p>a</p>\n" + block + "\n<p>b</p>"},
		{"two blocks", []string{block, block}, func(m []string) string { return m[1] + m[0] }, block + block},
		{"a block in an attribute is left out", []string{block}, func(m []string) string { return `<a title="x ` + m[0] + `">y</a>` + m[0] }, `<a title="x ">y</a>` + block},
		{"after a tag closes, text again", []string{block}, func(m []string) string { return `<a title="x">` + m[0] + `</a>` }, `<a title="x">` + block + `</a>`},
		{"a dropped marker drops its block", []string{block}, func([]string) string { return "<p>a</p>" }, "<p>a</p>"},
		{"a block outside the grammar is sanitized", []string{`<pre tabindex="0" class="chroma"><code><b>x</b></code></pre>`}, func(m []string) string { return m[0] }, `[sanitized <pre tabindex="0" class="chroma"><code><b>x</b></code></pre>]`},
		{"a marker with another nonce is text", []string{block}, func(m []string) string { return "\uE000feedfacefeedface:0\uE001" + m[0] }, "\uE000feedfacefeedface:0\uE001" + block},
		{"an index out of range is text", []string{block}, func(m []string) string { return strings.Replace(m[0], ":0", ":7", 1) }, ""},
		{"no blocks, no change", nil, func([]string) string { return "<p>\uE000x\uE001</p>" }, "<p>\uE000x\uE001</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bl := NewBlocks()
			var markers []string
			for _, h := range tt.blocks {
				markers = append(markers, bl.add(h))
			}
			page := tt.page(markers)
			want := tt.want
			if tt.name == "an index out of range is text" {
				want = page
			}
			if got := bl.Fill(page, sanitize); got != want {
				t.Errorf("Fill:\n got  %q\n want %q", got, want)
			}
		})
	}
}

func TestSafe(t *testing.T) {
	const open, end = `<pre tabindex="0" class="chroma"><code>`, `</code></pre>`
	tests := []struct {
		inner string
		safe  bool
	}{
		{"", true},
		{`plain text`, true},
		{`<span class="line"><span class="cl">x</span></span>`, true},
		{`<span class="kd nx">x</span>`, true},
		{`&amp;&lt;&gt;&#34;&#39; é 中 ` + "\t\n", true},
		{`<span class="line">x`, false},             // unbalanced
		{`</span>`, false},                          // closes what it did not open
		{`<span class="toolong">x</span>`, false},   // a class the sanitizer drops
		{`<span class="Kd">x</span>`, false},        // uppercase
		{`<span class="kd" id="a">x</span>`, false}, // another attribute
		{`<span class="">x</span>`, false},
		{`<span class="a  b">x</span>`, false},
		{`<b>x</b>`, false},
		{`a > b`, false},
		{`&nbsp;`, false},
		{`&amp`, false},
		{"\r", false},
		{"\x00", false},
		{"\xff", false},
	}
	for _, tt := range tests {
		if got := Safe(open + tt.inner + end); got != tt.safe {
			t.Errorf("Safe(%q) = %v, want %v", tt.inner, got, tt.safe)
		}
	}
	for _, h := range []string{"", open, `<pre class="chroma"><code>x` + end, open + "x</code></pre>\n"} {
		if Safe(h) {
			t.Errorf("Safe(%q) = true", h)
		}
	}
}

// TestBlocksAreSafe: the blocks the highlighter keeps apart, as it writes
// them, must be in Safe's grammar in every language chroma knows, or each
// would be sanitized again and the saving lost.
func TestBlocksAreSafe(t *testing.T) {
	const code = "func main() { x := \"a<b>&amp;'\\\"\" // </code></pre><script>alert(1)</script>\n" +
		"\t<a href=\"javascript:alert(1)\" onclick='y'>é 中 &#0; 1.5e3 @x #y $z %w</a>\n" +
		"SELECT * FROM t WHERE a = 'b'; -- c\n<?php echo $x; ?> {{ .X }} <%= y %>\n"
	md := goldmark.New(goldmark.WithExtensions(New()))
	kept := 0
	for _, name := range lexers.Names(false) {
		if strings.ContainsAny(name, " \n`") {
			continue
		}
		src := []byte("```" + name + "\n" + code + "```\n")
		doc := md.Parser().Parse(text.NewReader(src))
		bl := NewBlocks()
		SetBlocks(doc, bl)
		var buf bytes.Buffer
		if err := md.Renderer().Render(&buf, src, doc); err != nil {
			t.Fatal(err)
		}
		for _, h := range bl.html {
			kept++
			if !Safe(h) {
				t.Errorf("%s: block outside Safe's grammar: %q", name, h)
			}
		}
	}
	if kept < 100 {
		t.Errorf("only %d blocks kept apart", kept)
	}
}
