package render

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gitwiki/gitwiki/internal/wikipath"
)

func TestParseFrontMatter(t *testing.T) {
	tests := []struct {
		name, in string
		want     FrontMatter // Raw is not compared
		body     string
		err      string
	}{
		{"none", "# Hi\n", FrontMatter{}, "# Hi\n", ""},
		{"yaml", "---\ntitle: T\ntags: a, b\nweight: 2\ndraft: true\n---\nbody\n",
			FrontMatter{Title: "T", Tags: []string{"a", "b"}, Weight: 2, Draft: true, Format: "yaml"}, "body\n", ""},
		{"yaml end marker", "---\ntitle: T\n...\nbody", FrontMatter{Title: "T", Format: "yaml"}, "body", ""},
		{"yaml date", "---\ndate: 2021-08-31\n---\n", FrontMatter{Date: "2021-08-31", Format: "yaml"}, "", ""},
		{"yaml datetime", "---\ndate: 2021-08-31T10:00:00Z\n---\n", FrontMatter{Date: "2021-08-31", Format: "yaml"}, "", ""},
		{"case-insensitive keys", "---\nTitle: T\ntranslationkey: k\n---\n", FrontMatter{Title: "T", TranslationKey: "k", Format: "yaml"}, "", ""},
		{"numbers as text", "---\ntitle: 2021\ntags: [1, two]\n---\n", FrontMatter{Title: "2021", Tags: []string{"1", "two"}, Format: "yaml"}, "", ""},
		{"bom", "\ufeff---\ntitle: T\n---\nb", FrontMatter{Title: "T", Format: "yaml"}, "b", ""},
		{"toml", "+++\ntitle = \"T\"\ndate = 2020-01-02\naliases = [\"/a\"]\n+++\nb",
			FrontMatter{Title: "T", Date: "2020-01-02", Aliases: []string{"/a"}, Format: "toml"}, "b", ""},
		{"toml datetime", "+++\ndate = 2020-01-02T03:04:05\n+++\n", FrontMatter{Date: "2020-01-02", Format: "toml"}, "", ""},
		{"unclosed", "---\ntitle: T\n", FrontMatter{}, "---\ntitle: T\n", ""},
		{"fence needs its own line", "---title: T\n---\n", FrontMatter{}, "---title: T\n---\n", ""},
		{"yaml syntax", "---\na: [\n---\nb", FrontMatter{Format: "yaml"}, "b", "front matter: line 2: did not find expected node content"},
		{"toml syntax", "+++\na = \n+++\nb", FrontMatter{Format: "toml"}, "b", "front matter: line 2: unexpected character U+000A at start of value"},
		{"alias", "---\na: &x 1\nb: *x\n---\n", FrontMatter{Format: "yaml"}, "", "front matter: line 3: YAML aliases (*name) are not allowed"},
		{"scalar", "---\njust text\n---\n", FrontMatter{Format: "yaml"}, "", "front matter: line 2: it must be a list of keys and values"},
		{"wrong weight", "---\nweight: 1.5\ntitle: T\n---\n", FrontMatter{Title: "T", Format: "yaml"}, "", "front matter: line 2: weight must be a whole number"},
		{"wrong title", "---\ntitle: [a]\n---\n", FrontMatter{Format: "yaml"}, "", "front matter: line 2: title must be text"},
		{"wrong draft", "+++\ndraft = \"maybe\"\n+++\n", FrontMatter{Format: "toml"}, "", "front matter: draft must be true or false"},
		{"too large", "---\nx: \"" + strings.Repeat("a", maxFrontMatter) + "\"\n---\nb", FrontMatter{Format: "yaml"}, "b", "front matter: it is larger than 64 KiB"},
		// yaml.v3 takes minutes to report thousands of repeated keys.
		{"repeated keys", "---\n" + strings.Repeat("a: b\n", 12000) + "---\n", FrontMatter{Format: "yaml"}, "", `front matter: line 3: the key "a" appears twice`},
		{"complex key", "---\n? [a]\n: b\n---\n", FrontMatter{Format: "yaml"}, "", "front matter: line 2: keys must be plain names"},
		{"too deep toml", "+++\nx = " + strings.Repeat("[", 22) + strings.Repeat("]", 22) + "\n+++\n", FrontMatter{Format: "toml"}, "", "front matter: it is nested too deeply"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fm, body, err := ParseFrontMatter([]byte(tc.in))
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tc.err {
				t.Errorf("error: got %q, want %q", gotErr, tc.err)
			}
			if string(body) != tc.body {
				t.Errorf("body: got %q, want %q", body, tc.body)
			}
			fm.Raw = nil
			if got, want := fmt.Sprintf("%+v", fm), fmt.Sprintf("%+v", tc.want); got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

func TestFrontMatterRawKeepsUnknownKeys(t *testing.T) {
	fm, _, err := ParseFrontMatter([]byte("---\ntitle: T\nlayout: post\nparams: {color: blue}\n---\n"))
	if err != nil {
		t.Fatal(err)
	}
	if fm.Raw["layout"] != "post" || fm.Raw["params"].(map[string]any)["color"] != "blue" || fm.Raw["title"] != "T" {
		t.Errorf("got %v", fm.Raw)
	}
}

type mapResolver map[wikipath.Page]bool

func (m mapResolver) Exists(p wikipath.Page) bool { return m[p] }
func (m mapResolver) FindWiki(from wikipath.Page, target string) (wikipath.Page, bool) {
	p := wikipath.Page(strings.ToLower(strings.ReplaceAll(target, " ", "-")))
	return p, m[p]
}

func TestResolveLink(t *testing.T) {
	res := mapResolver{"a/b": true, "guide": true, "my-page": true}
	tests := []struct {
		name string
		res  Resolver
		from wikipath.Page
		file string
		link Link
		want wikipath.Page
		ok   bool
	}{
		{"wiki found", res, "x", "x.md", Link{LinkWiki, "My Page", "", 0}, "my-page", true},
		{"wiki missing keeps spaces", res, "x", "x.md", Link{LinkWiki, "New Page", "", 0}, "New Page", false},
		{"wiki invalid", res, "x", "x.md", Link{LinkWiki, "../up", "", 0}, "", false},
		{"wiki nil resolver", nil, "x", "x.md", Link{LinkWiki, "Any Thing", "", 0}, "Any Thing", true},
		{"md sibling", res, "a/c", "a/c.md", Link{LinkMarkdown, "b.md", "f", 0}, "a/b", true},
		{"md from folder page", res, "a", "a/index.md", Link{LinkMarkdown, "b.md", "", 0}, "a/b", true},
		{"md folder page", res, "x", "x.md", Link{LinkMarkdown, "guide/index.md", "", 0}, "guide", true},
		{"md up", res, "a/c", "a/c.md", Link{LinkMarkdown, "../guide/README.md", "", 0}, "guide", true},
		{"md root-relative", res, "a/c", "a/c.md", Link{LinkMarkdown, "/a/b.md", "", 0}, "a/b", true},
		{"md missing", res, "a/c", "a/c.md", Link{LinkMarkdown, "d.md", "", 0}, "a/d", false},
		{"md above root", res, "a/c", "a/c.md", Link{LinkMarkdown, "../../x.md", "", 0}, "", false},
		{"md no file given", res, "a/c", "", Link{LinkMarkdown, "b.md", "", 0}, "a/b", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ResolveLink(tc.res, tc.from, tc.file, tc.link)
			if got != tc.want || ok != tc.ok {
				t.Errorf("got %q %v, want %q %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestServerURLs(t *testing.T) {
	u := ServerURLs{}
	for _, tc := range []struct{ name, got, want string }{
		{"page", u.Page("a b/c", ""), "/a%20b/c"},
		{"page fragment", u.Page("a", "sec"), "/a#sec"},
		{"root", u.Page(wikipath.Root, ""), "/"},
		{"create", u.Create("New Page"), "/-/edit/New%20Page"},
		{"file", u.File("img/a b.png"), "/img/a%20b.png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

func TestTitle(t *testing.T) {
	r := New(Config{})
	tests := []struct {
		name, file, src, title string
		h1InBody               bool
	}{
		{"front matter", "a.md", "---\ntitle: FM\n---\n# Heading\n", "FM", true},
		{"front matter equals h1", "a.md", "---\ntitle: Same Title\n---\n# same  title\n", "Same Title", false},
		{"first h1", "a.md", "# Heading *one*\n\ntext", "Heading one", false},
		{"h1 not first", "a.md", "text\n\n# Later", "Later", true},
		{"setext h1", "a.md", "Setext\n======\n", "Setext", false},
		{"h2 is not a title", "a-file_name.md", "## Sub\n", "A file name", false},
		{"folder page", "guide/index.md", "text", "Guide", false},
		{"root page", "index.md", "text", "Home", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := wikipath.FromFile(tc.file)
			doc := r.Render([]byte(tc.src), Context{Page: p, File: tc.file})
			if doc.Title != tc.title {
				t.Errorf("got %q, want %q", doc.Title, tc.title)
			}
			if got := strings.Contains(string(doc.HTML), "<h1"); got != tc.h1InBody {
				t.Errorf("h1 in body: got %v, want %v: %q", got, tc.h1InBody, doc.HTML)
			}
			if s := r.Summarize([]byte(tc.src), tc.file); s.Title != tc.title {
				t.Errorf("Summarize: got %q, want %q", s.Title, tc.title)
			}
		})
	}
}

func TestSummaryLinksDeduplicated(t *testing.T) {
	r := New(Config{})
	s := r.Summarize([]byte("[[A]] [[A]] [[A#x]] [a](a.md) [a](a.md) [[#self]] [w](https://x.example) ![i](i.md)"), "p.md")
	want := []Link{{LinkWiki, "A", "", 1}, {LinkWiki, "A", "x", 1}, {LinkMarkdown, "a.md", "", 1}}
	if !slices.Equal(s.Links, want) {
		t.Errorf("got %+v, want %+v", s.Links, want)
	}
}

func TestSanitizeAdditions(t *testing.T) {
	r := New(Config{})
	tests := []struct{ name, in, want string }{
		{"chroma classes", `<pre class="chroma" tabindex="0"><code><span class="line hl"><span class="kd">x</span></span></code></pre>`,
			`<pre class="chroma" tabindex="0"><code><span class="line hl"><span class="kd">x</span></span></code></pre>`},
		{"language class", `<code class="language-c++">x</code>`, `<code class="language-c++">x</code>`},
		{"long class refused", `<span class="button">x</span>`, `<span>x</span>`},
		{"heading id unicode", `<h3 id="水やり">x</h3>`, `<h3 id="水やり">x</h3>`},
		{"link classes", `<a href="/a" class="missing">a</a><a href="/b" class="wikilink">b</a>`, `<a href="/a" class="missing">a</a><a href="/b" class="wikilink">b</a>`},
		{"anchor", `<a class="anchor" href="#x" aria-hidden="true" tabindex="-1">#</a>`, `<a class="anchor" href="#x" aria-hidden="true" tabindex="-1">#</a>`},
		{"task checkbox", `<input checked="" disabled="" type="checkbox">`, `<input checked="" disabled="" type="checkbox">`},
		{"footnotes", `<div class="footnotes" role="doc-endnotes"><ol><li id="fn:1"><a href="#fnref:1" class="footnote-backref" role="doc-backlink">x</a></li></ol></div>`,
			`<div class="footnotes" role="doc-endnotes"><ol><li id="fn:1"><a href="#fnref:1" class="footnote-backref" role="doc-backlink">x</a></li></ol></div>`},
		{"external link rel", `<a href="https://x.example/">x</a>`, `<a href="https://x.example/" rel="nofollow noreferrer">x</a>`},
		{"internal link no rel", `<a href="/x">x</a>`, `<a href="/x">x</a>`},
		{"gif data image", `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`, `<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`},
		{"definition list", `<dl><dt>a</dt><dd>b</dd></dl>`, `<dl><dt>a</dt><dd>b</dd></dl>`},
		{"table align", `<table><tr><td align="center">x</td></tr></table>`, `<table tabindex="0"><tr><td align="center">x</td></tr></table>`},
		{"macro image dropped, others kept", `<p><IMG CLASS="x editor-inline-macro" src="/m"><img src="/real.png"></p>`, `<p><img src="/real.png"></p>`},
		{"input uppercase", `<INPUT TYPE="text"><Input Type="CHECKBOX" Disabled>`, `<input type="CHECKBOX" disabled="">`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(r.Sanitize(tc.in)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestChromaCSS(t *testing.T) {
	light := ChromaCSS(LightCodeStyle)
	for _, want := range []string{".chroma {", ".chroma .kd {", ".chroma .line {"} {
		if !strings.Contains(light, want) {
			t.Errorf("light CSS lacks %q", want)
		}
	}
	if strings.Contains(light, ".bg") {
		t.Errorf("light CSS has the unscoped .bg rule")
	}
	sheet := ChromaStylesheet()
	if !strings.Contains(sheet, "@media (prefers-color-scheme: dark) {\n  ") || !strings.HasSuffix(sheet, "}\n") {
		t.Errorf("stylesheet lacks the dark block:\n%s", sheet)
	}
	if ChromaCSS(DarkCodeStyle) == light {
		t.Errorf("dark and light styles are the same")
	}
}

func TestLRU(t *testing.T) {
	c := newLRU[int](2, 0, nil)
	c.put("a", 1)
	c.put("b", 2)
	c.get("a") // b is now the oldest
	c.put("c", 3)
	if _, ok := c.get("b"); ok {
		t.Errorf("b survived eviction")
	}
	for k, want := range map[string]int{"a": 1, "c": 3} {
		if got, ok := c.get(k); !ok || got != want {
			t.Errorf("get %q: got %d %v, want %d", k, got, ok, want)
		}
	}
	c.put("a", 10)
	if got, _ := c.get("a"); got != 10 || c.len() != 2 {
		t.Errorf("update: got %d, len %d", got, c.len())
	}
}

func TestRenderCached(t *testing.T) {
	r := New(Config{CacheEntries: 4})
	a := r.RenderCached("k", []byte("# A"), Context{})
	b := r.RenderCached("k", []byte("# B"), Context{})
	if a != b || b.Title != "A" {
		t.Errorf("second call with the same key was not served from the cache: %q", b.Title)
	}
	if c := r.RenderCached("", []byte("# C"), Context{}); c.Title != "C" || r.docs.len() != 1 {
		t.Errorf("empty key: title %q, cache size %d", c.Title, r.docs.len())
	}
	for i := range 10 {
		r.SummarizeCached(fmt.Sprint(i), []byte("x"), "x.md")
	}
	if n := r.sums.len(); n != 4 {
		t.Errorf("summary cache holds %d entries, want 4", n)
	}
}

// TestConcurrent is for -race: one Renderer serves every request.
func TestConcurrent(t *testing.T) {
	r := New(Config{CacheEntries: 8})
	src, err := os.ReadFile("testdata/bench.md")
	if err != nil {
		t.Fatal(err)
	}
	want := r.Render(src, Context{Page: "p", File: "p.md"}).HTML
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 20 {
				key := fmt.Sprint(j % 10)
				if got := r.RenderCached(key, src, Context{Page: "p", File: "p.md"}).HTML; got != want {
					n := 0
					for n < len(got) && n < len(want) && got[n] == want[n] {
						n++
					}
					t.Errorf("goroutine %d: output differs at byte %d:\ngot  …%.200s\nwant …%.200s", i, n, got[max(0, n-80):], want[max(0, n-80):])
				}
				r.SummarizeCached(key, src, "p.md")
			}
		})
	}
	wg.Wait()
}

func TestNeverFails(t *testing.T) {
	r := New(Config{})
	for _, tc := range []struct{ name, in string }{
		{"empty", ""},
		{"invalid utf-8", "\xff\xfe# \xc3"},
		{"nul", "a\x00b [[\x00]]"},
		{"deep quotes", strings.Repeat(">", 10000) + " x"},
		{"deep lists", strings.Repeat("- ", 2000) + "x"},
		{"many brackets", strings.Repeat("[[", 5000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := r.Render([]byte(tc.in), Context{})
			if doc == nil || len(doc.Warnings) > 0 {
				t.Errorf("got %+v", doc)
			}
			if err := checkSafeHTML(string(doc.HTML)); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestPanicBecomesWarning(t *testing.T) {
	r := New(Config{})
	doc := r.failed([]byte("<b>src</b>"), "boom")
	if len(doc.Warnings) != 1 || doc.HTML != "<pre>&lt;b&gt;src&lt;/b&gt;</pre>" {
		t.Errorf("got %+v", doc)
	}
}

// TestCommandsKeepTheirDashes: a command copied from a page must still run
// (issue 8, item 25), and code is never typeset.
func TestCommandsKeepTheirDashes(t *testing.T) {
	r := New(Config{})
	tests := []struct{ in, want string }{
		{"Run `gitwiki serve --repo x` or gitwiki serve --repo x.", "<p>Run <code>gitwiki serve --repo x</code> or gitwiki serve --repo x.</p>\n"},
		{"```sh\ngit push --force-with-lease -- a\n```", "--force-with-lease"},
		{"Pages 3 -- 5 --- or so.", "<p>Pages 3 \u2013 5 \u2014 or so.</p>\n"},
	}
	for _, tc := range tests {
		got := string(r.Render([]byte(tc.in), Context{Page: "p", File: "p.md"}).HTML)
		if !strings.Contains(got, tc.want) {
			t.Errorf("%q: got %q, want it to contain %q", tc.in, got, tc.want)
		}
	}
}

func TestLinkLinesAndAnchors(t *testing.T) {
	r := New(Config{})
	src := "---\ntitle: T\n---\n# Top\n\nIntro [[A]].\n\n## Part two\n\nA paragraph\nthat goes on [b](b.md#x)\nand on.\n\n- [[C|see C]]\n"
	s := r.Summarize([]byte(src), "p.md")
	lines := map[string]int{}
	for _, l := range s.Links {
		lines[l.Target] = l.Line
	}
	if lines["A"] != 6 || lines["b.md"] != 11 || lines["C"] != 14 {
		t.Errorf("lines %v, want A 6, b.md 11, C 14", lines)
	}
	if strings.Join(s.Anchors, " ") != "top part-two" {
		t.Errorf("anchors %q", s.Anchors)
	}
}

// TestListStart: steps numbered on after a paragraph keep their numbers.
func TestListStart(t *testing.T) {
	r := New(Config{})
	doc := r.Render([]byte("1. One\n\nA note.\n\n2. Two\n3. Three\n"), Context{Page: "p", File: "p.md"})
	if !strings.Contains(string(doc.HTML), `<ol start="2">`) {
		t.Errorf("the second list lost its start:\n%s", doc.HTML)
	}
}

// TestImageAlt: an image keeps its description for screen readers whatever
// punctuation it has, escaped so that it cannot leave the attribute.
func TestImageAlt(t *testing.T) {
	r := New(Config{})
	for _, c := range []struct{ src, want string }{
		{"![Step 1: open the app & sign in?](a.png)", `alt="Step 1: open the app &amp; sign in?"`},
		{`![x" onerror="alert(1)](a.png)`, `alt="x&#34; onerror=`},
		{`<img src="a.png" alt="a; b: &quot;c&quot;">`, `alt="a; b: &#34;c&#34;"`},
	} {
		doc := r.Render([]byte(c.src), Context{Page: "p", File: "p.md"})
		out := string(doc.HTML)
		if !strings.Contains(out, c.want) {
			t.Errorf("%q: want %s in\n%s", c.src, c.want, out)
		}
		if err := checkSafeHTML(out); err != nil {
			t.Errorf("%q: %v", c.src, err)
		}
	}
}
