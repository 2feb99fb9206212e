package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// forbiddenTags can run script, load other documents, submit or restyle the page.
var forbiddenTags = map[string]bool{
	"script": true, "style": true, "iframe": true, "frame": true, "frameset": true,
	"object": true, "embed": true, "applet": true, "form": true, "button": true,
	"select": true, "textarea": true, "svg": true, "math": true, "link": true,
	"meta": true, "base": true, "template": true, "noscript": true,
}

// urlAttrs hold URLs a browser follows or loads.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "cite": true, "action": true, "formaction": true,
	"poster": true, "srcset": true, "data": true, "xlink:href": true, "background": true,
}

// checkSafeHTML tokenizes sanitized output as a browser would and reports
// anything that could run script or restyle the page.
func checkSafeHTML(s string) error {
	if strings.Contains(strings.ToLower(s), "<script") {
		return errors.New("output contains <script")
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return nil
			}
			return z.Err()
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			tag := string(name)
			if forbiddenTags[tag] {
				return fmt.Errorf("output contains <%s>", tag)
			}
			var typ string
			var disabled bool
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				key, val := string(k), string(v)
				switch {
				case strings.HasPrefix(key, "on"):
					return fmt.Errorf("<%s> has event handler %s=%q", tag, key, val)
				case key == "style" || key == "srcdoc":
					return fmt.Errorf("<%s> has %s=%q", tag, key, val)
				case key == "type":
					typ = val
				case key == "disabled":
					disabled = true
				case urlAttrs[key]:
					if err := checkURL(tag, key, val); err != nil {
						return err
					}
				}
			}
			if tag == "input" && (!strings.EqualFold(typ, "checkbox") || !disabled) {
				return fmt.Errorf("output contains an input that is not a disabled checkbox")
			}
		}
	}
}

func checkURL(tag, key, val string) error {
	squeezed := strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToLower(val))
	i := strings.IndexAny(squeezed, ":/?#")
	if i <= 0 || squeezed[i] != ':' {
		return nil
	}
	switch scheme := squeezed[:i]; scheme {
	case "http", "https", "mailto":
		return nil
	case "data":
		if rasterData.MatchString(strings.TrimPrefix(squeezed, "data:")) {
			return nil
		}
	}
	return fmt.Errorf("<%s %s=%q> has a disallowed scheme", tag, key, val)
}

// FuzzRenderSanitize renders arbitrary markdown and checks that nothing
// unsafe survives and that nothing panics.
func FuzzRenderSanitize(f *testing.F) {
	for _, s := range []string{
		"# Title\n\n[[Page|text]] [x](a.md#b) ![i](i.png)\n",
		"<img src=x onerror=alert(1)>",
		"[x](javascript:alert(1)) <javascript:alert(1)>",
		"---\ntitle: x\n---\n<svg onload=alert(1)>",
		"```go\nfunc main() {}\n```\n| a |\n|---|\n| [[b\\|c]] |\n",
		"<div title=\"\n\n```go\nx := \"</code></pre><script>alert(1)</script>\"\n```\n\n\"></div>",
		"<textarea>\n\n```js\nlet a = '<b>'\n```\n",
		"```html\n<a href=\"javascript:x\" onclick='y'>&amp;&#0;\r\n```\n",
	} {
		f.Add([]byte(s))
	}
	// The shapes that made goldmark quadratic, small enough to mutate.
	for _, p := range pathologicalInputs {
		f.Add([]byte(p.gen(2 << 10)))
	}
	r := New(Config{CacheEntries: 1})
	f.Fuzz(func(t *testing.T, src []byte) {
		doc := r.Render(src, Context{Page: "a/b", File: "a/b.md"})
		for _, w := range doc.Warnings {
			if strings.Contains(w, "could not be rendered") {
				t.Fatalf("render panicked: %s", w)
			}
		}
		if err := checkSafeHTML(string(doc.HTML)); err != nil {
			t.Fatalf("%v\nin: %q\nout: %q", err, src, doc.HTML)
		}
		// Pages in clean form skip the policy (cleanForm): the page must
		// still be one it leaves as it is.
		if again := r.Sanitize(string(doc.HTML)); again != doc.HTML {
			t.Fatalf("the sanitizer changes the page:\nin: %q\nout: %q\nagain: %q", src, doc.HTML, again)
		}
		if utf8.Valid(src) && !utf8.ValidString(string(doc.HTML)) {
			t.Fatalf("valid UTF-8 in, invalid out: %q", doc.HTML)
		}
		sum := r.Summarize(src, "a/b.md")
		if sum.Title != doc.Title {
			t.Fatalf("Summarize title %q, Render title %q", sum.Title, doc.Title)
		}
	})
}

// FuzzParseFrontMatter checks the front matter reader never panics and
// always hands back the body.
func FuzzParseFrontMatter(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: a\ntags: [x, y]\n---\nbody",
		"+++\ntitle = 'a'\n[x]\ny = 1\n+++\nbody",
		"---\na: &a [1]\nb: *a\n---\n",
		"---\n: : :\n---\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		_, body, _ := ParseFrontMatter(src)
		if !bytes.HasSuffix(src, body) {
			t.Fatalf("body %q is not the end of the source %q", body, src)
		}
	})
}
