package wikilink

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	gmext "github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// convert parses src, resolves every Node to "/"+target with class "wikilink"
// and returns the HTML and the nodes as "target#fragment".
func convert(t *testing.T, src string) (string, []string) {
	t.Helper()
	md := goldmark.New(goldmark.WithExtensions(New(), gmext.Table))
	b := []byte(src)
	doc := md.Parser().Parse(text.NewReader(b))
	var nodes []string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if w, ok := n.(*Node); ok && entering {
			nodes = append(nodes, fmt.Sprintf("%s#%s", w.Target, w.Fragment))
			if len(w.Target) > 0 {
				w.Destination = append([]byte("/"), w.Target...)
				w.Class = []byte("wikilink")
			}
		}
		return ast.WalkContinue, nil
	})
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, b, doc); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(buf.String()), nodes
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in, want, nodes string
	}{
		{"plain", "[[Page]]", `<p><a href="/Page" class="wikilink">Page</a></p>`, "Page#"},
		{"label", "[[Page|the text]]", `<p><a href="/Page" class="wikilink">the text</a></p>`, "Page#"},
		{"fragment", "[[Page Name#Some Section|text]]", `<p><a href="/Page%20Name" class="wikilink">text</a></p>`, "Page Name#Some Section"},
		{"fragment only", "[[#sec]]", `<p>#sec</p>`, "#sec"},
		{"spaces trimmed", "[[  a/b  |  c  ]]", `<p><a href="/a/b" class="wikilink">c</a></p>`, "a/b#"},
		{"empty label uses target", "[[Page|]]", `<p><a href="/Page" class="wikilink">Page</a></p>`, "Page#"},
		{"label is text", "[[x|<b>*y*</b>]]", `<p><a href="/x" class="wikilink">&lt;b&gt;*y*&lt;/b&gt;</a></p>`, "x#"},
		{"label entities", "[[x|a &amp; b]]", `<p><a href="/x" class="wikilink">a &amp; b</a></p>`, "x#"},
		{"empty", "[[]] [[ | ]]", `<p>[[]] [[ | ]]</p>`, ""},
		{"nested brackets", "[[a[b]]]", `<p>[[a[b]]]</p>`, ""},
		{"unclosed", "[[Page", `<p>[[Page</p>`, ""},
		{"across lines", "[[Pa\nge]]", "<p>[[Pa\nge]]</p>", ""},
		{"markdown link wins", "[[a]](b)", `<p><a href="b">[a]</a></p>`, ""},
		{"escaped", `\[[Page]]`, `<p>[[Page]]</p>`, ""},
		{"in code", "`[[Page]]`", `<p><code>[[Page]]</code></p>`, ""},
		{"two", "[[a]] and [[b|B]]", `<p><a href="/a" class="wikilink">a</a> and <a href="/b" class="wikilink">B</a></p>`, "a# b#"},
		{"table pipe", "| h |\n|---|\n| [[a\\|b]] |", "<table>\n<thead>\n<tr>\n<th>h</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td><a href=\"/a\" class=\"wikilink\">b</a></td>\n</tr>\n</tbody>\n</table>", "a#"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, nodes := convert(t, tc.in)
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if n := strings.Join(nodes, " "); n != tc.nodes {
				t.Errorf("nodes: got %q, want %q", n, tc.nodes)
			}
		})
	}
}

func TestUnresolvedIsText(t *testing.T) {
	md := goldmark.New(goldmark.WithExtensions(New()))
	var buf bytes.Buffer
	if err := md.Convert([]byte("see [[Page|label]]"), &buf); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "<p>see label</p>\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestLinkEndMatchesSearch checks the bracket scan against the search for
// "]]" it replaced, which was quadratic in "[[[[...": both must find the
// same links in every short string of the characters that matter.
func TestLinkEndMatchesSearch(t *testing.T) {
	old := func(line []byte) (inner []byte, ok bool) {
		end := bytes.Index(line[2:], []byte("]]"))
		if end < 0 {
			return nil, false
		}
		inner = line[2 : 2+end]
		return inner, !bytes.ContainsAny(inner, "[]\n")
	}
	alphabet := []byte("[]a|\n")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		line := []byte("[[")
		for range rng.IntN(10) {
			line = append(line, alphabet[rng.IntN(len(alphabet))])
		}
		wantInner, want := old(line)
		gotInner, got := linkEnd(line)
		if got != want || got && !bytes.Equal(gotInner, wantInner) {
			t.Fatalf("%q: got %q %v, want %q %v", line, gotInner, got, wantInner, want)
		}
	}
}
