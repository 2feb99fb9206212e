package render

import (
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

// sanitizeSlow is what Sanitize wrote before cleanForm.
func sanitizeSlow(r *Renderer, s string) string { return r.policy.Sanitize(dropCruft(s)) }

// checkClean fails when cleanForm takes s but writes other than the policy.
func checkClean(t *testing.T, r *Renderer, s string) bool {
	t.Helper()
	fast, ok := cleanForm(dropCruft(s)) // as Sanitize calls it
	if !ok {
		return false
	}
	if slow := sanitizeSlow(r, s); fast != slow {
		t.Errorf("cleanForm and the sanitizer differ\nin:   %q\nfast: %q\nslow: %q", s, fast, slow)
	}
	return true
}

func TestCleanForm(t *testing.T) {
	r := New(Config{})
	for _, c := range []struct {
		in   string
		fast bool // cleanForm takes it
	}{
		{"", true},
		{"plain text", true},
		{"<p>a <em>b</em> <strong>c</strong> <del>d</del> <code>e</code></p>\n", true},
		{"<h2 id=\"caf\u00e9-1\">Caf\u00e9 <a class=\"anchor\" href=\"#caf\u00e9-1\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h2>", true},
		{"<ul>\n<li>a</li>\n</ul>\n<ol>\n<li>b</li>\n</ol>\n<blockquote>\n<p>q</p>\n</blockquote>\n<hr>\n<p>a<br>\nb</p>", true},
		{"<table>\n<thead>\n<tr>\n<th align=\"left\">a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td align=\"right\">1</td>\n</tr>\n</tbody>\n</table>", true},
		{"<pre><code class=\"language-go\">x := &quot;a&quot; &amp;&amp; b &lt; c\n</code></pre>", true},
		{`<p>Don't "quote" me &amp; &copy; &nbsp; &#x27; &gt;</p>`, true},
		{`<p><a href="../b/index.html" class="wikilink">b</a> <a href="page.html?a=1&amp;b=2#x" title="It's t">c</a></p>`, true},
		{`<p><a href="https://example.org/a b">x</a></p>`, false},
		{`<p><a href="https://example.org/caf` + "\u00e9" + `">x</a> <a href="mailto:a@example.org">m</a> <a href="//cdn.example.net/x">p</a></p>`, true},
		{`<p><img src="img/a.png" alt="a, b (c)"> <img src="https://example.org/p.gif" alt="x" title="t"></p>`, true},
		{`<div class="footnotes" role="doc-endnotes">` + "\n<hr>\n<ol>\n" + `<li id="fn:1"><p>n <a href="#fnref:1" class="footnote-backref" role="doc-backlink">&#x21a9;&#xfe0e;</a></p></li>` + "\n</ol>\n</div>", true},
		{`<p>a<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup></p>`, true},
		{"<p><span class=\"kd\">func</span></p>", true},
		{"</p></em>", true},

		// Declined: raw HTML outside the grammar goes to the sanitizer.
		{`<p><a href="javascript:alert(1)">x</a></p>`, false},
		{`<p><a href="data:image/png;base64,AAAA">x</a></p>`, false},
		{`<p><a href=" x">x</a></p>`, false},
		{`<p><a>x</a></p>`, false},
		{`<p><a href="x" rel="me">x</a></p>`, false},
		{`<p><a href="x" href="y">x</a></p>`, false},
		{`<p><a href='x'>x</a></p>`, false},
		{`<p><a href=x>x</a></p>`, false},
		{`<p><a  href="x">x</a></p>`, false},
		{`<p><a href="x" >x</a></p>`, false},
		{`<p><a href="x"/>x</a></p>`, false},
		{`<p><A href="x">x</A></p>`, false},
		{`<p><a href="x" onclick="y">x</a></p>`, false},
		{`<p><a href="x" class="evil">x</a></p>`, false},
		{`<p><a href="x&#106;">x</a></p>`, false},
		{`<p><a href="x&ampy">x</a></p>`, false},
		{`<img src="x" onerror="alert(1)">`, false},
		{`<img alt="x">`, false},
		{`<p id="x">a</p>`, false},
		{`<h2 id="a b">a</h2>`, false},
		{`<h2 id="">a</h2>`, false},
		{`<th align="middle">a</th>`, false},
		{`<th style="text-align:left">a</th>`, false},
		{"<script>alert(1)</script>", false},
		{"<style>p{}</style>", false},
		{"<textarea><p>x</p></textarea>", false},
		{"<title><p>x</p></title>", false},
		{"<svg><p>x</p></svg>", false},
		{"<!-- c --><p>x</p>", false},
		{"<!doctype html><p>x</p>", false},
		{"<?xml?><p>x</p>", false},
		{"<p>a < b</p>", false},
		{"<p>a <3</p>", false},
		{"<p>a</p", false},
		{"<p", false},
		{"</p", false},
		{"</>", false},
		{"</p >", false},
		{"<br/>", false},
		{"<br />", false},
		{"<p>a\x00b</p>", false},
		{"<p>a\r\nb</p>", false},
		{`<p title="a` + "\r" + `b">x</p>`, false},
		{`<ul><li><label><input checked="" disabled="" type="checkbox"> a</label></li></ul>`, true},
		{`<ol start="3"><li>c</li></ol><dl><dt>t</dt><dd>d</dd></dl>`, true},
		{`<ol start="-3"><li>c</li></ol>`, false},
		// dropCruft, which runs first, removes inputs but disabled
		// checkboxes; cleanForm refuses them on its own too (below).
		{`<input checked="" disabled="">`, true},
		{`<input type="text">`, true},
		{`<input type="checkbox" disabled="" onclick="x">`, false},
		{`<details open><summary>x</summary></details>`, false},
		{`<p><a href="x" title="a<b">x</a></p>`, false},
		{`<p><a href="https://example.org/" class="url" aria-hidden="true" tabindex="-1" role="doc-noteref" title="t" id="x">x</a></p>`, false},
	} {
		if got := checkClean(t, r, c.in); got != c.fast {
			t.Errorf("cleanForm(%q) took it: %v, want %v", c.in, got, c.fast)
		}
	}
	for _, in := range []string{`<input type="checkbox">`, `<input disabled="">`, `<input type="text" disabled="">`, `<input>`} {
		if _, ok := cleanForm(in); ok {
			t.Errorf("cleanForm(%q) took it", in)
		}
	}
}

// attrSamples are values tried on every attribute cleanForm knows: some
// each test takes, some it must refuse, some the policy changes.
var attrSamples = []string{
	"", "true", "false", "-1", "0", "1", "footnotes", "doc-endnotes", "doc-noteref", "doc-backlink",
	"wikilink", "missing", "anchor", "url", "footnote-ref", "footnote-backref", "evil",
	"chroma", "kd", "kd nf", "line", "language-go", "language-c++", "language-<x>",
	"fn:1", "fnref:1", "fnref2:3", "fn:x", "h-1", "caf\u00e9", "\u0645\u0631\u062d\u0628\u0627", "a b", "a\tb", "a\nb",
	"left", "right", "center", "LEFT", "justify", "middle", "checkbox", "CheckBox", "text", "checked", "disabled", "3", "-3", "3x",
	"x&amp;y", "x&quot;y", "x&#39;y", "x&#34;y", "x&lt;y", "x&gt;y", "x&copy;y", "x&y", "x'y", "x>y",
	"page.html", "../a/index.html", "#frag", "#caf\u00e9", "/abs/path", "?q=1&amp;r=2", "a%20b", "a%zz",
	"https://example.org/", "HTTPS://EXAMPLE.ORG/A", "http://a:b@example.org:8080/p?q#f", "//example.net/x",
	"mailto:a@example.org", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:x", "vbscript:x",
	"data:image/png;base64,AAAA", "data:text/html,x", " x", "x ", "\u00a0x", "ftp://example.org/",
	"It's fine.", "A, b (c) [d] !/.\\", "a;b", "x<y",
}

// TestCleanFormAttributes tries every sample on every attribute of every
// element cleanForm knows, and each element bare: whatever it takes, it
// must write as the policy does, and each test must take something.
func TestCleanFormAttributes(t *testing.T) {
	r := New(Config{})
	names := make([]string, 0, len(cleanElems))
	for n := range cleanElems {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		el := cleanElems[name]
		bare := "<" + name + ">x</" + name + ">"
		if !checkClean(t, r, bare) && len(el.need) == 0 {
			t.Errorf("<%s> bare: not taken", name)
		}
		need := ""
		for _, k := range el.need {
			v := "a"
			switch k {
			case "type":
				v = "checkbox"
			case "disabled":
				v = ""
			}
			need += " " + k + `="` + v + `"`
		}
		keys := []string{"id", "class", "title", "style", "onclick", "rel", "target", "href", "src"}
		for k := range el.attrs {
			keys = append(keys, k)
		}
		for _, key := range keys {
			taken := 0
			for _, v := range attrSamples {
				tags := []string{"<" + name + " " + key + `="` + v + `">x</` + name + ">"}
				if need != "" {
					tags = append(tags,
						"<"+name+need+" "+key+`="`+v+`">x</`+name+">",
						"<"+name+" "+key+`="`+v+`"`+strings.ReplaceAll(need, `"a"`, `"https://example.org/"`)+">x</"+name+">")
				}
				for _, tag := range tags {
					if checkClean(t, r, tag) {
						taken++
					}
				}
			}
			if el.attrs[key] != nil && taken == 0 {
				t.Errorf("<%s %s>: no sample taken", name, key)
			}
		}
	}
}

// TestCleanFormRandom builds documents from pieces of the grammar, and of
// what lies just outside it, and compares the two wherever cleanForm
// takes one.
func TestCleanFormRandom(t *testing.T) {
	r := New(Config{})
	rng := rand.New(rand.NewPCG(1, 2))
	names := make([]string, 0, len(cleanElems))
	for n := range cleanElems {
		names = append(names, n)
	}
	sort.Strings(names)
	keys := []string{"href", "src", "class", "id", "title", "alt", "align", "role", "tabindex", "aria-hidden", "rel", "style", "start", "type", "checked", "disabled"}
	texts := []string{"a", " ", "\n", "caf\u00e9", "&amp;", "&lt;", "&quot;", "&#39;", "&copy;", "&", "'", "\"", ">", "&#0;", "&#x1F600;", "&nbsp", "\u202e", "\ufffd"}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	const n = 20000
	taken := 0
	for range n {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			switch rng.IntN(4) {
			case 0, 1:
				b.WriteString(pick(texts))
			case 2:
				name := pick(names)
				b.WriteString("<" + name)
				for range rng.IntN(4) {
					b.WriteString(" " + pick(keys) + `="` + pick(attrSamples) + `"`)
				}
				b.WriteString(">")
			default:
				b.WriteString("</" + pick(names) + ">")
			}
		}
		if checkClean(t, r, b.String()) {
			taken++
		}
		if t.Failed() {
			return
		}
	}
	// Most draws hold an attribute the grammar refuses; the rest must be
	// enough to say something.
	if taken < n/20 {
		t.Errorf("cleanForm took only %d of %d documents", taken, n)
	}
}

func FuzzCleanForm(f *testing.F) {
	for _, s := range []string{
		"<p>a <em>b</em></p>",
		`<p><a href="https://example.org/caf` + "\u00e9" + `" title="It's">x</a></p>`,
		`<h2 id="x">x <a class="anchor" href="#x" aria-hidden="true" tabindex="-1">#</a></h2>`,
		`<img src="a.png" alt="b"><th align="left">x</th>`,
		`<p>&copy; &amp &#39; " ' ></p>`,
	} {
		f.Add(s)
	}
	r := New(Config{})
	f.Fuzz(func(t *testing.T, s string) {
		checkClean(t, r, s)
	})
}
